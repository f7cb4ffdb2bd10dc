"""Fixtures for the server tests: a real waitress server per test, a loopback key
server for signed installs, and helpers that mint tokens the way Jira does."""

import contextlib
import dataclasses
import functools
import http.client
import http.server
import json as jsonlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse

import atlassian_jwt
import jwt
import pytest
from atlassian_jwt.url_utils import hash_url
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from waitress import wasyncore

import addon
import listener

BASE_URL = "https://reports.example.test"
SITE = "https://acme.atlassian.net"
KID = "install-key-1"
USER = "5b10a2844c20165700ede21g"
# Tenants and their secrets. 64 bytes each: PyJWT warns under 32 (HS256) and 64
# (HS512), and warnings are errors here.
A, SECRET_A = "tenant-a", "a1" * 32
B, SECRET_B = "tenant-b", "b2" * 32
GONE, SECRET_GONE = "tenant-gone", "c3" * 32
REPORT = {"name": "Open bugs", "jql": "issuetype = Bug", "columns": ["key", "summary"]}

# kid -> RSA private key; the key server publishes the public half of each.
KEYS = {}


@functools.cache
def default_key():
    """The RSA key behind KID (generated once per run)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def new_key():
    """A fresh RSA key, for rotation and wrong-key cases."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_pem(private_key):
    """The PEM text of a key's public half, as Atlassian's key server serves it."""
    return private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


####################################################################################
# Loopback install-key server
####################################################################################


class KeyServer:
    """``GET /<kid>`` answers the PEM of KEYS[kid]; kids can be made to hang.

    A hanging kid (every kid when ``hang_all``) is answered after ``stall`` seconds,
    or as soon as ``release`` is set.
    """

    def __init__(self, stall=30.0, hang_all=False):
        self.requests = []
        self.hanging = set()
        self.hang_all = hang_all
        self.stall = stall
        self.release = threading.Event()
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"

    def publish(self, kid, key=None):
        """Serve a key under ``kid`` (the default key unless given); returns it."""
        KEYS[kid] = key or default_key()
        return KEYS[kid]

    def count(self, kid):
        """How many times the server was asked for ``kid``."""
        return self.requests.count(kid)

    def _handler(self):
        keys = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                kid = urllib.parse.unquote(self.path[1:])
                keys.requests.append(kid)
                if keys.hang_all or kid in keys.hanging:
                    keys.release.wait(keys.stall)
                key = KEYS.get(kid)
                body = public_pem(key).encode() if key else b"no such key"
                with contextlib.suppress(OSError):
                    self.send_response(200 if key else 404)
                    self.send_header("Content-Type", "application/x-pem-file")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)

            def finish(self):
                with contextlib.suppress(OSError):
                    super().finish()

            def log_message(self, *args):
                pass

        return Handler


@contextlib.contextmanager
def serving(keys, poll_interval=0.5):
    """Run a loopback key server (``.httpd``, ``.release``) in a thread until exit."""
    thread = threading.Thread(target=keys.httpd.serve_forever, args=(poll_interval,),
                              daemon=True)
    thread.start()
    try:
        yield keys
    finally:
        keys.release.set()
        keys.httpd.shutdown()
        keys.httpd.server_close()
        thread.join(10)


@pytest.fixture(scope="session")
def install_keys():
    """The loopback key server, shared by the whole run."""
    keys = KeyServer()
    keys.publish(KID)
    with serving(keys):
        yield keys


####################################################################################
# The server under test
####################################################################################


def make_config(tmp_path, keys_url, **overrides):
    """A make_app config on a fresh database; overrides drop the ``addon.`` prefix."""
    config = {
        "addon.db": str(tmp_path / "addon.db"),
        "addon.base_url": BASE_URL,
        "addon.install_keys_url": keys_url,
        "addon.tenant_hosts": addon.load_config({})["addon.tenant_hosts"],
        "addon.key_timeout": 1.0,
        # Changes made outside a request (the tests' own writes, CLI commands run
        # in-process) are noticed at once, not within cache.NOTICE_SECONDS:
        # tests/test_cache.py covers the production setting.
        "addon.notice_seconds": 0,
    }
    config.update({"addon." + k: v for k, v in overrides.items()})
    return config


@pytest.fixture
def config(tmp_path, install_keys):
    """The default test config (https base URL, loopback key server)."""
    return make_config(tmp_path, install_keys.url)


@dataclasses.dataclass
class Server:
    host: str
    port: int
    db: str
    app: object


@pytest.fixture
def start_server():
    """Start real waitress servers for configs; all are stopped at teardown."""
    running = []

    def start(config, make_app=addon.make_app):
        app = make_app(config)
        srv = listener.make_server(app, "127.0.0.1", 0, threads=4)
        thread = threading.Thread(target=srv.run, daemon=True)
        thread.start()
        running.append((srv, thread, app))
        _wait_until_accepting(srv.effective_host, srv.effective_port)
        return Server(srv.effective_host, srv.effective_port, config["addon.db"], app)

    yield start
    for srv, thread, app in running:
        _stop(srv, thread, app)


@pytest.fixture
def server(start_server, config):
    """A real waitress server on a free loopback port, with its own database."""
    return start_server(config)


def _wait_until_accepting(host, port):
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection((host, port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise


def _stop(srv, thread, app):
    # The loop thread closes the listener and the channels and lets go of the
    # trigger; the trigger's pipe is closed only once the loop and the workers
    # have stopped, so that no one writes to a closed (or reused) descriptor.
    def close_all():
        srv.trigger.del_channel()
        for dispatcher in list(srv._map.values()):
            if dispatcher is srv:
                wasyncore.dispatcher.close(srv)
            else:
                dispatcher.close()

    srv.trigger.pull_trigger(close_all)
    thread.join(10)
    assert not thread.is_alive(), "the server loop did not stop"
    srv.task_dispatcher.shutdown()
    srv.trigger.close()
    app.config["addon.pool"].close()


####################################################################################
# HTTP
####################################################################################


@dataclasses.dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self):
        """The body parsed as JSON."""
        return jsonlib.loads(self.body)


def free_port():
    """A loopback port that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def demo_server(folder, *args, start_seconds=30):
    """`python addon.py demo --port <free> *args` as a user runs it; yields its URL.

    Ready when /healthz answers (polled, never slept on); fails with the server's log
    when it exits or never answers; interrupted at the end so it removes its folder.
    """
    port, log_path = free_port(), folder / "demo.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "addon.py", "demo", "--port", str(port), *args],
            cwd=os.path.dirname(addon.__file__), stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_healthy(port, process, log_path, start_seconds)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_healthy(port, process, log_path, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        with contextlib.suppress(OSError):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            with contextlib.closing(conn):
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
        time.sleep(0.05)  # poll interval, bounded by the deadline
    pytest.fail(f"demo server did not answer /healthz:\n{log_path.read_text()}",
                pytrace=False)


def request(server, method, path, body=None, headers=None):
    """One HTTP request over a fresh connection; returns a Response."""
    conn = http.client.HTTPConnection(server.host, server.port, timeout=20)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return Response(resp.status, resp.headers, resp.read())
    finally:
        conn.close()


_NO_BODY = object()


def api(server, method, path, token=None, json=_NO_BODY, headers=None):
    """A JSON call with ``Authorization: JWT <token>`` (when a token is given)."""
    headers = dict(headers or {})
    if token is not None:
        headers["Authorization"] = f"JWT {token}"
    body = None
    if json is not _NO_BODY:
        body = jsonlib.dumps(json).encode()
        headers.setdefault("Content-Type", "application/json")
    return request(server, method, path, body, headers)


def page(server, path, query, token):
    """Load an iframe page the way Jira does: the token in ``?jwt=``."""
    jwt_param = "jwt=" + urllib.parse.quote(token, safe="")
    return request(server, "GET", f"{path}?{query}&{jwt_param}" if query else
                   f"{path}?{jwt_param}")


def assert_error(resp, status):
    """The response is the one JSON error shape with this status; returns the body."""
    assert resp.status == status, resp.body
    assert resp.headers.get_content_type() == "application/json"
    body = resp.json()
    assert body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    assert set(body) <= {"error", "status", "fields", "current"}
    assert "fields" not in body or (status == 400 and body["fields"])
    assert "current" not in body or status == 409
    return body


def db_snapshot(path):
    """Every row of tenants and reports, to assert that nothing changed."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        return {
            table: sorted(tuple(r) for r in db.execute(f"SELECT * FROM {table}"))
            for table in ("tenants", "reports")
        }


####################################################################################
# Tokens
####################################################################################


def qsh(method, path, query=""):
    """The qsh claim as Atlassian's own library (atlassian-jwt) computes it."""
    return hash_url(method, f"{path}?{query}" if query else path)


def claims(client_key, qsh_claim, sub=USER, lifetime=180):
    """The claims of a tenant token Jira would issue now."""
    now = int(time.time())
    return {"iss": client_key, "sub": sub, "iat": now, "exp": now + lifetime,
            "qsh": qsh_claim}


def hs256(payload, secret):
    """Sign claims with a tenant's shared secret."""
    return jwt.encode(payload, secret, algorithm="HS256")


def context_token(client_key, secret, sub=USER):
    """What AP.context.getToken() gives the browser: qsh is the literal context-qsh."""
    return hs256(claims(client_key, "context-qsh", sub), secret)


def page_token(client_key, secret, method, path, query=""):
    """An iframe or lifecycle token bound to one request by its computed qsh."""
    return hs256(claims(client_key, qsh(method, path, query)), secret)


def install_claims(client_key, path="/installed", aud=BASE_URL):
    """The claims of a signed install or uninstall for our baseUrl."""
    now = int(time.time())
    return {"iss": client_key, "aud": aud, "iat": now, "exp": now + 180,
            "qsh": qsh("POST", path), "sub": "addon_" + client_key}


def sign_install(kid, payload, key=None):
    """An RS256 lifecycle token with ``kid`` in its header (None: no kid)."""
    key = key or KEYS.get(kid) or default_key()
    headers = {"kid": kid} if kid is not None else {}
    return jwt.encode(payload, key, algorithm="RS256", headers=headers)


def install_body(client_key, secret=None, base_url=SITE, event="installed", **extra):
    """The JSON body Jira posts to a lifecycle URL."""
    body = {"key": "jql-reports", "clientKey": client_key, "baseUrl": base_url,
            "productType": "jira", "description": "Acme", "eventType": event}
    if secret is not None:
        body["sharedSecret"] = secret
    return body | extra


def install(server, client_key, secret, base_url=SITE, kid=KID, **extra):
    """A real signed POST /installed; returns the Response."""
    token = sign_install(kid, install_claims(client_key))
    body = install_body(client_key, secret, base_url, **extra)
    return api(server, "POST", "/installed", token, json=body)


def uninstall(server, client_key, kid=KID):
    """A real signed POST /uninstalled; returns the Response."""
    token = sign_install(kid, install_claims(client_key, "/uninstalled"))
    body = install_body(client_key, event="uninstalled")
    return api(server, "POST", "/uninstalled", token, json=body)


@pytest.fixture
def tenants(server):
    """Tenants A and B installed, GONE installed then uninstalled."""
    for key, secret in ((A, SECRET_A), (B, SECRET_B), (GONE, SECRET_GONE)):
        assert install(server, key, secret).status == 204
    assert uninstall(server, GONE).status == 204
    return server


def create(server, client_key, secret, **overrides):
    """Create a report over the API; returns its JSON."""
    resp = api(server, "POST", "/api/reports", context_token(client_key, secret),
               json=REPORT | overrides)
    assert resp.status == 201, resp.body
    return resp.json()


####################################################################################
# Loopback Jira: the permission checks behind the admin routes
####################################################################################

APP_KEY = "jql-reports"
# Global permission keys (id, name) as "Get all permissions" lists them; Jira answers
# 400 to a key it does not know. The Cloud REST spec names ADMINISTER as the
# administrator's key; SYSTEM_ADMIN is known here as Data Center's Java API key only.
GLOBAL_PERMISSIONS = {"ADMINISTER": ("0", "Administer Jira"),
                      "USER_PICKER": ("27", "Browse users and groups")}
CHECK_PATH = "/rest/api/3/permissions/check"


class AppToken(atlassian_jwt.Authenticator):
    """atlassian-jwt's own check of an app's JWT: signature, exp, and qsh."""

    def __init__(self, secret):
        super().__init__()
        self.secret = secret

    def get_shared_secret(self, client_key):
        if client_key != APP_KEY:
            raise atlassian_jwt.DecodeError("iss is not the app key")
        return self.secret


class FakeJira:
    """One Jira site's permission endpoints on loopback, as Atlassian documents them.

    Jira Cloud REST v3 (developer.atlassian.com/cloud/jira/platform/rest/v3/
    api-group-permissions/):
    - POST /rest/api/3/permissions/check, "Get bulk permissions": body {accountId,
      globalPermissions}, answer {"globalPermissions": [held], "projectPermissions":
      []}; 400 for a permission key Jira does not know. Only the app (from its
      server) may ask about another user: the request must carry ``Authorization:
      JWT`` that atlassian-jwt verifies with ``secret`` (iss the app key, qsh of this
      request, iat and exp at most 180 s apart), else 401.
    - GET /ex/jira/<cloud>/rest/api/3/mypermissions?permissions=K1,K2, "Get my
      permissions" as reached through api.atlassian.com by a Forge remote
      (developer.atlassian.com/platform/forge/remote/calling-product-apis/): a Bearer
      user token in ``user_tokens`` (token -> accountId), else 401; answer
      {"permissions": {K: {id, key, name, type, description, havePermission}}}.
    ``grants``: accountId -> set of global permission keys held. ``mode`` "ok",
    "error" (500), "unavailable" (503), "garbage" (200, not JSON) or "stall" (answers
    after ``stall`` seconds, or once ``release`` is set). ``calls`` lists (path,
    accountId asked about, answer status) for every request.
    """

    def __init__(self, secret, cloud="", grants=None, user_tokens=None, stall=10.0):
        self.secret, self.cloud, self.stall = secret, cloud, stall
        self.grants = {k: set(v) for k, v in (grants or {}).items()}
        self.user_tokens = dict(user_tokens or {})
        self.mode = "ok"
        self.calls = []
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.release = threading.Event()
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.api_url = f"{self.url}/ex/jira/{cloud}"

    def bulk_check(self, handler):
        """(status, answer) for POST /rest/api/3/permissions/check."""
        length = int(handler.headers.get("Content-Length") or 0)
        try:
            self._verify_app(handler)
        except (atlassian_jwt.DecodeError, jwt.PyJWTError) as err:
            return None, 401, {"errorMessages": [f"JWT: {err}"]}
        body = jsonlib.loads(handler.rfile.read(length))
        user = body.get("accountId")
        asked = body.get("globalPermissions") or []
        if not all(k in GLOBAL_PERMISSIONS for k in asked):
            return user, 400, {"errorMessages": ["Unrecognized global permission"]}
        held = [k for k in asked if k in self.grants.get(user, ())]
        return user, 200, {"globalPermissions": held, "projectPermissions": []}

    def _verify_app(self, handler):
        claims = AppToken(self.secret).authenticate(
            handler.command, handler.path, dict(handler.headers.items()))[1]
        if not all(isinstance(claims.get(k), int) for k in ("iat", "exp")):
            raise atlassian_jwt.DecodeError("iat and exp are required")
        if not 0 < claims["exp"] - claims["iat"] <= 180:
            raise atlassian_jwt.DecodeError("the token must live at most 180 s")

    def my_permissions(self, handler):
        """(status, answer) for GET /ex/jira/<cloud>/rest/api/3/mypermissions."""
        scheme, _, token = (handler.headers.get("Authorization") or "").partition(" ")
        user = self.user_tokens.get(token) if scheme == "Bearer" else None
        if user is None:
            return None, 401, {"code": 401, "message": "Unauthorized"}
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(handler.path).query)
        keys = ",".join(query.get("permissions", [])).split(",")
        if not all(k in GLOBAL_PERMISSIONS for k in keys):
            return user, 400, {"errorMessages": ["Unrecognized permission keys"]}
        return user, 200, {"permissions": {k: {
            "id": GLOBAL_PERMISSIONS[k][0], "key": k, "name": GLOBAL_PERMISSIONS[k][1],
            "type": "GLOBAL", "description": GLOBAL_PERMISSIONS[k][1],
            "havePermission": k in self.grants.get(user, ())} for k in keys}}

    def answer(self, handler):
        """Route one request and send the answer (or misbehave per ``mode``)."""
        path = urllib.parse.urlsplit(handler.path).path
        routes = {("POST", CHECK_PATH): self.bulk_check,
                  ("GET", f"/ex/jira/{self.cloud}/rest/api/3/mypermissions"):
                  self.my_permissions}
        route = routes.get((handler.command, path))
        user, status, body = route(handler) if route else (None, 404, {})
        if self.mode == "stall":
            self.release.wait(self.stall)
        status = {"error": 500, "unavailable": 503}.get(self.mode, status)
        self.calls.append((path, user, status))
        data = b"<html>busy</html>" if self.mode == "garbage" else jsonlib.dumps(
            body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _handler(self):
        jira = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                with contextlib.suppress(OSError):
                    jira.answer(self)

            do_POST = do_GET

            def log_message(self, *args):
                pass

        return Handler


def store_tenant(server, client_key, secret, base_url):
    """A Connect tenant stored as an install stores it, with any base URL (a loopback
    Jira)."""
    with contextlib.closing(addon.connect(server.db)) as db, addon.write(db):
        addon.upsert_tenant(db, client_key, secret, base_url, base_url, "jira")
