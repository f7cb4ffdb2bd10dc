"""Forge Invocation Tokens (forge.md §2, §3): the JWKS, every check, Forge tenants
and their isolation from Connect tenants of the same site."""

import contextlib
import functools
import http.server
import json
import socket
import sqlite3
import threading
import time
import urllib.error
import urllib.request
import uuid

import jwt
import pytest

import addon
import demo
from tests.conftest import (
    REPORT,
    SECRET_A,
    A,
    api,
    assert_error,
    context_token,
    create,
    db_snapshot,
    demo_server,
    install,
    make_config,
    new_key,
    page,
    serving,
)

APP_UUID = str(uuid.uuid4())
APP_ID = f"ari:cloud:ecosystem::app/{APP_UUID}"
OTHER_APP = f"ari:cloud:ecosystem::app/{uuid.uuid4()}"
CLOUD = str(uuid.uuid4())
ENV = f"ari:cloud:ecosystem::environment/{APP_UUID}/{uuid.uuid4()}"
OTHER_ENV = f"ari:cloud:ecosystem::environment/{APP_UUID}/{uuid.uuid4()}"
INSTALLATION = f"ari:cloud:ecosystem::installation/{uuid.uuid4()}"
FORGE_SITE = "https://forge-site.atlassian.net"
SAME_SITE = "https://same.atlassian.net"
PRINCIPAL = "712020:2f1b6c1e-8d4a-4c1e-9a57-0c2e4f6b7a01"
TENANT = f"forge:{CLOUD}:{ENV}"
JIRA_API = f"https://api.atlassian.com/ex/jira/{CLOUD}"
KID = "forge/2026-07-key-1"
DROP = object()
# The body Forge posts to a preUninstall endpoint (forge.md §3).
PRE_UNINSTALL = {"context": {"cloudId": CLOUD, "moduleKey": "jqlr-pre-uninstall"},
                 "contextToken": "opaque"}


####################################################################################
# Keys, the loopback JWKS and tokens
####################################################################################


@functools.cache
def forge_key(kid):
    """The RSA key behind a kid (one per kid and run)."""
    return new_key()


def jwk(kid, key):
    """The public JWK entry Atlassian's JWKS publishes for a key."""
    entry = jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    return entry | {"kid": kid, "alg": "RS256", "use": "sig"}


class Jwks:
    """Serves /.well-known/jwks.json; ``mode`` makes it misbehave; counts fetches."""

    def __init__(self):
        self.keys = {KID: forge_key(KID)}
        self.fetches = 0
        self.mode = "ok"
        self.release = threading.Event()
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/.well-known/jwks.json"

    def rotate(self, kid):
        """Publish a new key in place of the old ones (Atlassian rotating)."""
        self.keys = {kid: forge_key(kid)}

    def body(self):
        if self.mode == "not json":
            return b"<html>maintenance</html>"
        keys = [jwk(kid, key) for kid, key in self.keys.items()]
        return json.dumps({"keys": keys if self.mode == "ok" else {}}).encode()

    def _handler(self):
        jwks = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                jwks.fetches += 1
                with contextlib.suppress(OSError):
                    MODES.get(jwks.mode, answer)(self, jwks)

            def log_message(self, *args):
                pass

        return Handler


def answer(handler, jwks):
    body = jwks.body()
    handler.send_response(500 if jwks.mode == "error" else 200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def stall(handler, jwks):
    jwks.release.wait(30)


def trickle(handler, jwks):
    handler.send_response(200)
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    for _ in range(40):
        handler.wfile.write(b" ")
        handler.wfile.flush()
        if jwks.release.wait(0.25):
            return


def garbage(handler, jwks):
    handler.wfile.write(b"SSH-2.0-OpenSSH_9.2\r\n\r\n")


MODES = {"stalls": stall, "trickles": trickle, "not HTTP": garbage}


@pytest.fixture
def jwks():
    """A loopback JWKS publishing KID, per test."""
    with serving(Jwks(), poll_interval=0.05) as keys:
        yield keys


@pytest.fixture
def config(config, jwks):
    """The default test config with Forge enabled for APP_ID and the loopback JWKS."""
    return config | {"addon.forge_app_id": APP_ID, "addon.forge_jwks_url": jwks.url}


def ago(seconds):
    return int(time.time()) - seconds


def ahead(seconds):
    return int(time.time()) + seconds


def fit_claims(installation=INSTALLATION, **changes):
    """A FIT payload as Forge sends it for a global-page invocation; ``a__b=v`` sets
    a nested claim, ``=DROP`` removes it."""
    now = int(time.time())
    claims = {
        "iss": "forge/invocation-token", "aud": APP_ID, "iat": now, "nbf": now,
        "exp": now + 25, "jti": str(uuid.uuid4()), "principal": PRINCIPAL,
        "app": {
            "id": APP_ID, "appVersion": "3.1.0", "installationId": installation,
            "installation": {"id": installation, "contexts": [
                {"name": "jira", "apiBaseUrl": JIRA_API}]},
            "apiBaseUrl": JIRA_API,
            "environment": {"type": "PRODUCTION", "id": ENV},
            "module": {"type": "jira:globalPage", "key": "jqlr-global"},
        },
        "context": {"cloudId": CLOUD, "siteUrl": FORGE_SITE, "localId": "jqlr-global",
                    "moduleKey": "jqlr-global",
                    "extension": {"type": "jira:globalPage"}},
    }
    for path, value in changes.items():
        *parents, name = path.split("__")
        target = functools.reduce(lambda d, k: d[k], parents, claims)
        target.pop(name) if value is DROP else target.__setitem__(name, value)
    return claims


def sign(claims, kid=KID, key=None, alg="RS256"):
    """Sign a payload; the key defaults to the one published under ``kid``."""
    headers = {"kid": kid} if kid is not None else {}
    return jwt.encode(claims, key or forge_key(kid), algorithm=alg, headers=headers)


def fit(kid=KID, key=None, **changes):
    """A fresh signed FIT (see fit_claims for ``changes``)."""
    return sign(fit_claims(**changes), kid, key)


def bearer(server, method, path, token, **kw):
    """A JSON call with ``Authorization: Bearer <token>``, as Forge proxies it."""
    return api(server, method, path, headers={"Authorization": f"Bearer {token}"}, **kw)


def as_forge(server, method, path, body=None, **changes):
    """One invokeRemote call: a fresh FIT per invocation."""
    extra = {} if body is None else {"json": body}
    return bearer(server, method, path, fit(**changes), **extra)


def tenant_rows(server):
    """Every tenant row, by key."""
    with contextlib.closing(sqlite3.connect(server.db)) as db:
        db.row_factory = sqlite3.Row
        return {r["client_key"]: dict(r) for r in db.execute("SELECT * FROM tenants")}


def report_ids(resp):
    assert resp.status == 200, resp.body
    return [r["id"] for r in resp.json()["reports"]]


####################################################################################
# A valid FIT
####################################################################################


def test_first_valid_fit_creates_the_forge_tenant(server):
    assert report_ids(as_forge(server, "GET", "/api/reports")) == []
    row = tenant_rows(server)[TENANT]
    assert (row["kind"], row["status"], row["base_url"]) == (
        "forge", "installed", FORGE_SITE)
    assert row["shared_secret"] == ""


def test_valid_fit_drives_every_report_route(server):
    made = as_forge(server, "POST", "/api/reports", REPORT)
    assert made.status == 201 and made.json()["createdBy"] == PRINCIPAL
    rid = made.json()["id"]
    shown = as_forge(server, "GET", f"/api/reports/{rid}").json()
    assert shown["name"] == REPORT["name"] and shown["createdBy"] == PRINCIPAL
    edit = REPORT | {"name": "Renamed", "version": 1}
    edited = as_forge(server, "PUT", f"/api/reports/{rid}", edit, principal="712020:x")
    assert edited.status == 200 and edited.json()["updatedBy"] == "712020:x"
    document = as_forge(server, "GET", "/api/export").json()
    assert [r["name"] for r in document["reports"]] == ["Renamed"]
    imported = as_forge(server, "POST", "/api/import", document)
    assert imported.status == 201, imported.body
    assert as_forge(server, "DELETE", f"/api/reports/{rid}").status == 204
    assert report_ids(as_forge(server, "GET", "/api/reports")) == imported.json()["ids"]


@pytest.mark.parametrize("offsets", [
    {"iat": -30, "nbf": -30, "exp": -5},
    {"iat": 5, "nbf": 5, "exp": 30},
], ids=["expired within leeway", "not yet valid within leeway"])
def test_fit_within_leeway_is_accepted(server, offsets):
    times = {claim: ahead(seconds) for claim, seconds in offsets.items()}
    assert report_ids(as_forge(server, "GET", "/api/reports", **times)) == []


####################################################################################
# The refusal matrix
####################################################################################


@pytest.fixture
def both_hosts(server):
    """A Connect tenant and a Forge tenant, one report each."""
    assert install(server, A, SECRET_A).status == 204
    create(server, A, SECRET_A)
    assert as_forge(server, "POST", "/api/reports", REPORT).status == 201
    return server


def post_report(server, token):
    return bearer(server, "POST", "/api/reports", token, json=REPORT)


def post_report_jwt(server, token):
    return api(server, "POST", "/api/reports", token, json=REPORT)


def load_page(server, token):
    return page(server, "/reports", "", token)


def enabled_bearer(server, token):
    return bearer(server, "POST", "/enabled", token, json={"clientKey": A})


def enabled_jwt(server, token):
    return api(server, "POST", "/enabled", token, json={"clientKey": A})


def pre_uninstall_jwt(server, token):
    return api(server, "POST", "/forge/uninstalled", token, json=PRE_UNINSTALL)


def pre_uninstall(server, token):
    return bearer(server, "POST", "/forge/uninstalled", token, json=PRE_UNINSTALL)


CONFLUENCE = {"name": "confluence",
              "apiBaseUrl": f"https://api.atlassian.com/ex/confluence/{CLOUD}"}
OTHER_JIRA_API = f"https://api.atlassian.com/ex/jira/{uuid.uuid4()}"


def hs256_with_jwk_n():
    secret = jwk(KID, forge_key(KID))["n"]
    return jwt.encode(fit_claims(), secret, algorithm="HS256", headers={"kid": KID})


REFUSED = {
    "unknown kid": (lambda: fit(kid="forge/unknown"), post_report),
    "published kid, another key": (lambda: fit(key=forge_key("stranger")), post_report),
    "no kid": (lambda: fit(kid=None, key=forge_key(KID)), post_report),
    "wrong aud": (lambda: fit(aud=OTHER_APP), post_report),
    "aud from the token's own app.id": (
        lambda: fit(aud=OTHER_APP, app__id=OTHER_APP), post_report),
    "app.id of another app": (lambda: fit(app__id=OTHER_APP), post_report),
    "aud as a bare uuid": (lambda: fit(aud=APP_UUID), post_report),
    "no aud": (lambda: fit(aud=DROP), post_report),
    "wrong iss": (lambda: fit(iss="forge/other-token"), post_report),
    "no iss": (lambda: fit(iss=DROP), post_report),
    "expired past leeway": (
        lambda: fit(iat=ago(60), nbf=ago(60), exp=ago(20)), post_report),
    "nbf in the future past leeway": (lambda: fit(nbf=ahead(30)), post_report),
    "no exp": (lambda: fit(exp=DROP), post_report),
    "no nbf": (lambda: fit(nbf=DROP), post_report),
    "no iat": (lambda: fit(iat=DROP), post_report),
    "HS256 keyed with the JWK's n": (hs256_with_jwk_n, post_report),
    "alg none": (lambda: jwt.encode(fit_claims(), None, algorithm="none",
                                    headers={"kid": KID}), post_report),
    "RS512 with the published key": (
        lambda: sign(fit_claims(), alg="RS512"), post_report),
    "Connect context token as Bearer": (
        lambda: context_token(A, SECRET_A), post_report),
    "no cloudId, installed on no Jira site": (lambda: fit(
        context__cloudId=DROP, app__installation__contexts=[CONFLUENCE]), post_report),
    "empty cloudId": (lambda: fit(context__cloudId=""), post_report),
    "no environment id": (lambda: fit(app__environment__id=DROP), post_report),
    "trigger FIT naming no site": (
        lambda: fit(context=DROP, app__installation=DROP), pre_uninstall),
    "trigger FIT naming two Jira sites": (lambda: fit(
        context=DROP, app__installation__contexts=[{"apiBaseUrl": JIRA_API},
                                                   {"apiBaseUrl": OTHER_JIRA_API}]),
        pre_uninstall),
    "trigger FIT with only an undocumented contexts[].cloudId": (lambda: fit(
        context=DROP, app__installation__contexts=[{"name": "jira", "cloudId": CLOUD}]),
        pre_uninstall),
    "icLabel present": (lambda: fit(icLabel="isolated-eu-1"), post_report),
    "empty Bearer": (lambda: "", post_report),
    "valid FIT as Authorization: JWT": (fit, post_report_jwt),
    "valid FIT on /reports?jwt=": (fit, load_page),
    "valid FIT on /enabled (Bearer)": (fit, enabled_bearer),
    "valid FIT on /enabled (JWT)": (fit, enabled_jwt),
    "valid FIT on /forge/uninstalled as JWT": (fit, pre_uninstall_jwt),
    "Connect context token on /forge/uninstalled": (
        lambda: context_token(A, SECRET_A), pre_uninstall),
}


@pytest.mark.parametrize("case", REFUSED)
def test_bad_fit_is_refused(both_hosts, case):
    make_token, send = REFUSED[case]
    before = db_snapshot(both_hosts.db)
    assert_error(send(both_hosts, make_token()), 401)
    assert db_snapshot(both_hosts.db) == before


def test_unknown_kids_refetch_the_jwks_at_most_once_a_minute(server, jwks):
    assert as_forge(server, "GET", "/api/reports").status == 200
    assert jwks.fetches == 1
    for n in range(6):
        assert_error(post_report(server, fit(kid=f"forge/unknown-{n}")), 401)
    assert jwks.fetches <= 2
    assert as_forge(server, "GET", "/api/reports").status == 200
    assert jwks.fetches <= 2


def test_rotated_key_is_accepted_after_one_refetch(server, jwks):
    assert as_forge(server, "GET", "/api/reports").status == 200
    jwks.rotate("forge/2026-08-key-2")
    resp = bearer(server, "GET", "/api/reports", fit(kid="forge/2026-08-key-2"))
    assert resp.status == 200, resp.body
    assert jwks.fetches == 2


@pytest.mark.parametrize("path", ["/api/reports", "/forge/uninstalled"])
def test_no_fit_is_accepted_without_an_app_id(tmp_path, start_server, install_keys,
                                              jwks, path):
    server = start_server(make_config(tmp_path, install_keys.url,
                                      forge_jwks_url=jwks.url))
    assert_error(bearer(server, "POST", path, fit(), json=PRE_UNINSTALL), 401)
    assert db_snapshot(server.db) == {"tenants": [], "reports": []}
    assert jwks.fetches == 0


def test_forge_settings_map_to_config_keys():
    assert addon.load_config({})["addon.forge_app_id"] is None
    config = addon.load_config({"ADDON_FORGE_APP_ID": APP_ID,
                                "ADDON_FORGE_JWKS_URL": "https://keys.test/jwks"})
    assert config["addon.forge_app_id"] == APP_ID
    assert config["addon.forge_jwks_url"] == "https://keys.test/jwks"


@pytest.mark.parametrize("mode", ["unreachable", "stalls", "trickles", "not HTTP",
                                  "error", "not json", "no key list"])
def test_broken_jwks_answers_401_quickly(tmp_path, start_server, install_keys, jwks,
                                         mode):
    url = jwks.url
    if mode == "unreachable":
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            url = f"http://127.0.0.1:{sock.getsockname()[1]}/.well-known/jwks.json"
    jwks.mode = mode
    server = start_server(make_config(tmp_path, install_keys.url, forge_app_id=APP_ID,
                                      forge_jwks_url=url))
    started = time.monotonic()
    assert_error(as_forge(server, "GET", "/api/reports"), 401)
    assert time.monotonic() - started < 5


####################################################################################
# Tenants: isolation from Connect, identity, preUninstall
####################################################################################


@pytest.fixture
def same_site(server):
    """A Connect tenant and a Forge tenant on the same Jira site, one report each."""
    assert install(server, A, SECRET_A, base_url=SAME_SITE).status == 204
    made = {"connect": create(server, A, SECRET_A, name="Connect report")}
    resp = as_forge(server, "POST", "/api/reports", REPORT | {"name": "Forge report"},
                    context__siteUrl=SAME_SITE)
    made["forge"] = resp.json()
    return server, made


def call_as(who, server, method, path):
    if who == "connect":
        return api(server, method, path, context_token(A, SECRET_A))
    return as_forge(server, method, path, context__siteUrl=SAME_SITE)


@pytest.mark.parametrize("who, other", [("connect", "forge"), ("forge", "connect")])
def test_same_site_connect_and_forge_see_only_their_own(same_site, who, other):
    server, made = same_site
    assert report_ids(call_as(who, server, "GET", "/api/reports")) == [made[who]["id"]]
    other_url = f"/api/reports/{made[other]['id']}"
    assert_error(call_as(who, server, "GET", other_url), 404)
    assert_error(call_as(who, server, "DELETE", other_url), 404)
    exported = call_as(who, server, "GET", "/api/export").json()["reports"]
    assert [r["name"] for r in exported] == [made[who]["name"]]
    assert report_ids(call_as(other, server, "GET", "/api/reports")) == [
        made[other]["id"]]


@pytest.mark.parametrize("changes, same", [
    ({"installation": f"ari:cloud:ecosystem::installation/{uuid.uuid4()}"}, True),
    ({"app__environment__id": OTHER_ENV}, False),
    ({"context__cloudId": str(uuid.uuid4())}, False),
], ids=["reinstalled (new installationId)", "another environment", "another site"])
def test_tenant_is_site_and_environment(server, changes, same):
    made = as_forge(server, "POST", "/api/reports", REPORT).json()
    listed = report_ids(as_forge(server, "GET", "/api/reports", **changes))
    assert listed == ([made["id"]] if same else [])
    assert len(tenant_rows(server)) == (1 if same else 2)


# A trigger's FIT carries no UI context and no user (forge.md §2: context and
# principal come with UI invocations only). The site is then the one Jira site among
# app.installation.contexts, whose documented fields are name and apiBaseUrl
# (https://api.atlassian.com/ex/jira/<cloudId>): Forge Remote essentials, "The Forge
# Invocation Token (FIT)", developer.atlassian.com/platform/forge/remote/essentials/.
PRE_UNINSTALL_FITS = {
    "UI-shaped FIT": {},
    "trigger FIT": {"context": DROP, "principal": DROP},
    "UI context without cloudId": {"context__cloudId": DROP},
    "trigger FIT, Jira and Confluence contexts, trailing slash": {
        "context": DROP, "principal": DROP,
        "app__installation__contexts": [CONFLUENCE, {"apiBaseUrl": JIRA_API + "/"}]},
}


@pytest.mark.parametrize("shape", PRE_UNINSTALL_FITS)
def test_pre_uninstall_keeps_the_tenant_and_its_reports(server, shape):
    made = as_forge(server, "POST", "/api/reports", REPORT).json()
    token = fit(**PRE_UNINSTALL_FITS[shape])
    assert pre_uninstall(server, token).status == 204
    row = tenant_rows(server)[TENANT]
    assert row["status"] == "uninstalled" and row["uninstalled_at"]
    assert db_snapshot(server.db)["reports"][0][1] == made["id"]


def test_pre_uninstall_answers_carry_the_security_headers(server):
    for resp in (pre_uninstall(server, fit()), pre_uninstall(server, "not-a-token")):
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert resp.headers["Referrer-Policy"] == "no-referrer"
        assert resp.headers["Cache-Control"] == "no-cache, no-store"
        assert "max-age=31536000" in resp.headers["Strict-Transport-Security"]


def test_valid_fit_after_uninstall_reactivates_the_tenant(server):
    made = as_forge(server, "POST", "/api/reports", REPORT).json()
    assert pre_uninstall(server, fit()).status == 204
    again = f"ari:cloud:ecosystem::installation/{uuid.uuid4()}"
    listed = report_ids(as_forge(server, "GET", "/api/reports", installation=again))
    assert listed == [made["id"]]
    row = tenant_rows(server)[TENANT]
    assert (row["status"], row["uninstalled_at"]) == ("installed", None)


####################################################################################
# The demo under --host forge
####################################################################################


def get(url, headers=None):
    """GET a URL; returns (status, parsed JSON body)."""
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        with err:
            return err.code, json.loads(err.read())


@pytest.fixture(scope="module")
def forge_demo(tmp_path_factory):
    """`python addon.py demo --host forge` on a free port, for this module."""
    with demo_server(tmp_path_factory.mktemp("forge-demo"), "--host", "forge") as url:
        yield url


def test_demo_fit_lists_the_seeded_reports(forge_demo):
    status, body = get(f"{forge_demo}/demo/fit")
    assert status == 200
    status, listed = get(f"{forge_demo}/api/reports",
                         {"Authorization": f"Bearer {body['token']}"})
    assert status == 200
    with open(demo.REPORTS, encoding="utf-8") as fh:
        seeded = json.load(fh)["reports"]
    assert sorted(r["name"] for r in listed["reports"]) == sorted(
        r["name"] for r in seeded)


def test_demo_has_no_connect_token_under_forge(forge_demo):
    status, body = get(f"{forge_demo}/demo/token")
    assert (status, body["status"]) == (404, 404)
    assert isinstance(body["error"], str) and body["error"]
