"""Connect authentication: qsh, tenant tokens per route class, signed installs."""

import base64
import concurrent.futures
import contextlib
import hashlib
import hmac
import json
import socket
import time

import atlassian_jwt
import jwt
import pytest
from atlassian_jwt.url_utils import canonicalize_request

import auth
from tests.conftest import (
    BASE_URL,
    GONE,
    KEYS,
    KID,
    REPORT,
    SECRET_A,
    SECRET_B,
    SECRET_GONE,
    SITE,
    USER,
    A,
    B,
    KeyServer,
    api,
    assert_error,
    claims,
    context_token,
    create,
    db_snapshot,
    default_key,
    hs256,
    install,
    install_body,
    install_claims,
    make_config,
    new_key,
    page,
    public_pem,
    qsh,
    request,
    serving,
    sign_install,
    uninstall,
)

NEW_SECRET = "d4" * 32

####################################################################################
# qsh: the reference vectors (connect-and-forge.md §4)
####################################################################################

# V3/V4 query as Jira sends it: unordered, with the jwt parameter to be dropped.
Q_RAW = (
    "lic=none&tz=Australia%2FSydney&cp=%2Fjira&user_key=&loc=en-US&user_id="
    "&jwt=ABC.DEF.GHI&xdm_e=http%3A%2F%2Fstorm%3A2990"
    "&xdm_c=channel-servlet-hello-world&xdm_p=1"
)
Q = (
    "cp=%2Fjira&lic=none&loc=en-US&tz=Australia%2FSydney&user_id=&user_key="
    "&xdm_c=channel-servlet-hello-world&xdm_e=http%3A%2F%2Fstorm%3A2990&xdm_p=1"
)
V6_QUERY = (
    "zee_last=param&repeated=parameter%201&first=param&repeated=parameter+2"
    "&jwt=should.be.ignored"
)
V7_QUERY = (
    "repeated=parameter%202&zee_last=param&repeated=Parameter%202&first=param"
    "&repeated=parameter%201"
)
# (id, (method, path after the baseUrl path, raw query), canonical, qsh)
VECTORS = [
    ("V1", ("GET", "/path", ""), "GET&/path&",
     "799be84a7fa35570087163c0cd9af3abff7ac05c2c12ba0bb1d7eebc984b3ac2"),
    ("V2", ("GET", "/", ""), "GET&/&",
     "c88caad15a1c1a900b8ac08aa9686f4e8184539bea1deda36e2f649430df3239"),
    ("V2-empty", ("GET", "", ""), "GET&/&",
     "c88caad15a1c1a900b8ac08aa9686f4e8184539bea1deda36e2f649430df3239"),
    ("V3", ("GET", "/hello-world", Q_RAW), "GET&/hello-world&" + Q,
     "8063ff4ca1e41df7bc90c8ab6d0f6207d491cf6dad7c66ea797b4614b71922e9"),
    # V4's parameters come from a form body in ajwt-js; we hash the query only,
    # so the same parameters are given as the query.
    ("V4", ("POST", "/hello-world", Q_RAW), "POST&/hello-world&" + Q,
     "d7e7f00660965fc15745b2c423a89b85d0853c4463faca362e0371d008eb0927"),
    ("V5", ("POST", "/hello-world", ""), "POST&/hello-world&",
     "6f95f3738e1b037a3bebbe0ad237d80fdbc1d5ae452e98ce03a9c004c178ebb4"),
    ("V6", ("get", "/path/to/service/", V6_QUERY),
     "GET&/path/to/service&first=param&repeated=parameter%201,parameter%202"
     "&zee_last=param",
     "e52bb281606c3bd9ca16cfe96fe2df78f5d9ffa126f06befd750dfa10fa1a897"),
    ("V7", ("GET", "/path/to/service", V7_QUERY),
     "GET&/path/to/service&first=param"
     "&repeated=Parameter%202,parameter%201,parameter%202&zee_last=param",
     "9ae6056cf66c00e76fa15e66fd26091fecd7356eec2f2c30629835b656799f66"),
    ("V8", ("GET", "/hello-world", "a&b=foo&c"), "GET&/hello-world&a=&b=foo&c=",
     "05a07346264b590803b827ab297a7fcb7e250fe5fa8c66187a9131b0934496b2"),
    ("V9", ("POST", "/rest/api/2/project/jira&a=b&c=d", "x=y"),
     "POST&/rest/api/2/project/jira%26a=b%26c=d&x=y",
     "70db3b47a62c471526b51481ee17407771df153801674a5002c164e87ce056ae"),
    ("V10", ("POST", "/installed", ""), "POST&/installed&",
     "4a2e1de8ca74e6cafe8862d332fa3ac7a8e51e692bc6d798ea4dfedc14948bf4"),
    ("V11", ("POST", "/uninstalled", ""), "POST&/uninstalled&",
     "8a8d06f040b246544d605b08aeb419e30b5cf0e200f512888486585ecce6a52e"),
    ("V12", ("GET", "/x", "q=a*b~c d+e%2Bf"), "GET&/x&q=a%2Ab~c%20d%20e%2Bf",
     "1e7fa2b4474159e2be3be3a45e467fb1eed43fe5f945ab0fe728fd5b5b5412c1"),
]
V13 = ("foo", "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae")


@pytest.mark.parametrize(
    "request_parts, canonical, expected", [v[1:] for v in VECTORS],
    ids=[v[0] for v in VECTORS],
)
def test_qsh_vector(request_parts, canonical, expected):
    assert auth.canonical_request(*request_parts) == canonical
    assert auth.query_hash(*request_parts) == expected


@pytest.mark.parametrize(
    "canonical, expected", [v[2:] for v in VECTORS] + [V13],
    ids=[v[0] for v in VECTORS] + ["V13"],
)
def test_vector_hash_is_sha256_of_canonical_string(canonical, expected):
    assert hashlib.sha256(canonical.encode("utf-8")).hexdigest() == expected


def test_ampersand_in_path_is_not_a_query_separator():
    in_path = auth.canonical_request("POST", "/rest/api/2/project&a=b", "x=y")
    in_query = auth.canonical_request("POST", "/rest/api/2/project", "a=b&x=y")
    assert in_path != in_query


@pytest.mark.parametrize("url", [
    "/reports",
    "/project?projectKey=RPT&projectId=10000",
    "/a/b/?z=1&a=2&a=1&A=0",
    "/x?q=a*b~c%20d&e=%2F&f=%2C&jwt=zzz",
    "/x?name=%C3%A9t%C3%A9+%E2%9C%93&empty",
])
def test_canonical_request_agrees_with_atlassian_jwt(url):
    path, _, query = url.partition("?")
    expected = canonicalize_request("GET", url)
    assert auth.canonical_request("GET", path, query) == expected


####################################################################################
# Tokens minted by Atlassian's own library
####################################################################################

PROJECT_QUERY = (
    "projectKey=RPT&projectId=10000&lic=none&tz=Australia%2FSydney"
    "&xdm_e=https%3A%2F%2Facme.atlassian.net&cp=&name=%C3%A9t%C3%A9+x"
)


def test_atlassian_jwt_token_opens_page(tenants):
    token = atlassian_jwt.encode_token("GET", "/project?" + PROJECT_QUERY, A, SECRET_A)
    resp = page(tenants, "/project", PROJECT_QUERY, token)
    assert resp.status == 200, resp.body
    assert resp.headers.get_content_type() == "text/html"


def test_atlassian_jwt_token_refused_when_query_altered(tenants):
    token = atlassian_jwt.encode_token("GET", "/project?" + PROJECT_QUERY, A, SECRET_A)
    altered = PROJECT_QUERY.replace("projectKey=RPT", "projectKey=OPS")
    assert_error(page(tenants, "/project", altered, token), 401)


def test_atlassian_jwt_tokens_disable_and_enable(tenants):
    body = install_body(A)
    for path, expected in (("/disabled", 401), ("/enabled", 200)):
        token = atlassian_jwt.encode_token("POST", path, A, SECRET_A)
        assert api(tenants, "POST", path, token, json=body).status == 204
        listing = api(tenants, "GET", "/api/reports", context_token(A, SECRET_A))
        assert listing.status == expected


def test_atlassian_jwt_lifecycle_token_refused_when_query_altered(tenants):
    token = atlassian_jwt.encode_token("POST", "/disabled", A, SECRET_A)
    before = db_snapshot(tenants.db)
    resp = api(tenants, "POST", "/disabled?x=1", token, json=install_body(A))
    assert_error(resp, 401)
    assert db_snapshot(tenants.db) == before


####################################################################################
# Tenant tokens: the negative matrix on every route class
####################################################################################

ROUTE_CLASSES = {
    "page": ("GET", "/project", "projectKey=RPT&projectId=10000"),
    "api": ("POST", "/api/reports", ""),
    "lifecycle": ("POST", "/disabled", ""),
}


def good_claims(route):
    """Claims of the token Jira would send on this route class."""
    method, path, query = ROUTE_CLASSES[route]
    if route == "api":
        return claims(A, "context-qsh")
    return claims(A, qsh(method, path, query))


def send(server, route, token):
    """Call the route class's sample URL with the token where that class takes it."""
    method, path, query = ROUTE_CLASSES[route]
    if route == "page":
        return page(server, path, query, token) if token is not None else (
            request(server, method, f"{path}?{query}"))
    body = REPORT if route == "api" else install_body(A)
    return api(server, method, path, token, json=body)


def forge_hs256(payload, secret):
    """HS256 signed by hand (PyJWT refuses a PEM as an HMAC secret)."""
    def part(data):
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
    head = part(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    signing = f"{head}.{part(json.dumps(payload).encode())}"
    mac = hmac.new(secret.encode(), signing.encode(), hashlib.sha256).digest()
    return f"{signing}.{part(mac)}"


def without(name):
    return lambda c, route: hs256({k: v for k, v in c.items() if k != name}, SECRET_A)


def shifted(**seconds):
    def case(c, route):
        now = int(time.time())
        return hs256(c | {k: now + v for k, v in seconds.items()}, SECRET_A)
    return case


def other_kind(c, route):
    method, path, query = ROUTE_CLASSES[route]
    other = qsh(method, path, query) if route == "api" else "context-qsh"
    return hs256(c | {"qsh": other}, SECRET_A)


TENANT_CASES = {
    "no token": lambda c, route: None,
    "empty token": lambda c, route: "",
    "malformed": lambda c, route: "not.a.token",
    "alg none": lambda c, route: jwt.encode(c, None, algorithm="none"),
    "HS512": lambda c, route: jwt.encode(c, SECRET_A, algorithm="HS512"),
    "RS256": lambda c, route: sign_install(KID, c),
    "wrong secret": lambda c, route: hs256(c, "f0" * 32),
    "another tenant's secret": lambda c, route: hs256(c, SECRET_B),
    "public PEM as secret": lambda c, route: forge_hs256(c, public_pem(default_key())),
    "unknown iss": lambda c, route: hs256(c | {"iss": "nobody"}, SECRET_A),
    "uninstalled tenant": lambda c, route: hs256(c | {"iss": GONE}, SECRET_GONE),
    "missing iss": without("iss"),
    "missing exp": without("exp"),
    "missing iat": without("iat"),
    "missing qsh": without("qsh"),
    "expired past leeway": shifted(iat=-400, exp=-90),
    "iat in the future past leeway": shifted(iat=90, exp=400),
    "qsh of another request": lambda c, route: hs256(
        c | {"qsh": qsh("GET", "/reports", "projectKey=OPS")}, SECRET_A),
    "non-ASCII qsh": lambda c, route: hs256(c | {"qsh": "qsh-é"}, SECRET_A),
    "lone surrogate qsh": lambda c, route: hs256(c | {"qsh": "\udc00"}, SECRET_A),
    "lone surrogate iss": lambda c, route: hs256(c | {"iss": "\ud800"}, SECRET_A),
    "the other token kind": other_kind,
}


@pytest.mark.parametrize("case", TENANT_CASES)
@pytest.mark.parametrize("route", ROUTE_CLASSES)
def test_tenant_route_refuses_bad_token(tenants, route, case):
    before = db_snapshot(tenants.db)
    resp = send(tenants, route, TENANT_CASES[case](good_claims(route), route))
    assert_error(resp, 401)
    assert db_snapshot(tenants.db) == before
    assert SECRET_A.encode() not in resp.body and B.encode() not in resp.body


@pytest.mark.parametrize("shift", [{"exp": -30}, {"iat": 30}], ids=["exp", "iat"])
@pytest.mark.parametrize("route", ROUTE_CLASSES)
def test_tenant_route_accepts_valid_token(tenants, route, shift):
    now = int(time.time())
    within_leeway = good_claims(route) | {k: now + v for k, v in shift.items()}
    resp = send(tenants, route, hs256(within_leeway, SECRET_A))
    assert resp.status in (200, 201, 204), resp.body


@pytest.mark.parametrize("route, where", [
    ("page", "header"), ("api", "query"), ("lifecycle", "query"), ("api", "Bearer"),
])
def test_token_in_the_wrong_place_is_refused(tenants, route, where):
    method, path, query = ROUTE_CLASSES[route]
    token = hs256(good_claims(route), SECRET_A)
    if where == "query":
        resp = request(tenants, method, f"{path}?jwt={token}", b"{}",
                       {"Content-Type": "application/json"})
    else:
        scheme = "Bearer" if where == "Bearer" else "JWT"
        resp = request(tenants, method, f"{path}?{query}",
                       headers={"Authorization": f"{scheme} {token}"})
    assert_error(resp, 401)


# Whether a clientKey is installed here is no one's business but the operator's:
# a wrong signature, an unknown and an uninstalled tenant get one answer, and only
# the server log tells them apart (never with the token or the secret).
UNTOLD = ("wrong secret", "unknown iss", "uninstalled tenant")


@pytest.mark.parametrize("route", ROUTE_CLASSES)
def test_refusal_does_not_tell_whether_a_tenant_is_installed(tenants, route, capsys):
    tokens = [TENANT_CASES[case](good_claims(route), route) for case in UNTOLD]
    bodies = [assert_error(send(tenants, route, token), 401) for token in tokens]
    assert bodies[0] == bodies[1] == bodies[2] == {"error": "invalid token",
                                                   "status": 401}
    log = capsys.readouterr().err
    assert "unknown tenant 'nobody'" in log and f"uninstalled tenant '{GONE}'" in log
    assert not any(secret in log for secret in (SECRET_A, SECRET_GONE, *tokens))


def test_page_without_token_says_it_is_missing(tenants):
    method, path, query = ROUTE_CLASSES["page"]
    body = assert_error(request(tenants, method, f"{path}?{query}"), 401)
    assert body["error"].startswith("missing token")


def test_sub_is_recorded_as_author(tenants):
    made = create(tenants, A, SECRET_A)
    assert made["createdBy"] == made["updatedBy"] == USER


def test_page_qsh_is_relative_to_base_url_path(tmp_path, start_server, install_keys):
    server = start_server(make_config(tmp_path, install_keys.url,
                                      base_url=BASE_URL + "/jira"))
    token = sign_install(KID, install_claims(A, aud=BASE_URL + "/jira"))
    resp = api(server, "POST", "/jira/installed", token, json=install_body(A, SECRET_A))
    assert resp.status == 204, resp.body
    query = "projectKey=RPT&projectId=10000"
    good = hs256(claims(A, qsh("GET", "/project", query)), SECRET_A)
    assert page(server, "/jira/project", query, good).status == 200
    bad = hs256(claims(A, qsh("GET", "/jira/project", query)), SECRET_A)
    assert_error(page(server, "/jira/project", query, bad), 401)


####################################################################################
# Signed install: the happy paths
####################################################################################


def test_signed_install_stores_tenant(server):
    assert install(server, A, SECRET_A).status == 204
    (row,) = db_snapshot(server.db)["tenants"]
    assert row[:4] == (A, SECRET_A, SITE, None)
    resp = api(server, "GET", "/api/reports", context_token(A, SECRET_A))
    assert resp.status == 200 and resp.json() == {"reports": []}


def test_reinstall_replaces_secret(tenants):
    assert install(tenants, A, NEW_SECRET).status == 204
    fresh = api(tenants, "GET", "/api/reports", context_token(A, NEW_SECRET))
    assert fresh.status == 200
    stale = api(tenants, "GET", "/api/reports", context_token(A, SECRET_A))
    assert_error(stale, 401)


@pytest.mark.parametrize("aud", [BASE_URL + "/", [BASE_URL]], ids=["slash", "list"])
def test_install_audience_forms(server, aud):
    token = sign_install(KID, install_claims(A, aud=aud))
    resp = api(server, "POST", "/installed", token, json=install_body(A, SECRET_A))
    assert resp.status == 204, resp.body


def test_install_key_is_fetched_once_per_kid(server, install_keys):
    kid = "cached-key-1"
    install_keys.publish(kid)
    for secret in (SECRET_A, NEW_SECRET):
        assert install(server, A, secret, kid=kid).status == 204
    assert install_keys.count(kid) == 1


def test_rotated_key_is_fetched_under_its_new_kid(tenants, install_keys):
    rotated = install_keys.publish("rotated-key-2", new_key())
    assert install(tenants, A, NEW_SECRET, kid="rotated-key-2").status == 204
    assert KEYS["rotated-key-2"] is rotated
    old_key_new_kid = sign_install("rotated-key-2", install_claims(A), default_key())
    resp = api(tenants, "POST", "/installed", old_key_new_kid,
               json=install_body(A, SECRET_A))
    assert_error(resp, 401)


def test_uninstall_keeps_reports_until_verified_reinstall(tenants):
    made = create(tenants, A, SECRET_A)
    assert uninstall(tenants, A).status == 204
    assert uninstall(tenants, A).status == 204
    path = "/api/reports/" + made["id"]
    assert_error(api(tenants, "GET", path, context_token(A, SECRET_A)), 401)
    assert len(db_snapshot(tenants.db)["reports"]) == 1
    assert install(tenants, A, NEW_SECRET).status == 204
    resp = api(tenants, "GET", path, context_token(A, NEW_SECRET))
    assert resp.status == 200 and resp.json() == made


####################################################################################
# Signed install: the negative matrix on /installed and /uninstalled
####################################################################################

def rs(kid=None, other_key=False, **changes):
    """A case: the good install claims with changes (None drops a claim), RS256."""
    def case(c, body, default_kid):
        payload = {k: v for k, v in (c | changes).items() if v is not None}
        key = new_key() if other_key else None
        return sign_install(default_kid if kid is None else kid, payload, key), body
    return case


def rs_kid(kid):
    return lambda c, body, default_kid: (sign_install(kid, c), body)


def rs_shifted(**seconds):
    def case(c, body, kid):
        now = int(time.time())
        return sign_install(kid, c | {k: now + v for k, v in seconds.items()}), body
    return case


def token_only(make):
    return lambda c, body, kid: (make(c, kid), body)


def site(url):
    return lambda c, body, kid: (sign_install(kid, c), body | {"baseUrl": url})


INSTALL_CASES = {
    "no token": token_only(lambda c, kid: None),
    "malformed": token_only(lambda c, kid: "not.a.token"),
    "HS256 with the new secret": token_only(lambda c, kid: hs256(c, NEW_SECRET)),
    "HS256 with the stored secret": token_only(lambda c, kid: hs256(c, SECRET_A)),
    "HS256 context token": token_only(lambda c, kid: context_token(A, SECRET_A)),
    "RS256 context-qsh": rs(qsh="context-qsh"),
    "alg none": token_only(lambda c, kid: jwt.encode(c, None, algorithm="none")),
    "RS512": token_only(lambda c, kid: jwt.encode(
        c, default_key(), algorithm="RS512", headers={"kid": kid})),
    "kid ../x": rs_kid("../x"),
    "kid a/b": rs_kid("a/b"),
    "kid %2e": rs_kid("%2e"),
    "kid ..": rs_kid(".."),
    "kid empty": rs_kid(""),
    "kid 200 chars": rs_kid("k" * 200),
    "no kid": rs_kid(None),
    "unknown kid": rs_kid("no-such-key"),
    "signed by another key": rs(other_key=True),
    "wrong aud": rs(aud="https://evil.example.test"),
    "aud with a suffix": rs(aud=BASE_URL + ".evil.test"),
    "no aud": rs(aud=None),
    "iss is not body clientKey": rs(iss=B),
    "expired past leeway": rs_shifted(iat=-400, exp=-90),
    "iat in the future": rs_shifted(iat=90, exp=400),
    "no exp": rs(exp=None),
    "no iat": rs(iat=None),
    "no qsh": rs(qsh=None),
    "qsh of another lifecycle URL": rs(qsh=qsh("POST", "/enabled")),
    "baseUrl http": site("http://acme.atlassian.net"),
    "baseUrl other host": site("https://acme.example.com"),
    "baseUrl lookalike host": site("https://acme.atlassian.net.evil.test"),
    "baseUrl userinfo": site("https://acme.atlassian.net@evil.test"),
    "baseUrl missing": site(None),
    "no clientKey": lambda c, body, kid: (sign_install(kid, c),
                                          body | {"clientKey": None}),
}


@pytest.mark.parametrize("case", INSTALL_CASES)
@pytest.mark.parametrize("path", ["/installed", "/uninstalled"])
def test_signed_lifecycle_refuses(tenants, path, case):
    body = install_body(A, NEW_SECRET if path == "/installed" else None)
    token, body = INSTALL_CASES[case](install_claims(A, path), body, KID)
    before = db_snapshot(tenants.db)
    assert_error(api(tenants, "POST", path, token, json=body), 401)
    assert db_snapshot(tenants.db) == before


@pytest.mark.parametrize("case", [
    "HS256 with the new secret", "RS256 context-qsh", "RS512", "wrong aud", "no aud",
    "iss is not body clientKey", "expired past leeway", "iat in the future",
    "qsh of another lifecycle URL", "baseUrl http", "baseUrl other host",
])
def test_install_checks_offline_before_fetching_key(tenants, install_keys, case):
    kid = "offline-" + hashlib.sha256(case.encode()).hexdigest()[:12]
    install_keys.publish(kid)
    body = install_body(A, NEW_SECRET)
    token, body = INSTALL_CASES[case](install_claims(A), body, kid)
    assert_error(api(tenants, "POST", "/installed", token, json=body), 401)
    assert install_keys.count(kid) == 0


@pytest.mark.parametrize("kid", ["../x", "a/b", "%2e", "..", "a b", "k" * 200])
def test_malformed_kid_is_never_fetched(tenants, install_keys, kid):
    asked = install_keys.count(kid)
    token = sign_install(kid, install_claims(A))
    resp = api(tenants, "POST", "/installed", token, json=install_body(A, NEW_SECRET))
    assert_error(resp, 401)
    assert install_keys.count(kid) == asked


@contextlib.contextmanager
def unreachable_key_server(mode, install_keys):
    """Yield a key server URL that refuses, never answers, or hangs on the kid."""
    if mode == "hanging":
        install_keys.hanging.add("hanging-key")
        install_keys.publish("hanging-key")
        yield install_keys.url, "hanging-key"
        return
    with socket.create_server(("127.0.0.1", 0), backlog=8) as sock:
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        if mode == "refused":
            sock.close()
        yield url, KID


@pytest.mark.parametrize("mode", ["refused", "silent", "hanging"])
def test_unreachable_key_server_answers_401_quickly(tmp_path, start_server,
                                                    install_keys, mode):
    with unreachable_key_server(mode, install_keys) as (url, kid):
        server = start_server(make_config(tmp_path, url))
        started = time.monotonic()
        resp = install(server, A, SECRET_A, kid=kid)
        elapsed = time.monotonic() - started
    assert_error(resp, 401)
    assert elapsed < 5.0
    assert db_snapshot(server.db)["tenants"] == []


def test_failed_kid_is_not_asked_for_again_at_once(server, install_keys, capsys):
    for _ in range(3):
        assert_error(install(server, A, SECRET_A, kid="unpublished-key-1"), 401)
    assert install_keys.count("unpublished-key-1") == 1
    log = capsys.readouterr().err  # the operator hears why; the answer does not say
    assert "401 '/installed': kid 'unpublished-key-1' failed in the last" in log


def test_one_kid_is_fetched_once_at_a_time(tmp_path, start_server):
    keys = KeyServer(stall=1.0, hang_all=True)
    keys.publish("slow-key-1")
    with serving(keys), concurrent.futures.ThreadPoolExecutor(2) as pool:
        server = start_server(make_config(tmp_path, keys.url, key_timeout=3.0))
        answers = list(pool.map(lambda key_secret: install(
            server, *key_secret, kid="slow-key-1"), [(A, SECRET_A), (B, SECRET_B)]))
    assert [resp.status for resp in answers] == [204, 204]
    assert keys.count("slow-key-1") == 1


def slowest_health_check(server, running, seconds=60):
    """Poll /healthz until every future is done; the longest answer, in seconds."""
    slowest, deadline = 0.0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        assert request(server, "GET", "/healthz").status == 200
        slowest = max(slowest, time.monotonic() - started)
        if not concurrent.futures.wait(running, timeout=0.05).not_done:
            return slowest
    pytest.fail("the installs did not finish")


def test_stalling_key_server_holds_no_worker_thread(tmp_path, start_server):
    # Every install has its own kid, as forged ones would, and the key server takes
    # longer than the server's 3 s key timeout to answer any of them.
    keys = KeyServer(stall=5.0, hang_all=True)
    with serving(keys), concurrent.futures.ThreadPoolExecutor(20) as pool:
        server = start_server(make_config(tmp_path, keys.url, key_timeout=3.0))
        installs = [pool.submit(install, server, A, SECRET_A, kid=f"forged-{n}")
                    for n in range(20)]
        slowest = slowest_health_check(server, installs)
    assert [future.result().status for future in installs] == [401] * 20
    assert slowest < 2.0
    assert db_snapshot(server.db)["tenants"] == []
