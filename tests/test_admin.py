"""Site administrators (issue 12): the admin routes list every report, transfer and
delete, only when the site's Jira itself says the caller administers it. Loopback
Jiras answer the two documented permission checks (see FakeJira in conftest)."""

import time

import pytest

from tests.conftest import (
    CHECK_PATH,
    REPORT,
    SECRET_A,
    SECRET_B,
    A,
    B,
    FakeJira,
    Server,
    api,
    assert_error,
    context_token,
    db_snapshot,
    free_port,
    hs256,
    page,
    page_token,
    qsh,
    serving,
    store_tenant,
)
from tests.test_access import (
    EDITOR,
    OWNER,
    VIEWER,
    cli_import,
    connect_call,
    forge_call,
    made,
    stored,
)
from tests.test_forge_auth import APP_ID, CLOUD, DROP, KID, fit, forge_key

ADMIN = "712020:5f2b6c1e-8d4a-4c1e-9a57-0c2e4f6b7a0a"  # as in test_access
ADMIN_B = "5c2d3e4f5a6b7c8d9e0f1a2b"
OTHER_CLOUD = "0e5d7d4c-1b7a-4c55-9d2f-5a4f3b2c1d0e"
USER_TOKENS = {"user-token-admin": ADMIN, "user-token-viewer": VIEWER}
REFUSAL = {"error": "Only a Jira administrator can do this.", "status": 403}
ROUTES = ("list", "transfer", "delete")
SUMMARY = {"id", "name", "description", "updatedAt", "updatedBy", "version", "owner",
           "visibility", "editors"}
MYPERMISSIONS = f"/ex/jira/{CLOUD}/rest/api/3/mypermissions"


####################################################################################
# Sites, their Jiras, and callers
####################################################################################


@pytest.fixture
def jira_a():
    """Site A's Jira: ADMIN holds "Administer Jira"."""
    fake = FakeJira(SECRET_A, grants={ADMIN: {"ADMINISTER"}}, stall=5.0)
    with serving(fake, poll_interval=0.05):
        yield fake


@pytest.fixture
def jira_b():
    """Site B's Jira: ADMIN_B administers it, ADMIN does not."""
    with serving(FakeJira(SECRET_B, grants={ADMIN_B: {"ADMINISTER"}}),
                 poll_interval=0.05) as fake:
        yield fake


@pytest.fixture
def forge_jira():
    """The Forge site's REST API (api.atlassian.com/ex/jira/<cloudId>) on loopback."""
    fake = FakeJira("", CLOUD, {ADMIN: {"ADMINISTER"}}, USER_TOKENS, stall=5.0)
    with serving(fake, poll_interval=0.05):
        yield fake


@pytest.fixture
def config(config):
    """Forge enabled too, with the test key given in the config (no JWKS fetch)."""
    return config | {"addon.forge_app_id": APP_ID, "addon.forge_jwks_url": None,
                     "addon.forge_keys": {KID: forge_key(KID).public_key()}}


@pytest.fixture
def seeded(server, jira_a, jira_b):
    """Sites A and B (their Jiras on loopback), with reports of several owners.

    Returns the reports of A by name: OWNER's private and site ones, EDITOR's private
    one; B holds STRANGER's private report ("theirs").
    """
    store_tenant(server, A, SECRET_A, jira_a.url)
    store_tenant(server, B, SECRET_B, jira_b.url)
    owner, editor = connect_call(server, "owner"), connect_call(server, "editor")
    return {"private": made(owner, "private", name="Private"),
            "site": made(owner, "site", name="Site"),
            "editors": made(editor, "private", name="Editor's"),
            "theirs": made(connect_call(server, "other"), "private", name="Theirs")}


@pytest.fixture
def forge_seeded(server, forge_jira):
    """The Forge site (and another cloud) with OWNER's private and site reports."""
    assert forge_call(server, "other")("GET", "/api/reports").status == 200
    owner = forge_call(server, "owner")
    return {"private": made(owner, "private", name="Private"),
            "site": made(owner, "site", name="Site"),
            "theirs": made(forge_call(server, "other"), "private", name="Theirs")}


def send(server, method, path, auth, body=None, headers=None):
    """One request with a ready Authorization value (None: none)."""
    headers = dict(headers or {})
    if auth is not None:
        headers["Authorization"] = auth
    return api(server, method, path, headers=headers,
               **({} if body is None else {"json": body}))


def connect_admin(server, user=ADMIN, key=A, secret=SECRET_A):
    """Requests with a context token for ``user`` of site ``key``."""
    def call(method, path, body=None, headers=None):
        token = context_token(key, secret, user)
        return send(server, method, path, f"JWT {token}", body, headers)

    return call


def forge_admin(server, jira, principal=ADMIN, user_token="user-token-admin",
                api_url=None, **changes):
    """invokeRemote from the admin page: a FIT naming the site's apiBaseUrl, and the
    user's token in X-Forge-OAuth-User (None: the header is absent)."""
    def call(method, path, body=None, headers=None):
        token = fit(principal=principal, app__apiBaseUrl=api_url or jira.api_url,
                    **changes)
        extra = {} if user_token is None else {"X-Forge-OAuth-User": user_token}
        extra |= headers or {}
        return send(server, method, path, f"Bearer {token}", body, extra)

    return call


def on_route(call, route, report, query="", body=None, headers=None):
    """Send one admin route for ``report``; ``body`` is merged into the PUT's."""
    path = "/api/admin/reports" + ("" if route == "list" else f"/{report['id']}")
    change = {"owner": VIEWER, "version": report["version"]} if route == "transfer" \
        else None
    if body is not None:
        change = (change or {}) | body
    method = {"list": "GET", "transfer": "PUT", "delete": "DELETE"}[route]
    return call(method, path + query, change, headers)


def ids(resp):
    assert resp.status == 200, resp.body
    return {r["id"] for r in resp.json()["reports"]}


####################################################################################
# An administrator lists, transfers and deletes
####################################################################################


def test_connect_admin_lists_every_report_of_the_site(server, seeded, jira_a):
    resp = connect_admin(server)("GET", "/api/admin/reports")
    mine = {seeded_report["id"] for name, seeded_report in seeded.items()
            if name != "theirs"}
    assert ids(resp) == mine
    for entry in resp.json()["reports"]:
        assert SUMMARY <= set(entry)
    [private] = [r for r in resp.json()["reports"] if r["name"] == "Private"]
    assert (private["owner"], private["visibility"], private["editors"]) == (
        OWNER, "private", [EDITOR])
    assert jira_a.calls == [(CHECK_PATH, ADMIN, 200)]


def test_forge_admin_lists_every_report_of_the_site(server, forge_seeded, forge_jira):
    resp = forge_admin(server, forge_jira)("GET", "/api/admin/reports")
    assert ids(resp) == {forge_seeded["private"]["id"], forge_seeded["site"]["id"]}
    assert forge_jira.calls == [(MYPERMISSIONS, ADMIN, 200)]


@pytest.mark.parametrize("host", ["connect", "forge"])
def test_admin_transfers_a_private_report(request, host):
    server, call, reports, new_owner = admin_setup(request, host)
    report = reports["private"]
    resp = on_route(call, "transfer", report)
    assert resp.status == 200, resp.body
    got = resp.json()
    assert (got["owner"], got["version"], got["visibility"]) == (
        VIEWER, report["version"] + 1, "private")
    assert {k: got[k] for k in REPORT} == {k: report[k] for k in REPORT}
    assert report["id"] in user_list(server, host, "viewer")
    assert report["id"] not in user_list(server, host, "owner")


@pytest.mark.parametrize("host", ["connect", "forge"])
def test_admin_deletes_any_report(request, host):
    server, call, reports, _ = admin_setup(request, host)
    for report in (reports["private"], reports["site"]):
        assert on_route(call, "delete", report).status == 204
    assert {r[0] for r in stored(server)} == {
        r["id"] for name, r in reports.items() if name not in ("private", "site")}


def admin_setup(request, host):
    """(server, admin caller, reports, new owner) for a Connect or Forge site."""
    if host == "connect":
        seeded = request.getfixturevalue("seeded")
        server = request.getfixturevalue("server")
        return server, connect_admin(server), seeded, VIEWER
    reports = request.getfixturevalue("forge_seeded")
    server = request.getfixturevalue("server")
    return server, forge_admin(server, request.getfixturevalue("forge_jira")), \
        reports, VIEWER


def user_list(server, host, role):
    make = connect_call if host == "connect" else forge_call
    return ids(make(server, role)("GET", "/api/reports"))


def test_admin_assigns_an_owner_to_a_report_nobody_owns(server, seeded):
    [row] = cli_import(server, [REPORT | {"name": "Unowned"}])
    listed = connect_admin(server)("GET", "/api/admin/reports").json()["reports"]
    [entry] = [r for r in listed if r["id"] == row[0]]
    assert entry["owner"] is None
    resp = on_route(connect_admin(server), "transfer", entry)
    assert resp.status == 200, resp.body
    shown = connect_call(server, "viewer")("GET", f"/api/reports/{row[0]}").json()
    assert (shown["owner"], shown["canShare"]) == (VIEWER, True)


def test_admin_transfer_with_a_stale_version_answers_409(server, seeded):
    report = seeded["site"]
    assert connect_call(server, "owner")("PUT", f"/api/reports/{report['id']}", {
        "version": 1, **{k: report[k] for k in REPORT}, "name": "Newer"}).status == 200
    before = db_snapshot(server.db)
    body = assert_error(on_route(connect_admin(server), "transfer", report), 409)
    assert (body["current"]["name"], body["current"]["version"]) == ("Newer", 2)
    assert db_snapshot(server.db) == before


@pytest.mark.parametrize("route", ["transfer", "delete"])
@pytest.mark.parametrize("target", ["missing", "another site's"])
def test_admin_route_on_a_report_not_of_the_site_answers_404(server, seeded, route,
                                                             target):
    report = seeded["theirs"] if target == "another site's" else {
        "id": "0" * 32, "version": 1}
    before = db_snapshot(server.db)
    assert_error(on_route(connect_admin(server), route, report), 404)
    assert db_snapshot(server.db) == before


@pytest.mark.parametrize("body, field", [
    ({"owner": "not an id"}, "owner"), ({"owner": None}, "owner"),
    ({"owner": ""}, "owner"), ({"owner": "x" * 129}, "owner"),
    ({"visibility": "site"}, "visibility"), ({"editors": "site"}, "editors"),
    ({"version": "1"}, "version"), ({"version": None}, "version"),
])
def test_admin_transfer_is_validated(server, seeded, body, field):
    before = db_snapshot(server.db)
    resp = on_route(connect_admin(server), "transfer", seeded["private"], body=body)
    assert field in assert_error(resp, 400)["fields"]
    assert db_snapshot(server.db) == before


def test_site_b_admin_sees_and_touches_only_site_b(server, seeded):
    call = connect_admin(server, ADMIN_B, B, SECRET_B)
    assert ids(call("GET", "/api/admin/reports")) == {seeded["theirs"]["id"]}
    before = db_snapshot(server.db)
    for route in ("transfer", "delete"):
        assert_error(on_route(call, route, seeded["private"]), 404)
    assert db_snapshot(server.db) == before


####################################################################################
# Everyone else is refused, however they ask
####################################################################################


def nobody_token(sub=None, key=A, secret=SECRET_A, qsh_claim="context-qsh", age=0):
    """A site token built by hand: ``sub`` None leaves the claim out."""
    now = int(time.time()) - age
    payload = {"iss": key, "iat": now, "exp": now + 180, "qsh": qsh_claim}
    return hs256(payload | ({} if sub is None else {"sub": sub}), secret)


def with_token(server, token, scheme="JWT"):
    def call(method, path, body=None, headers=None):
        return send(server, method, path, token and f"{scheme} {token}", body, headers)

    return call


def bound_to_request(server, route, report):
    """A token whose qsh is computed for this very admin request (a page-style JWT)."""
    method = {"list": "GET", "transfer": "PUT", "delete": "DELETE"}[route]
    path = "/api/admin/reports" + ("" if route == "list" else f"/{report['id']}")
    token = nobody_token(ADMIN, qsh_claim=qsh(method, path))
    return on_route(with_token(server, token), route, report)


def in_query(server, route, report):
    token = context_token(A, SECRET_A, ADMIN)
    return on_route(with_token(server, None), route, report, query=f"?jwt={token}")


ADMIN_HEADERS = {"X-Admin": "true", "X-Jira-Admin": "1", "X-Atlassian-Admin": "true",
                 "X-User-Is-Admin": "true", "X-Forge-OAuth-User": "user-token-admin"}
ADMIN_BODY = {"admin": True, "isAdmin": True, "accountId": ADMIN, "sub": ADMIN,
              "permissions": ["ADMINISTER"]}
# way -> (status, request(server, route, report))
CONNECT_WAYS = {
    "a user who is no admin": (403, lambda s, r, p: on_route(
        connect_admin(s, VIEWER), r, p)),
    "the report's owner": (403, lambda s, r, p: on_route(
        connect_admin(s, OWNER), r, p)),
    "admin=1 in the query": (403, lambda s, r, p: on_route(
        connect_admin(s, VIEWER), r, p, query="?admin=1&isAdmin=true&role=admin")),
    "the admin's id in the query": (403, lambda s, r, p: on_route(
        connect_admin(s, VIEWER), r, p, query=f"?accountId={ADMIN}&sub={ADMIN}")),
    "admin headers": (403, lambda s, r, p: on_route(
        connect_admin(s, VIEWER), r, p, headers=ADMIN_HEADERS)),
    "admin fields in the body": (403, lambda s, r, p: on_route(
        connect_admin(s, VIEWER), r, p, body=ADMIN_BODY)),
    "site A's admin with a site B token": (403, lambda s, r, p: on_route(
        connect_admin(s, ADMIN, B, SECRET_B), r, p)),
    "a token naming nobody": (403, lambda s, r, p: on_route(
        with_token(s, nobody_token()), r, p, headers=ADMIN_HEADERS)),
    "a token with an empty sub": (403, lambda s, r, p: on_route(
        with_token(s, nobody_token("")), r, p)),
    "a page JWT for /admin": (401, lambda s, r, p: on_route(
        with_token(s, nobody_token(ADMIN, qsh_claim=qsh("GET", "/admin"))), r, p)),
    "a JWT bound to this request": (401, bound_to_request),
    "the admin's sub signed with site B's secret": (401, lambda s, r, p: on_route(
        with_token(s, nobody_token(ADMIN, secret=SECRET_B)), r, p)),
    "the admin's expired context token": (401, lambda s, r, p: on_route(
        with_token(s, nobody_token(ADMIN, age=900)), r, p)),
    "the admin's context token in ?jwt=": (401, in_query),
    "no token": (401, lambda s, r, p: on_route(with_token(s, None), r, p,
                                                headers=ADMIN_HEADERS)),
}


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("way", list(CONNECT_WAYS))
def test_connect_non_admin_is_refused(server, seeded, route, way):
    status, ask = CONNECT_WAYS[way]
    before = db_snapshot(server.db)
    body = assert_error(ask(server, route, seeded["private"]), status)
    assert status != 403 or body == REFUSAL
    assert db_snapshot(server.db) == before


def forge_as(**kw):
    """A way of asking: the admin page's call with these changes."""
    return lambda s, j, r, p: on_route(forge_admin(s, j, **kw), r, p)


FORGE_WAYS = {
    "no X-Forge-OAuth-User": (403, forge_as(user_token=None)),
    "a made-up user token": (403, forge_as(user_token="made-up-token")),
    "a user who is no admin": (403, forge_as(principal=VIEWER,
                                             user_token="user-token-viewer")),
    "the admin's principal with another user's token": (
        403, forge_as(user_token="user-token-viewer")),
    "apiBaseUrl of another cloud": (403, lambda s, j, r, p: on_route(forge_admin(
        s, j, api_url=f"{j.url}/ex/jira/{OTHER_CLOUD}"), r, p)),
    "a FIT naming nobody": (403, forge_as(principal=DROP)),
    "the user token in the query": (403, lambda s, j, r, p: on_route(
        forge_admin(s, j, user_token=None), r, p,
        query="?userToken=user-token-admin&x-forge-oauth-user=user-token-admin")),
    "an admin flag in the FIT": (403, forge_as(user_token=None, context__isAdmin=True)),
    "admin headers and body": (403, lambda s, j, r, p: on_route(
        forge_admin(s, j, principal=VIEWER, user_token="user-token-viewer"), r, p,
        body=ADMIN_BODY, headers={k: v for k, v in ADMIN_HEADERS.items()
                                  if k != "X-Forge-OAuth-User"})),
    "the FIT as Authorization: JWT": (401, lambda s, j, r, p: on_route(
        with_token(s, fit(principal=ADMIN, app__apiBaseUrl=j.api_url)), r, p,
        headers={"X-Forge-OAuth-User": "user-token-admin"})),
    "the admin's user token as the Bearer": (401, lambda s, j, r, p: on_route(
        with_token(s, "user-token-admin", "Bearer"), r, p,
        headers={"X-Forge-OAuth-User": "user-token-admin"})),
}


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("way", list(FORGE_WAYS))
def test_forge_non_admin_is_refused(server, forge_seeded, forge_jira, route, way):
    status, ask = FORGE_WAYS[way]
    before = db_snapshot(server.db)
    body = assert_error(ask(server, forge_jira, route, forge_seeded["private"]), status)
    assert status != 403 or body == REFUSAL
    assert db_snapshot(server.db) == before
    if way == "apiBaseUrl of another cloud":
        assert forge_jira.calls == []  # the user's token never leaves for it


####################################################################################
# Jira cannot say: 503, and nothing changes
####################################################################################

FAILURES = ("error", "unavailable", "garbage", "stall", "unreachable")


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("mode", FAILURES)
def test_connect_admin_check_without_an_answer_is_503(server, seeded, jira_a, route,
                                                      mode):
    if mode == "unreachable":
        store_tenant(server, A, SECRET_A, f"http://127.0.0.1:{free_port()}")
    jira_a.mode = mode
    before = db_snapshot(server.db)
    assert_error(on_route(connect_admin(server), route, seeded["private"]), 503)
    assert db_snapshot(server.db) == before


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("mode", FAILURES)
def test_forge_admin_check_without_an_answer_is_503(server, forge_seeded, forge_jira,
                                                    route, mode):
    api_url = f"http://127.0.0.1:{free_port()}/ex/jira/{CLOUD}" \
        if mode == "unreachable" else None
    forge_jira.mode = mode
    before = db_snapshot(server.db)
    call = forge_admin(server, forge_jira, api_url=api_url)
    assert_error(on_route(call, route, forge_seeded["private"]), 503)
    assert db_snapshot(server.db) == before


####################################################################################
# The server's call to Jira is the one Atlassian documents
####################################################################################


def test_connect_check_signed_with_another_secret_proves_nothing(server, seeded,
                                                                 jira_a):
    jira_a.secret = "f0" * 32  # Jira holds another secret than the one stored
    before = db_snapshot(server.db)
    resp = on_route(connect_admin(server), "delete", seeded["private"])
    assert resp.status in (403, 503)
    assert_error(resp, resp.status)
    assert jira_a.calls == [(CHECK_PATH, None, 401)]
    assert db_snapshot(server.db) == before


def ask_fake(jira, token, path=CHECK_PATH):
    """POST a bulk permission check to the loopback Jira the way the server should."""
    body = {"accountId": ADMIN, "globalPermissions": ["ADMINISTER"]}
    loopback = Server("127.0.0.1", jira.httpd.server_port, None, None)
    resp = api(loopback, "POST", path, headers={"Authorization": f"JWT {token}"},
               json=body)
    return resp.status, resp.json()


def app_token(secret=SECRET_A, iss="jql-reports", method="POST", path=CHECK_PATH,
              lifetime=180):
    now = int(time.time())
    return hs256({"iss": iss, "iat": now, "exp": now + lifetime,
                  "qsh": qsh(method, path)}, secret)


@pytest.mark.parametrize("token, status", [
    (lambda: app_token(), 200),
    (lambda: app_token(secret=SECRET_B), 401),
    (lambda: app_token(iss=A), 401),
    (lambda: app_token(method="GET"), 401),
    (lambda: app_token(path="/rest/api/3/mypermissions"), 401),
    (lambda: hs256({"iss": "jql-reports", "qsh": "context-qsh"}, SECRET_A), 401),
    (lambda: app_token(lifetime=3600), 401),
], ids=["as documented", "another secret", "iss the client key", "qsh of a GET",
        "qsh of another path", "context-qsh", "an hour long"])
def test_loopback_jira_checks_the_apps_jwt_like_atlassian_jwt(jira_a, token, status):
    got, answer = ask_fake(jira_a, token())
    assert got == status
    assert status != 200 or answer == {"globalPermissions": ["ADMINISTER"],
                                       "projectPermissions": []}


####################################################################################
# The admin page itself
####################################################################################


def test_admin_page_is_served_for_a_page_token(server, seeded):
    resp = page(server, "/admin", "", page_token(A, SECRET_A, "GET", "/admin"))
    assert resp.status == 200
    assert resp.headers.get_content_type() == "text/html"


@pytest.mark.parametrize("token", [
    lambda: context_token(A, SECRET_A, ADMIN),
    lambda: page_token(A, SECRET_A, "GET", "/reports"),
    lambda: page_token(A, SECRET_B, "GET", "/admin"),
], ids=["context token", "page token of /reports", "wrong secret"])
def test_admin_page_refuses_other_tokens(server, seeded, token):
    assert_error(page(server, "/admin", "", token()), 401)
