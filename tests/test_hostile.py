"""Hostile input: fuzzed JSON bodies, paths and queries, changed page requests, spoofed
proxy headers, oversized and slow clients (matrix rows T6, T13, T15, T16).

JQLR_EXAMPLES sets the examples per fuzzed route (default 200).
"""

import base64
import contextlib
import copy
import functools
import hashlib
import hmac
import json
import os
import re
import socket
import threading
import time
import urllib.parse

import hypothesis.strategies as st
import pytest
import waitress
from hypothesis import HealthCheck, given, settings

import addon
import demo
from tests.conftest import (
    BASE_URL,
    KID,
    REPORT,
    SECRET_A,
    SECRET_B,
    SITE,
    USER,
    A,
    B,
    FakeJira,
    Server,
    _stop,
    _wait_until_accepting,
    api,
    assert_error,
    context_token,
    create,
    db_snapshot,
    install_body,
    install_claims,
    make_config,
    page,
    page_token,
    request,
    serving,
    sign_install,
)

EXAMPLES = int(os.environ.get("JQLR_EXAMPLES", "200"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))
DOCUMENT = {"format": "jql-reports", "version": 1, "reports": [REPORT]}
ONE_YEAR = 31536000
SAFE_REFERRER = ("no-referrer", "same-origin", "strict-origin")


@pytest.fixture
def tenants(tenants):
    """The conftest's sites, with site A's REST API on a loopback Jira that says the
    test user administers it (the admin routes ask it on every call)."""
    with serving(FakeJira(SECRET_A, grants={USER: {"ADMINISTER"}})) as jira:
        with contextlib.closing(addon.connect(tenants.db)) as db, addon.write(db):
            addon.upsert_tenant(db, A, SECRET_A, jira.url, SITE, "jira")
        yield tenants


####################################################################################
# Strategies
####################################################################################

# Any code point, lone surrogates included (they need their own category to show up).
surrogates = st.characters(categories=["Cs"])
any_char = st.one_of(st.characters(exclude_categories=()), surrogates)
any_text = st.text(any_char, max_size=40)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=2**63),
    st.floats(), any_text, st.text(st.characters(codec="utf-8"), min_size=5000,
                                   max_size=20000),
    st.sampled_from(["1", "2", "true", "null", "NaN", "1e999", "", " ", "asc",
                     "count", "key", "jql-reports"]),  # numbers and words as strings
)
json_values = st.recursive(
    scalars,
    lambda kids: st.lists(kids, max_size=4)
    | st.dictionaries(any_text, kids, max_size=4),
    max_leaves=12,
)


@st.composite
def mutated(draw, base):
    """``base`` with one to three places changed, dropped or added, at any depth."""
    body = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        _mutate(draw, body)
    return body


def _mutate(draw, node):
    keys = list(node) if isinstance(node, dict) else list(range(len(node)))
    inner = [k for k in keys if isinstance(node[k], dict | list)]
    if inner and draw(st.booleans()):
        return _mutate(draw, node[draw(st.sampled_from(inner))])
    texts = [k for k in keys if isinstance(node[k], str)]
    how = draw(st.sampled_from(("set", "drop", "add", "surrogate"))) if keys else "add"
    if how == "surrogate" and texts:  # valid text with one lone surrogate inside
        key = draw(st.sampled_from(texts))
        at = draw(st.integers(0, len(node[key])))
        node[key] = node[key][:at] + draw(surrogates) + node[key][at:]
    elif how == "add" and isinstance(node, dict):
        node[draw(any_text)] = draw(json_values)
    elif how == "add":
        node.append(draw(json_values))
    elif how in ("set", "surrogate"):
        node[draw(st.sampled_from(keys))] = draw(json_values)
    else:
        del node[draw(st.sampled_from(keys))]


def encode(value, raw):
    """JSON bytes: surrogates escaped (\\ud800), or raw (invalid UTF-8) when ``raw``."""
    text = json.dumps(value, ensure_ascii=not raw, allow_nan=True)
    return text.encode("utf-8", "surrogatepass")


def raw_bodies(base):
    """Byte bodies no JSON encoder writes."""
    text = json.dumps(base).encode()
    first = json.dumps(next(iter(base))).encode()
    return st.one_of(
        st.integers(1, 150_000).map(lambda n: b"[" * n + b"]" * n),
        st.integers(1, 50_000).map(lambda n: b'{"a":' * n + b"1" + b"}" * n),
        st.integers(200, 300_000).map(lambda n: b'{"name": "' + b"x" * n + b'"}'),
        st.just(b"{" + first + b": 1, " + text[1:]),  # a duplicate key
        st.sampled_from([text.replace(b'"', b'"\xed\xa0\x80', 1),
                         b"\xef\xbb\xbf" + text, text[:-1], b"", b" ", b"null", b"[]",
                         b'"x"', b"1", b"\xff\xfe",
                         b'{"version": NaN}', b'{"name": Infinity}', b"{'a': 1}"]),
    )


def bodies(base):
    """Request bodies for a route whose valid body is ``base``."""
    values = st.one_of(mutated(base), json_values, st.just(base))
    return st.one_of(st.builds(encode, values, st.booleans()), raw_bodies(base))


content_types = st.sampled_from(["application/json"] * 5 + [
    "application/json; charset=utf-8", "APPLICATION/JSON", "text/plain",
    "application/x-www-form-urlencoded", None])


def quoted(text):
    """Percent-encode everything, lone surrogates as their (invalid) UTF-8 bytes."""
    return urllib.parse.quote(text, safe="", errors="surrogatepass")


####################################################################################
# Shared checks
####################################################################################


def assert_refusal_changes_nothing(server, resp, before):
    """Never a 5xx; a refusal is the JSON error shape and leaves the file as it was."""
    assert resp.status < 500, resp.body[:500]
    if resp.status >= 400:
        assert_error(resp, resp.status)
        assert db_snapshot(server.db) == before


def assert_security_headers(resp, hsts=True):
    """What every response carries (matrix row T15)."""
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] in SAFE_REFERRER
    value = resp.headers.get("Strict-Transport-Security")
    if not hsts:
        assert value is None
        return
    assert int(re.search(r"max-age=(\d+)", value).group(1)) >= ONE_YEAR


def fuzz(check, server, **strategies):
    """Run ``check(server, **drawn)`` for FUZZ examples. Hypothesis runs inside the
    plain test, so a failure is reported as such (no patch file is written)."""
    FUZZ(given(**strategies)(lambda **drawn: check(server, **drawn)))()


def raw_exchange(server, data, timeout=5.0):
    """Send raw bytes on a fresh connection; returns what came back before the close."""
    with socket.create_connection((server.host, server.port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def status_of(raw):
    """The status code of a raw HTTP response."""
    return int(raw.split(b" ", 2)[1])


####################################################################################
# JSON bodies
####################################################################################


def fuzz_target(server, route):
    """(method, path, valid body, token maker) for a JSON route, on tenants A and B."""
    api_token = functools.partial(context_token, A, SECRET_A)
    if route == "PUT /api/reports/<id>":
        rid = create(server, A, SECRET_A)["id"]
        return "PUT", f"/api/reports/{rid}", REPORT | {"version": 1}, api_token
    method, path = route.split()
    if path.startswith("/api/"):
        return method, path, DOCUMENT if path == "/api/import" else REPORT, api_token
    if path in ("/enabled", "/disabled"):
        token = functools.partial(page_token, B, SECRET_B, method, path)
        return method, path, install_body(B), token
    key = "fuzz-site" if path == "/installed" else B
    body = install_body(key, "f5" * 32 if path == "/installed" else None)
    return method, path, body, lambda: sign_install(KID, install_claims(key, path))


JSON_ROUTES = ["POST /api/reports", "PUT /api/reports/<id>", "POST /api/import",
               "POST /installed", "POST /uninstalled", "POST /enabled",
               "POST /disabled"]


@pytest.mark.parametrize("route", JSON_ROUTES)
def test_fuzzed_json_bodies_are_refused_cleanly(tenants, route):
    method, path, base, token = fuzz_target(tenants, route)
    sent = []

    def send(server, body, ctype):
        before = db_snapshot(server.db)
        headers = {"Authorization": f"JWT {token()}"} | (
            {"Content-Type": ctype} if ctype else {})
        resp = request(server, method, path, body, headers)
        sent.append(resp.status)
        assert_refusal_changes_nothing(server, resp, before)

    fuzz(send, tenants, body=bodies(base), ctype=content_types)
    print(f"\nfuzz {route}: {len(sent)} bodies, statuses {sorted(set(sent))}")
    assert len(set(sent)) > 1


####################################################################################
# Paths and queries
####################################################################################

segments = st.one_of(
    any_text.map(quoted),
    st.text(st.characters(codec="utf-8"), min_size=1000, max_size=8000).map(quoted),
    st.sampled_from(["..", "%2e%2e", "../addon.py", "..%2Faddon.py", "%2e%2e/addon.py",
                     "js/../../addon.py", "%00", "%ff", "%c0%af", "%2F", "a/b", ";x",
                     "%", "%zz", "%u002e", "\\..\\addon.py".replace("\\", "%5C")]),
)
queries = st.lists(
    st.tuples(st.sampled_from(["jwt", "projectKey", "projectId", "x", ""]) | any_text,
              any_text), max_size=6,
).map(lambda pairs: "&".join(f"{quoted(k)}={quoted(v)}" for k, v in pairs))


def test_fuzzed_paths_answer_4xx(tenants):
    fuzz(path_is_refused, tenants, seg=segments,
         method=st.sampled_from(["GET", "DELETE"]),
         where=st.sampled_from(["/api/reports/{}", "/api/reports/{}/x", "/reports/{}",
                                "/project/{}", "/static/{}", "/{}", "/api/{}"]))


def path_is_refused(tenants, seg, method, where):
    before = db_snapshot(tenants.db)
    resp = request(tenants, method, where.format(seg),
                   headers={"Authorization": f"JWT {context_token(A, SECRET_A)}"})
    assert 400 <= resp.status < 500, (resp.status, resp.body[:300])
    assert_refusal_changes_nothing(tenants, resp, before)
    assert b"import" not in resp.body  # no file outside static/ was served


def test_fuzzed_queries_never_5xx_and_pages_need_their_token(tenants):
    fuzz(query_is_handled, tenants, query=queries, route=st.sampled_from(addon.ROUTES))


def query_is_handled(tenants, query, route):
    method, path, _, auth = route
    path = path.replace("<report_id>", "nope").replace("<path:path>", "css/addon.css")
    before = db_snapshot(tenants.db)
    resp = request(tenants, method, f"{path}?{query}",
                   headers={"Authorization": f"JWT {context_token(A, SECRET_A)}"})
    assert_refusal_changes_nothing(tenants, resp, before)
    if auth == "page":
        assert_error(resp, 401)


@pytest.mark.parametrize("size, status", [(8_000, 401), (200_000, 401), (300_000, 431)])
def test_very_long_urls_answer_4xx(tenants, size, status):
    resp = request(tenants, "GET", "/reports?projectKey=" + "K" * size + "&jwt=x")
    assert resp.status == status
    if status == 401:
        assert_error(resp, 401)


@pytest.mark.parametrize("line", [b"GET /api/reports/\xff\xfe HTTP/1.1",
                                  b"GET /reports?jwt=\xff\x00 HTTP/1.1",
                                  b"GET /%ff%fe HTTP/1.1",
                                  b"GET /static/\xc0\xaf HTTP/1.1",
                                  b"GET \x00 HTTP/1.1", b"G\xffT / HTTP/1.1"])
def test_raw_request_lines_answer_4xx(tenants, line):
    raw = raw_exchange(tenants, line + b"\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert 400 <= status_of(raw) < 500, raw[:300]


PAGE = [("projectKey", "RPT"), ("projectId", "10000")]
values = st.text(st.characters(codec="utf-8"), max_size=20)
changes = st.one_of(
    st.tuples(st.just("set"), st.integers(0, 1), values),
    st.tuples(st.just("add"), values.filter(lambda n: n != "jwt"), values),
    st.tuples(st.just("drop"), st.integers(0, 1), st.just("")),
    st.tuples(st.just("repeat"), st.integers(0, 1), values),
    st.tuples(st.just("path"), st.just(0), st.just("")),
)


def changed(change):
    """The page request (path, query) after one change to what the token was for."""
    how, arg, value = change
    params = list(PAGE)
    if how == "set":
        name, old = params[arg]
        params[arg] = (name, value if value != old else value + "x")
    elif how == "add":
        params.append((arg, value))
    elif how == "drop":
        del params[arg]
    elif how == "repeat":
        params.append((params[arg][0], value))
    path = "/reports" if how == "path" else "/project"
    return path, "&".join(f"{quoted(k)}={quoted(v)}" for k, v in params)


def test_a_page_token_opens_its_own_request(tenants):
    query = "projectKey=RPT&projectId=10000"
    token = page_token(A, SECRET_A, "GET", "/project", query)
    resp = page(tenants, "/project", query, token)
    assert resp.status == 200


def test_a_page_token_opens_no_changed_request(tenants):
    fuzz(changed_request_is_refused, tenants, change=changes)


def changed_request_is_refused(tenants, change):
    query = "projectKey=RPT&projectId=10000"
    token = page_token(A, SECRET_A, "GET", "/project", query)
    assert_error(page(tenants, *changed(change), token), 401)


####################################################################################
# Tokens
####################################################################################

HS_HEADER = {"alg": "HS256", "typ": "JWT"}
RS_HEADER = {"alg": "RS256", "typ": "JWT", "kid": KID}
GOOD_CLAIMS = {"iss": A, "sub": "5b10a2844c20165700ede21g", "iat": 1700000000,
               "exp": 4102444800, "qsh": "context-qsh", "aud": BASE_URL}


def b64(data):
    """base64url without padding, as JWTs use it."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@st.composite
def tokens(draw):
    """Three-part tokens with odd headers and claims, signed with A's secret or not."""
    header = draw(st.one_of(mutated(HS_HEADER), mutated(RS_HEADER), json_values))
    claims = draw(st.one_of(mutated(GOOD_CLAIMS), json_values))
    raw = draw(st.booleans())
    signing = f"{b64(encode(header, raw))}.{b64(encode(claims, raw))}"
    key = draw(st.sampled_from([SECRET_A.encode(), b"not the secret " * 4]))
    mac = hmac.new(key, signing.encode(), hashlib.sha256).digest()
    return f"{signing}.{b64(draw(st.just(mac) | st.binary(max_size=64)))}"


header_values = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF)
                        .filter(lambda c: c != "\x7f"), max_size=300)


def test_odd_tokens_are_401_never_5xx(tenants):
    fuzz(odd_token_is_refused, tenants,
         token=tokens() | header_values.map(lambda v: v.partition(" ")[2] or v),
         route=st.sampled_from(["GET /api/reports", "GET /reports", "POST /installed"]))


def odd_token_is_refused(tenants, token, route):
    method, path = route.split()
    before = db_snapshot(tenants.db)
    if path == "/reports":
        resp = request(tenants, method, f"{path}?jwt={quoted(token)}")
    else:
        body = install_body("token-site", "f7" * 32) if method == "POST" else None
        resp = api(tenants, method, path, token, **({"json": body} if body else {}))
    assert resp.status in (200, 401), (resp.status, resp.body[:300])
    assert_refusal_changes_nothing(tenants, resp, before)


####################################################################################
# Headers
####################################################################################


def concrete(server, path):
    """A route path with its wildcards filled by things that exist."""
    rid = create(server, A, SECRET_A)["id"]
    return path.replace("<report_id>", rid).replace("<path:path>", "css/addon.css")


def authorised(server, method, path, auth):
    """The request each route is meant to answer, with a valid credential."""
    lifecycle = {"/installed": ("hdr-site", "f6" * 32), "/uninstalled": (B, None)}
    if path in lifecycle:
        key, secret = lifecycle[path]
        token = sign_install(KID, install_claims(key, path))
        return api(server, method, path, token, json=install_body(key, secret))
    if auth == "page":
        query = "projectKey=RPT&projectId=1" if path == "/project" else ""
        return page(server, path, query, page_token(A, SECRET_A, method, path, query))
    token = {"api": context_token(A, SECRET_A), "admin": context_token(A, SECRET_A),
             "lifecycle": page_token(A, SECRET_A, method, path)}.get(auth)
    body = {"POST /api/import": DOCUMENT, "POST /api/reports": REPORT}.get(
        f"{method} {path}", install_body(A) if auth == "lifecycle" else
        {"owner": USER, "version": 1} if auth == "admin" else REPORT | {"version": 1})
    args = {"json": body} if method in ("POST", "PUT") else {}
    return api(server, method, path, token, **args)


# Forge routes need a FIT-enabled server: tests/test_forge_auth.py checks their headers.
CONNECT_ROUTES = [r for r in addon.ROUTES if r[3] != "forge"]


@pytest.mark.parametrize("method, path, auth", [r[:2] + r[3:] for r in CONNECT_ROUTES],
                         ids=[f"{r[0]} {r[1]}" for r in CONNECT_ROUTES])
def test_every_route_sends_security_headers(tenants, method, path, auth):
    url = concrete(tenants, path)
    served = authorised(tenants, method, url, auth)
    assert served.status < 300, served.body[:300]
    body = b"{}" if method in ("POST", "PUT") else None
    json_type = {"Content-Type": "application/json"}
    anonymous = request(tenants, method, url, body, json_type)
    wrong_method = request(tenants, "PATCH", url)
    assert_error(wrong_method, 405)
    for resp in (served, anonymous, wrong_method):
        assert_security_headers(resp)


@pytest.mark.parametrize("status, body, ctype", [
    (400, b"[1]", "application/json"), (400, b"{", "application/json"),
    (413, b'{"name": "' + b"x" * 300_000 + b'"}', "application/json"),
    (415, b"{}", "text/plain"), (404, None, None)])
def test_error_responses_send_security_headers(tenants, status, body, ctype):
    path = "/api/reports" if body is not None else "/no/such/page"
    headers = {"Authorization": f"JWT {context_token(A, SECRET_A)}"}
    resp = request(tenants, "POST" if body else "GET", path, body,
                   headers | ({"Content-Type": ctype} if ctype else {}))
    assert_error(resp, status)
    assert_security_headers(resp)


def test_http_base_url_sends_no_hsts(start_server, tmp_path, install_keys):
    server = start_server(make_config(tmp_path, install_keys.url,
                                      base_url="http://127.0.0.1:9"))
    for path, status in (("/healthz", 200), ("/nope", 404)):
        resp = request(server, "GET", path)
        assert resp.status == status
        assert_security_headers(resp, hsts=False)


@pytest.mark.parametrize("method, path", [r[:2] for r in demo.ROUTES],
                         ids=[f"{r[0]} {r[1]}" for r in demo.ROUTES])
def test_demo_routes_send_security_headers(start_server, tmp_path, install_keys,
                                           method, path):
    fake_jira = {"issues": 10, "latencyMs": 0, "seed": 1, "host": "connect"}
    config = make_config(tmp_path, install_keys.url, base_url="http://127.0.0.1:9",
                         demo=fake_jira)
    server = start_server(config, demo.make_app)
    demo.seed(server.app.config["addon.pool"].get(), "connect")
    path = path.replace("<path:path>", "ap.js")
    served, wrong_method = request(server, method, path), request(server, "PATCH", path)
    expected = {"/": 302, "/demo/fit": 404}.get(path, 200)  # a Connect demo has no FIT
    assert served.status == expected and wrong_method.status == 405
    for resp in (served, wrong_method):
        assert_security_headers(resp, hsts=False)


SPOOF = {"Host": "evil.example", "X-Forwarded-Proto": "http",
         "X-Forwarded-Host": "evil.example", "X-Forwarded-For": "203.0.113.9",
         "X-Forwarded-Port": "8443", "X-Forwarded-Prefix": "/evil",
         "Forwarded": "for=203.0.113.9;host=evil.example;proto=http"}


def test_client_sent_forwarding_headers_are_ignored(tenants):
    resp = api(tenants, "POST", "/api/reports", context_token(A, SECRET_A), json=REPORT,
               headers=SPOOF)
    assert resp.headers["Location"] == f"{BASE_URL}/api/reports/{resp.json()['id']}"
    assert_security_headers(resp)
    descriptor = request(tenants, "GET", "/atlassian-connect.json", headers=SPOOF)
    assert descriptor.json()["baseUrl"] == BASE_URL and b"evil" not in descriptor.body
    token = page_token(A, SECRET_A, "GET", "/reports")
    assert request(tenants, "GET", f"/reports?jwt={token}", headers=SPOOF).status == 200
    token = page_token(A, SECRET_A, "GET", "/evil/reports")
    assert_error(request(tenants, "GET", f"/reports?jwt={token}", headers=SPOOF), 401)


####################################################################################
# Oversized and slow clients
####################################################################################


def test_declared_huge_body_is_refused_before_it_arrives(tenants):
    before = db_snapshot(tenants.db)
    head = (b"POST /api/reports HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\n"
            b"Content-Length: 10485760\r\n\r\n{\"na")
    started = time.monotonic()
    raw = raw_exchange(tenants, head, timeout=5)
    assert status_of(raw) == 413 and time.monotonic() - started < 2
    assert request(tenants, "GET", "/healthz").status == 200
    assert db_snapshot(tenants.db) == before


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_body_over_the_limit_is_a_json_413(tenants, framing):
    before, body = db_snapshot(tenants.db), json.dumps(REPORT | {"x": "y" * 300_000})
    head = ("POST /api/reports HTTP/1.1\r\nHost: x\r\n"
            "Content-Type: application/json\r\n"
            f"Authorization: JWT {context_token(A, SECRET_A)}\r\nConnection: close\r\n")
    if framing == "chunked":
        chunk = f"{len(body):x}\r\n{body}\r\n0\r\n\r\n"
        data = f"{head}Transfer-Encoding: chunked\r\n\r\n{chunk}"
    else:
        data = f"{head}Content-Length: {len(body)}\r\n\r\n{body}"
    raw = raw_exchange(tenants, data.encode())
    assert status_of(raw) == 413
    assert b'"status": 413' in raw and b"application/json" in raw
    assert db_snapshot(tenants.db) == before


WORKERS, CHANNEL_TIMEOUT = 2, 2


@pytest.fixture
def short_timeout_server(config):
    """waitress with WORKERS threads and a CHANNEL_TIMEOUT-second channel timeout."""
    app = addon.make_app(config)
    srv = waitress.create_server(
        app, host="127.0.0.1", port=0, threads=WORKERS, channel_timeout=CHANNEL_TIMEOUT,
        cleanup_interval=1, max_request_body_size=1024 * 1024)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    _wait_until_accepting(srv.effective_host, srv.effective_port)
    yield Server(srv.effective_host, srv.effective_port, config["addon.db"], app)
    _stop(srv, thread, app)


def closed_by_server(sock, deadline):
    """Whether the server closed ``sock`` (EOF) before ``deadline``."""
    sock.settimeout(max(0.01, deadline - time.monotonic()))
    try:
        return sock.recv(1) == b""
    except (TimeoutError, ConnectionResetError):
        return False


def test_slow_clients_do_not_hold_the_workers(short_timeout_server):
    server, started = short_timeout_server, time.monotonic()
    head, tail = b"GET /healthz HTTP/1.1\r\nHost: x\r\n", b"Connection: close\r\n\r\n"
    with contextlib.ExitStack() as stack:
        address = (server.host, server.port)
        conns = [stack.enter_context(socket.create_connection(address))
                 for _ in range(2 * WORKERS)]
        silent, trickling = conns[:WORKERS], conns[WORKERS:]
        for sock in conns:
            sock.sendall(head)
        for byte in tail:  # one byte per round, slower than any real client
            for sock in trickling:
                sock.sendall(bytes([byte]))
            asked = time.monotonic()
            assert request(server, "GET", "/healthz").status == 200
            assert time.monotonic() - asked < 1
            time.sleep(0.1)  # the deliberate pause of a slow client
        deadline = started + CHANNEL_TIMEOUT + 4
        assert all(closed_by_server(sock, deadline) for sock in silent)
        for sock in trickling:
            sock.settimeout(5)
            assert sock.recv(65536).startswith(b"HTTP/1.1 200")
