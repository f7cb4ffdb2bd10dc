"""What the server works out once (cache.py): verified tokens, tenant rows and list
answers, and every way they are dropped; the list's ETag and 304."""

import concurrent.futures
import time

import jwt
import pytest

import addon
import auth
import cache
from tests.conftest import (
    REPORT,
    SECRET_A,
    SECRET_B,
    A,
    B,
    api,
    assert_error,
    claims,
    context_token,
    create,
    hs256,
    install,
    uninstall,
)
from tests.test_forge_auth import (  # noqa: F401 (jwks is a fixture)
    APP_ID,
    PRE_UNINSTALL,
    TENANT,
    bearer,
    fit,
    jwks,
)

OTHER = "5b10ac8d82e05b22cc7d4e11"
NEW_SECRET = "a brand new shared secret of the site, 48 bytes"


@pytest.fixture
def config(config, jwks):  # noqa: F811
    """Forge enabled beside Connect, as in test_forge_auth, and the production notice
    interval: a change made outside the server is seen within cache.NOTICE_SECONDS,
    a change made through it at once."""
    config = config | {"addon.forge_app_id": APP_ID, "addon.forge_jwks_url": jwks.url}
    del config["addon.notice_seconds"]
    return config


def tokens_of(server):
    return server.app.config["addon.cache"].tokens.items


def listed(server, token, **headers):
    return api(server, "GET", "/api/reports", token, headers=headers)


def names(resp):
    assert resp.status == 200, resp.body
    return sorted(r["name"] for r in resp.json()["reports"])


def purge(server, client_key):
    """The operator's purge, run as a separate command would run it, beside the server;
    returns once the server is bound to have noticed it."""
    assert addon.main(["--db", server.db, "purge", "--client-key", client_key,
                       "--yes"]) == 0
    wait_out_the_notice_interval()


def wait_out_the_notice_interval():
    """Let cache.NOTICE_SECONDS pass on the clock, polling it."""
    done = time.monotonic()
    while time.monotonic() - done <= cache.NOTICE_SECONDS:
        time.sleep(0.01)


def wait_until(moment):
    """Let the clock pass ``moment`` (time.time()), polling it."""
    while time.time() <= moment:
        time.sleep(0.05)


def expiring_token(client_key, secret, seconds):
    """A context token that verification accepts for ``seconds`` more seconds: its exp
    is that far past the leeway."""
    payload = claims(client_key, "context-qsh")
    payload["exp"] = int(time.time()) - auth.LEEWAY + seconds
    return hs256(payload, secret), payload["exp"] + auth.LEEWAY


####################################################################################
# Connect tokens
####################################################################################


def test_a_reused_token_is_verified_once_and_kept(tenants):
    token = context_token(A, SECRET_A)
    assert listed(tenants, token).status == 200
    kept = tokens_of(tenants)[f"JWT {token}"]
    assert (kept.client_key, kept.account_id) == (A, "5b10a2844c20165700ede21g")
    assert kept.valid_until == jwt.decode(token, options={
        "verify_signature": False})["exp"] + auth.LEEWAY
    assert listed(tenants, token).status == 200


def test_a_cached_token_stops_after_a_reinstall_with_a_new_secret(tenants):
    old = context_token(A, SECRET_A)
    assert listed(tenants, old).status == 200
    assert install(tenants, A, NEW_SECRET).status == 204
    assert_error(listed(tenants, old), 401)
    assert listed(tenants, context_token(A, NEW_SECRET)).status == 200


def test_a_cached_token_stops_after_an_uninstall(tenants):
    token = context_token(A, SECRET_A)
    assert listed(tenants, token).status == 200
    assert uninstall(tenants, A).status == 204
    assert_error(listed(tenants, token), 401)


def test_a_cached_token_stops_after_a_purge(tenants):
    token = context_token(A, SECRET_A)
    create(tenants, A, SECRET_A)
    assert len(listed(tenants, token).json()["reports"]) == 1
    purge(tenants, A)
    assert_error(listed(tenants, token), 401)
    assert listed(tenants, context_token(B, SECRET_B)).status == 200


def test_a_cached_token_stops_at_its_expiry(tenants):
    token, refused_from = expiring_token(A, SECRET_A, 2)
    assert listed(tenants, token).status == 200
    assert f"JWT {token}" in tokens_of(tenants)
    wait_until(refused_from)
    assert_error(listed(tenants, token), 401)
    assert f"JWT {token}" not in tokens_of(tenants)


def test_a_refused_token_is_never_kept(tenants):
    bad = hs256(claims(A, "context-qsh"), "not the shared secret of this site at all")
    for _ in range(2):
        assert_error(listed(tenants, bad), 401)
    assert tokens_of(tenants) == {}


def test_tokens_of_two_sites_stay_apart(tenants):
    create(tenants, A, SECRET_A, name="A's")
    create(tenants, B, SECRET_B, name="B's")
    token_a, token_b = context_token(A, SECRET_A), context_token(B, SECRET_B)
    for _ in range(2):
        assert names(listed(tenants, token_a)) == ["A's"]
        assert names(listed(tenants, token_b)) == ["B's"]


####################################################################################
# Forge Invocation Tokens
####################################################################################


def forge_list(server, token):
    return bearer(server, "GET", "/api/reports", token)


def test_a_cached_fit_stops_after_the_sites_uninstall(server):
    issued = int(time.time()) - 5
    token = fit(iat=issued, nbf=issued)
    for _ in range(2):  # the first one also stored the new site, and so kept nothing
        assert forge_list(server, token).status == 200
    assert f"Bearer {token}" in tokens_of(server)
    assert bearer(server, "POST", "/forge/uninstalled", fit(),
                  json=PRE_UNINSTALL).status == 204
    assert_error(forge_list(server, token), 401)
    # The site comes back with a token Forge issues after the uninstall.
    assert forge_list(server, fit(iat=int(time.time()) + 1)).status == 200


def test_a_cached_fit_stops_at_its_expiry(server):
    exp = int(time.time()) - auth.FIT_LEEWAY + 2
    token = fit(exp=exp)
    assert forge_list(server, token).status == 200
    wait_until(exp + auth.FIT_LEEWAY)
    assert_error(forge_list(server, token), 401)


def test_a_cached_fit_reaches_nothing_of_a_purged_site(server):
    """Forge signs invocations only for an installed app, so a valid FIT after a purge
    means the site uses the app again: it starts over, empty."""
    token = fit()
    assert bearer(server, "POST", "/api/reports", token, json=REPORT).status == 201
    assert len(forge_list(server, token).json()["reports"]) == 1
    purge(server, TENANT)
    assert forge_list(server, token).json()["reports"] == []


####################################################################################
# The list answer: bytes per site and user, ETag, 304
####################################################################################


def test_the_list_carries_an_etag_and_answers_304_to_it(tenants):
    create(tenants, A, SECRET_A)
    token = context_token(A, SECRET_A)
    first = listed(tenants, token)
    tag = first.headers["ETag"]
    assert tag.startswith('"') and tag.endswith('"') and len(tag) > 20
    for header in (tag, f"W/{tag}", f'"other", {tag}', "*"):
        again = listed(tenants, token, **{"If-None-Match": header})
        assert (again.status, again.body, again.headers["ETag"]) == (304, b"", tag)
        assert again.headers["Cache-Control"] == "no-cache, no-store"
        assert again.headers["X-Content-Type-Options"] == "nosniff"
    other = listed(tenants, token, **{"If-None-Match": '"not-it"'})
    assert (other.status, other.body) == (200, first.body)


@pytest.mark.parametrize("change", ["create", "edit", "delete", "import"])
def test_every_write_changes_the_list_at_once(tenants, change):
    made = create(tenants, A, SECRET_A, name="First")
    token = context_token(A, SECRET_A)
    before = listed(tenants, token)
    tag = before.headers["ETag"]
    if change == "create":
        create(tenants, A, SECRET_A, name="Second")
    elif change == "edit":
        resp = api(tenants, "PUT", "/api/reports/" + made["id"], token,
                   json=REPORT | {"name": "Renamed", "version": made["version"]})
        assert resp.status == 200, resp.body
    elif change == "delete":
        assert api(tenants, "DELETE", "/api/reports/" + made["id"], token).status == 204
    else:
        doc = {"format": "jql-reports", "version": 3, "reports": [REPORT]}
        assert api(tenants, "POST", "/api/import", token, json=doc).status == 201
    after = listed(tenants, token, **{"If-None-Match": tag})
    assert after.status == 200 and after.headers["ETag"] != tag
    expected = {"create": ["First", "Second"], "edit": ["Renamed"], "delete": [],
                "import": ["First", REPORT["name"]]}[change]
    assert names(after) == sorted(expected)


def test_each_user_gets_the_list_they_may_see(tenants):
    mine = context_token(A, SECRET_A)
    theirs = hs256(claims(A, "context-qsh", sub=OTHER), SECRET_A)
    made = create(tenants, A, SECRET_A, name="Private one")
    assert names(listed(tenants, theirs)) == ["Private one"]
    resp = api(tenants, "PUT", "/api/reports/" + made["id"], mine,
               json=REPORT | {"name": "Private one", "visibility": "private",
                              "version": made["version"]})
    assert resp.status == 200, resp.body
    assert names(listed(tenants, mine)) == ["Private one"]
    assert names(listed(tenants, theirs)) == []
    assert listed(tenants, mine).headers["ETag"] != listed(tenants, theirs).headers["ETag"]


def test_lists_read_during_writes_end_current(tenants):
    """Readers racing writers: once the writes are done, no stale list is left kept."""
    token = context_token(A, SECRET_A)

    def write(n):
        create(tenants, A, SECRET_A, name=f"Report {n:02d}")

    def read(_):
        return listed(tenants, token).status

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        jobs = [pool.submit(write, n) for n in range(20)]
        jobs += [pool.submit(read, n) for n in range(60)]
        assert {job.result() for job in jobs} <= {None, 200}
    assert names(listed(tenants, token)) == [f"Report {n:02d}" for n in range(20)]


####################################################################################
# Changes made by another process
####################################################################################


def test_another_process_s_import_is_seen_within_the_interval(tenants, tmp_path):
    token = context_token(A, SECRET_A)
    assert names(listed(tenants, token)) == []
    path = tmp_path / "doc.json"
    path.write_text('{"format": "jql-reports", "version": 3, "reports": [%s]}'
                    % addon.json.dumps(REPORT))
    assert addon.main(["--db", tenants.db, "import", "--client-key", A, str(path)]) == 0
    wait_out_the_notice_interval()
    assert names(listed(tenants, token)) == [REPORT["name"]]


####################################################################################
# The cache itself
####################################################################################


def tenant(key, valid_for=600):
    return auth.Tenant(key, "", "", None, valid_until=time.time() + valid_for)


def test_tokens_beyond_the_limit_go_least_recently_used_first():
    kept = cache.Cache(max_tokens=3)
    for name in "abcd":
        kept.keep(kept.tokens, name, tenant(name), kept.epoch)
        kept.token("a")  # a stays in use
    assert list(kept.tokens.items) == ["c", "d", "a"]  # b went, though a came first


def test_answers_are_bounded_by_their_bytes():
    kept = cache.Cache(max_bytes=10)
    for key in ("x", "y", "z"):
        kept.keep_answer(key, b"four", kept.epoch)
    assert list(kept.answers.items) == ["y", "z"] and kept.answers.weight == 8
    kept.keep_answer("big", b"more than ten bytes", kept.epoch)
    assert kept.answer("big") is None and kept.answers.weight == 8


def test_work_begun_before_a_drop_is_not_kept():
    kept = cache.Cache()
    epoch = kept.epoch
    kept.drop()
    kept.keep(kept.tokens, "t", tenant("A"), epoch)
    tag, body = kept.keep_answer(("A", None), b"[]", epoch)
    assert kept.token("t") is None and kept.answer(("A", None)) is None
    assert (tag, body) == (cache.etag(b"[]"), b"[]")


def test_an_expired_token_is_not_given_back():
    kept = cache.Cache()
    kept.keep(kept.tokens, "t", tenant("A", valid_for=-1), kept.epoch)
    assert kept.token("t") is None and "t" not in kept.tokens.items


def test_a_row_that_does_not_exist_is_remembered_as_none():
    kept, reads = cache.Cache(), []
    for _ in range(2):
        assert kept.tenant(("nobody", "connect"), lambda: reads.append(1)) is None
    assert reads == [1]


def test_etag_matching_follows_rfc_9110():
    tag = cache.etag(b"x")
    assert cache.etag_matches(tag, tag) and cache.etag_matches(f" W/{tag} ", tag)
    assert cache.etag_matches(f'"a", {tag}', tag) and cache.etag_matches("*", tag)
    assert not cache.etag_matches(None, tag) and not cache.etag_matches('"a"', tag)
    assert not cache.etag_matches(tag[:-2] + '"', tag)


def test_every_tenant_token_names_its_expiry():
    token = context_token(A, SECRET_A)
    found = auth.verify_tenant_token(
        token, "context-qsh", lambda key: {"client_key": A, "base_url": "https://a",
                                           "display_url": None, "status": "installed",
                                           "shared_secret": SECRET_A})
    assert found.valid_until == jwt.decode(token, options={
        "verify_signature": False})["exp"] + auth.LEEWAY


def test_a_database_that_does_not_answer_is_asked_again_at_once(tmp_path):
    """/healthz rests on it: a failed ask is not taken for an answer."""
    kept = cache.Cache(notice_seconds=60)
    db = addon.connect(str(tmp_path / "gone.db"))
    db.close()
    for _ in range(2):
        with pytest.raises(addon.sqlite3.ProgrammingError):
            kept.notice(db)
    working = addon.connect(str(tmp_path / "here.db"))
    kept.notice(working)
    working.close()
    kept.notice(working)  # within the interval: not asked
