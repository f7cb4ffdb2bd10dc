"""Token verification for JQL Reports: Connect JWTs and Forge Invocation Tokens.

Every verified request ends in one ``Tenant``: the site's key, its URL and the
acting user's account id. Nothing here touches the database; callers pass a
``find_tenant(client_key)`` function that returns the stored tenant row.
"""

import base64
import dataclasses
import hashlib
import hmac
import http.client
import json
import math
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import jwt

LEEWAY = 60
FIT_LEEWAY = 10
FIT_ISSUER = "forge/invocation-token"
FORGE_JWKS_URL = "https://forge.cdn.prod.atlassian-dev.net/.well-known/jwks.json"

# Where Atlassian publishes signed-install keys, by tenant host (primary, fallback).
KEY_SERVERS = (
    ((".atlassian.net", ".jira.com"), (
        "https://asap-distribution.us-west-2.prod.atl-asap.net",
        "https://connect-install-keys.atlassian.com",
    )),
    ((".jira-dev.com",), (
        "https://asap-distribution.us-west-2.staging.atl-asap.net",
        "https://cs-migrations--cdn.us-east-1.staging.public.atl-paas.net",
    )),
)
DEFAULT_KEY_SERVERS = ("https://connect-install-keys.atlassian.com",)
# Install keys: how many requests may wait on key servers at once (of the 8 worker
# threads a server has by default), and how long a kid that could not be fetched is
# not asked for again (and how many such kids are remembered).
FETCH_SLOTS = 2
FAILED_SECONDS = 60
FAILED_MAX = 10000
KID_PATTERN = re.compile(r"^[A-Za-z0-9_.\-]{1,128}$")
JIRA_API_PATH = re.compile(r"^/ex/jira/([A-Za-z0-9\-]{1,64})/?$")


@dataclasses.dataclass(frozen=True)
class Tenant:
    """A verified caller: the site, and the user the token names (None: nobody).

    ``api_url`` is where the server may call the site's REST API: the Connect
    baseUrl, or the Forge token's ``app.apiBaseUrl`` when it names this site.
    ``valid_until`` is when verifying the same token would start to fail (its exp
    plus the leeway), as seconds since the epoch: how long a cache may trust it.
    """

    client_key: str
    base_url: str
    display_url: str
    account_id: str
    kind: str = "connect"
    api_url: str = ""
    valid_until: float = 0.0


class AuthError(Exception):
    """A token that does not prove who sent the request (always a 401).

    ``detail`` is for the server log only: it may say what the answer must not,
    such as whether a clientKey is installed. It never holds a token or a secret.
    """

    def __init__(self, message, detail=None):
        super().__init__(message)
        self.detail = detail


####################################################################################
# Query string hash
####################################################################################


def _encode(text):
    return urllib.parse.quote(text, safe="~")


def canonical_query(query_string):
    """The canonical query of a raw query string, as Connect hashes it."""
    params = {}
    for name, value in urllib.parse.parse_qsl(query_string, keep_blank_values=True):
        if name != "jwt":
            params.setdefault(name, []).append(value)
    pairs = sorted((_encode(n), ",".join(_encode(v) for v in sorted(vs)))
                   for n, vs in params.items())
    return "&".join(f"{n}={v}" for n, v in pairs)


def canonical_path(path):
    """The canonical URI: leading slash, one trailing slash dropped, & escaped."""
    path = "/" + path.lstrip("/")
    if len(path) > 1 and path.endswith("/"):
        path = path[:-1]
    return path.replace("&", "%26")


def canonical_request(method, path, query_string):
    """METHOD&path&query, the string a Connect qsh hashes."""
    return "&".join(
        (method.upper(), canonical_path(path), canonical_query(query_string))
    )


def query_hash(method, path, query_string):
    """The qsh claim expected for a request."""
    text = canonical_request(method, path, query_string)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


####################################################################################
# Connect tenant tokens (HS256)
####################################################################################


def _header(token, alg):
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as err:
        raise AuthError("malformed token") from err
    if header.get("alg") != alg:
        raise AuthError(f"token must be signed with {alg}")
    return header


def _unverified_claims(token):
    try:
        return jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as err:
        raise AuthError("malformed token") from err


def _utf8_text(value):
    """Whether ``value`` is a string SQLite can bind (no lone surrogates)."""
    try:
        return isinstance(value, str) and bool(value.encode("utf-8"))
    except UnicodeEncodeError:
        return False


def _loggable(value):
    """A short, escaped form of an unverified claim for the server log."""
    return repr(value[:80] if isinstance(value, str) else value)


def verify_tenant_token(token, qsh, find_tenant, statuses=("installed",)):
    """Verify an HS256 tenant token and its qsh; return the Tenant.

    ``qsh`` is the expected claim: a computed hash, or the literal ``context-qsh``.
    ``find_tenant(client_key)`` returns the Connect tenant's row, or None.
    """
    token_parts = parse_jws(token)
    issuer = token_parts[1].get("iss")  # unverified: only to find whose secret verifies it
    row = find_tenant(issuer) if _utf8_text(issuer) else None
    # One answer for an unknown, an uninstalled and a wrongly signed token: a 401
    # must not tell a caller which clientKeys are installed here.
    if row is None or row["status"] not in statuses or not row["shared_secret"]:
        state = "unknown" if row is None else row["status"]
        raise AuthError("invalid token", f"{state} tenant {_loggable(issuer)}")
    try:
        claims = check_hs256(token_parts, row["shared_secret"])
    except AuthError as err:
        raise AuthError("invalid token", f"{err} (tenant {_loggable(issuer)})") from None
    # Bytes: compare_digest raises TypeError on non-ASCII str (a signed token
    # with an odd qsh must still be a 401, not a 500).
    claim = str(claims["qsh"]).encode("utf-8", "surrogatepass")
    if not hmac.compare_digest(claim, qsh.encode()):
        raise AuthError("token does not match this request (qsh)")
    sub = claims.get("sub")
    return Tenant(row["client_key"], row["base_url"], row["display_url"] or "",
                  sub if isinstance(sub, str) and sub else None, "connect", row["base_url"],
                  claims["exp"] + LEEWAY)


# RFC 7515 §2: base64url without padding. A segment must also be the canonical
# encoding of its bytes, so that one token has one spelling.
SEGMENT = re.compile(r"[A-Za-z0-9_-]*")
HS256_CLAIMS = ("iss", "iat", "exp", "qsh")


def _segment(text):
    if not SEGMENT.fullmatch(text) or len(text) % 4 == 1:
        raise AuthError("malformed token")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if base64.urlsafe_b64encode(data).rstrip(b"=") != text.encode():
        raise AuthError("malformed token")
    return data


def _json_object(data):
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):
        raise AuthError("malformed token") from None
    if not isinstance(value, dict):
        raise AuthError("malformed token")
    return value


def _instant(claims, name):
    value = claims[name]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            not math.isfinite(value):
        raise AuthError(f"the {name} claim is not a number")
    return value


def parse_jws(token):
    """(header, claims, signed bytes, signature) of a compact JWS (RFC 7515 §7.1),
    nothing of it verified."""
    parts = token.split(".")
    if len(parts) != 3:
        raise AuthError("malformed token")
    header = _json_object(_segment(parts[0]))
    claims = _json_object(_segment(parts[1]))
    return header, claims, f"{parts[0]}.{parts[1]}".encode("ascii"), _segment(parts[2])


def decode_hs256(token, secret, leeway=LEEWAY):
    """The claims of a Connect token signed with ``secret`` (see check_hs256)."""
    return check_hs256(parse_jws(token), secret, leeway)


def check_hs256(parsed, secret, leeway=LEEWAY):
    """The claims of a parsed JWS once it passes the checks of a Connect token: alg
    exactly HS256 (no other, no crit), the HMAC with ``secret``, iss, iat, exp and
    qsh present, exp not past and iat and nbf not ahead beyond ``leeway`` seconds
    (RFC 7519 §4.1.4, §4.1.5).

    Ours rather than PyJWT's decode: PyJWT 2.15 spends ~200 µs per token in Python
    (each base64 character checked one by one, the key probed as PEM, SSH, DER and
    JSON on every call), which every Connect request paid once per new token. This
    one is stricter where PyJWT lets a value through: times must be JSON numbers,
    segments canonical. tests/test_auth.py checks it against PyJWT's decision.
    """
    header, claims, signed, signature = parsed
    if header.get("alg") != "HS256" or "crit" in header:
        raise AuthError("token must be signed with HS256")
    expected = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).digest()
    if not hmac.compare_digest(expected, signature):
        raise AuthError("signature verification failed")
    missing = [name for name in HS256_CLAIMS if name not in claims]
    if missing:
        raise AuthError(f"the token has no {missing[0]} claim")
    now = time.time()
    if _instant(claims, "exp") <= now - leeway:
        raise AuthError("the token has expired")
    if _instant(claims, "iat") > now + leeway or \
            ("nbf" in claims and _instant(claims, "nbf") > now + leeway):
        raise AuthError("the token is not yet valid")
    return claims


####################################################################################
# Connect signed installs (RS256)
####################################################################################


def _fetch(url, timeout, limit=65536):
    # One deadline for the whole body: a server that trickles bytes would otherwise
    # hold the request (and its worker thread) for as long as it likes.
    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            data = bytearray()
            while len(data) < limit and (chunk := resp.read1(limit - len(data))):
                if time.monotonic() > deadline:
                    return None
                data += chunk
            return data.decode("utf-8")
    except (OSError, ValueError, urllib.error.URLError, http.client.HTTPException):
        return None


class InstallKeys:
    """Signed-install public keys by (key servers, kid), fetched with care.

    Atlassian gives a rotated key a new kid, so a key is cached by its kid for good
    (community.developer.atlassian.com/t/49046, page 3: "you can cache them by kid").
    A kid the servers did not give is not asked for again for FAILED_SECONDS; one
    kid is fetched once at a time, the others asking for it wait for that fetch; and
    at most ``slots`` requests wait on key servers at once: the rest answer 401 at
    once rather than hold a worker thread through a stalling key server.
    """

    def __init__(self, timeout, slots=FETCH_SLOTS):
        self.timeout = timeout
        self.keys = {}
        self.failed = {}  # (servers, kid) -> monotonic time, oldest first
        self.fetching = {}  # (servers, kid) -> Event set when its fetch ends
        self.lock = threading.Lock()
        self.slots = threading.BoundedSemaphore(slots)

    def get(self, servers, kid):
        """The PEM for ``kid`` from the first of ``servers`` that has it."""
        name = (servers, kid)
        with self.lock:
            if name in self.keys:
                return self.keys[name]
            self._forget_old_failures()
            if name in self.failed:
                raise AuthError("install key could not be fetched",
                                f"kid {kid!r} failed in the last {FAILED_SECONDS} s")
        if not self.slots.acquire(blocking=False):
            raise AuthError("install key could not be fetched",
                            f"kid {kid!r}: every key server slot is busy")
        try:
            return self._fetch_once(name)
        finally:
            self.slots.release()

    def _fetch_once(self, name):
        with self.lock:
            mine = name not in self.fetching
            done = self.fetching.setdefault(name, threading.Event())
        if mine:
            self._fetch_and_store(name, done)
        else:
            done.wait(self.timeout * len(name[0]) + 1)
        with self.lock:
            if name in self.keys:
                return self.keys[name]
        raise AuthError("install key could not be fetched", f"kid {name[1]!r}")

    def _fetch_and_store(self, name, done):
        pem = None
        try:
            pem = _download_key(*name, self.timeout)
        finally:
            with self.lock:
                if pem:
                    self.keys[name] = pem
                else:
                    self.failed.pop(name, None)  # to the end: the newest failure
                    self.failed[name] = time.monotonic()
                del self.fetching[name]
            done.set()

    def _forget_old_failures(self):
        # Failures are added in time order, so the oldest come first.
        now = time.monotonic()
        while self.failed:
            oldest, failed_at = next(iter(self.failed.items()))
            if len(self.failed) < FAILED_MAX and now - failed_at < FAILED_SECONDS:
                return
            del self.failed[oldest]


def _download_key(servers, kid, timeout):
    """The PEM for ``kid`` from the first server that has it, or None."""
    for server in servers:
        pem = _fetch(f"{server}/{urllib.parse.quote(kid, safe='')}", timeout)
        if pem and pem.startswith("-----BEGIN PUBLIC KEY-----"):
            return pem
    return None


class InstallVerifier:
    """Checks signed install and uninstall tokens against Atlassian's public keys."""

    def __init__(self, base_url, tenant_hosts, keys_url=None, timeout=3.0,
                 slots=FETCH_SLOTS):
        self.base = base_url.rstrip("/")
        self.tenant_hosts = tuple(tenant_hosts)
        self.keys_url = keys_url.rstrip("/") if keys_url else None
        self.keys = InstallKeys(timeout, slots)

    def allowed_tenant_url(self, url):
        """Whether a tenant baseUrl is https on an allowed Atlassian host."""
        if not isinstance(url, str):
            return False
        parts = urllib.parse.urlsplit(url)
        host = (parts.hostname or "").lower()
        return parts.scheme == "https" and host.endswith(self.tenant_hosts)

    def verify(self, token, body, path):
        """Verify a signed install or uninstall of ``body`` to ``path``; return claims."""
        kid = _header(token, "RS256").get("kid")
        if not isinstance(kid, str) or not KID_PATTERN.match(kid) or ".." in kid:
            raise AuthError("install token has no valid kid")
        self._check_offline(token, body, path)
        pem = self.keys.get(self._servers(body["baseUrl"]), kid)
        try:
            return jwt.decode(
                token, pem, algorithms=["RS256"], audience=[self.base, self.base + "/"],
                leeway=LEEWAY, options={"require": ["iss", "iat", "exp", "qsh", "aud"]},
            )
        except jwt.PyJWTError as err:
            raise AuthError("invalid install token") from err

    def _check_offline(self, token, body, path):
        # Everything that needs no network is checked before a key is fetched; the
        # signature check afterwards covers these same claims.
        client_key = body.get("clientKey")
        if not isinstance(client_key, str) or not client_key:
            raise AuthError("install body has no clientKey")
        if not self.allowed_tenant_url(body.get("baseUrl")):
            raise AuthError("baseUrl is not an allowed Jira Cloud site")
        early = _unverified_claims(token)
        if early.get("iss") != client_key or not self._audience_ok(early.get("aud")):
            raise AuthError("install token is not for this app or this tenant")
        if early.get("qsh") != query_hash("POST", path, ""):
            raise AuthError("install token does not match this request (qsh)")
        try:
            jwt.decode(token, leeway=LEEWAY, options={
                "verify_signature": False, "verify_exp": True, "verify_iat": True,
                "require": ["iat", "exp"]})
        except jwt.PyJWTError as err:
            raise AuthError("install token is expired or not yet valid") from err

    def _audience_ok(self, aud):
        first = aud[0] if isinstance(aud, list) and aud else aud
        return isinstance(first, str) and first.rstrip("/") == self.base

    def _servers(self, tenant_base_url):
        if self.keys_url:
            return (self.keys_url,)
        host = (urllib.parse.urlsplit(tenant_base_url).hostname or "").lower()
        for suffixes, servers in KEY_SERVERS:
            if host.endswith(suffixes):
                return servers
        return DEFAULT_KEY_SERVERS


####################################################################################
# Forge Invocation Tokens (RS256, keys from Atlassian's JWKS)
####################################################################################


def _jira_cloud(api_base_url):
    """The cloudId in a Jira site's API base URL (``…/ex/jira/<cloudId>``), or None."""
    try:
        match = JIRA_API_PATH.match(urllib.parse.urlsplit(api_base_url).path)
    except (TypeError, ValueError, AttributeError):
        return None
    return match[1] if match else None


def _installed_cloud(app):
    """The cloudId of the one Jira site in ``app.installation.contexts``, or None.

    The FIT documents each context's ``name`` and ``apiBaseUrl`` only, the latter
    ``https://api.atlassian.com/ex/jira/<cloudId>`` for a Jira site (Forge Remote
    essentials, "The Forge Invocation Token (FIT)"), so the site is read from the URL.
    """
    installation = app.get("installation")
    contexts = installation.get("contexts") if isinstance(installation, dict) else None
    clouds = {_jira_cloud(c.get("apiBaseUrl"))
              for c in (contexts if isinstance(contexts, list) else ())
              if isinstance(c, dict)} - {None}
    return clouds.pop() if len(clouds) == 1 else None


@dataclasses.dataclass(frozen=True)
class ForgeCaller:
    """Who a Forge Invocation Token names; ``issued_at`` is its iat, ``valid_until``
    its exp plus the leeway (seconds since the epoch)."""

    client_key: str
    site_url: str
    account_id: str
    api_url: str = ""
    issued_at: float = 0.0
    valid_until: float = 0.0


class FitVerifier:
    """Checks Forge Invocation Tokens for one app; caches the JWKS by kid."""

    def __init__(self, app_id, jwks_url=FORGE_JWKS_URL, timeout=3.0, keys=None):
        self.app_id = app_id
        self.jwks_url = jwks_url
        self.timeout = timeout
        self.keys = dict(keys or {})
        self.fetched_at = None
        self.lock = threading.Lock()

    def verify(self, token):
        """Verify a FIT; return who called (tenant key from cloudId + environment)."""
        kid = _header(token, "RS256").get("kid")
        if not isinstance(kid, str) or not kid:
            raise AuthError("token has no kid")
        try:
            claims = jwt.decode(
                token, self._key(kid), algorithms=["RS256"], audience=self.app_id,
                issuer=FIT_ISSUER, leeway=FIT_LEEWAY,
                options={"require": ["exp", "iat", "nbf", "aud", "iss"]},
            )
        except jwt.PyJWTError as err:
            raise AuthError("invalid Forge Invocation Token", str(err)) from err
        return self._caller(claims)

    def _caller(self, claims):
        app = claims.get("app") if isinstance(claims.get("app"), dict) else {}
        context = claims.get("context") if isinstance(claims.get("context"), dict) else {}
        env = app.get("environment") if isinstance(app.get("environment"), dict) else {}
        # Trigger and preUninstall FITs carry no UI context (context.cloudId is
        # optional in the docs): the site is then the installation's one Jira site.
        cloud = (context["cloudId"] if "cloudId" in context
                 else _installed_cloud(app))
        env_id = env.get("id")
        if app.get("id") != self.app_id or "icLabel" in claims:
            raise AuthError("token is for another app")
        if not all(_utf8_text(v) and v for v in (cloud, env_id, app.get("installationId"))):
            raise AuthError("token names no site or environment")
        site = context.get("siteUrl") if _utf8_text(context.get("siteUrl")) else ""
        principal = claims.get("principal")
        # The site's REST API, only when it is this site's: the one place the server
        # sends the user's Forge token (the admin check).
        api = app.get("apiBaseUrl")
        api = api if _utf8_text(api) and _jira_cloud(api) == cloud else ""
        return ForgeCaller(f"forge:{cloud}:{env_id}", site,
                           principal if _utf8_text(principal) and principal else None, api,
                           int(claims["iat"]), int(claims["exp"]) + FIT_LEEWAY)

    def _key(self, kid):
        with self.lock:
            if kid not in self.keys and self._may_refetch():
                # The published set replaces ours: a key taken out is trusted no more.
                self.keys = self._fetch_keys() or self.keys
                if kid not in self.keys:
                    self.fetched_at = time.monotonic()
            if kid not in self.keys:
                raise AuthError("token signed with an unknown key")
            return self.keys[kid]

    def _may_refetch(self):
        # A kid the JWKS did not have (or a JWKS that did not answer) holds off
        # further refetches for a minute; a rotated-in key is found at once.
        return self.fetched_at is None or time.monotonic() - self.fetched_at >= 60

    def _fetch_keys(self):
        text = _fetch(self.jwks_url, self.timeout, limit=1 << 20) if self.jwks_url else None
        try:
            entries = json.loads(text)["keys"] if text else []
        except (ValueError, KeyError, TypeError):
            return {}
        keys = {}
        for entry in entries if isinstance(entries, list) else []:
            try:
                jwk = jwt.PyJWK(entry, algorithm="RS256")
            except (jwt.PyJWTError, TypeError, ValueError):
                continue
            if jwk.key_id:
                keys[jwk.key_id] = jwk.key
        return keys


####################################################################################
# Site administrators: asked of Jira, never taken from the browser
####################################################################################

# "Administer Jira", the global permission Connect's user_is_admin condition tests.
# It is the only key asked for: Jira answers 400 to a key it does not know, and the
# platform's OpenAPI spec names no other administrator permission.
ADMIN_PERMISSIONS = ("ADMINISTER",)
CHECK_PATH = "/rest/api/3/permissions/check"


class JiraUnavailable(Exception):
    """Jira did not answer whether the caller is an administrator (a 503)."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect would carry the Authorization header to wherever it points.
    def redirect_request(self, *args, **kwargs):
        return None


_JIRA = urllib.request.build_opener(_NoRedirect)


def _ask_jira(url, method, body, authorization, timeout):
    """Jira's JSON answer; None when Jira refuses (400, 401, 403, 404): no proof."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": authorization, "Accept": "application/json",
        **({"Content-Type": "application/json"} if data else {})})
    try:
        with _JIRA.open(request, timeout=timeout) as resp:
            return json.loads(resp.read(1 << 20))
    except urllib.error.HTTPError as err:
        err.close()  # the error holds Jira's response, and with it the connection
        if err.code in (400, 401, 403, 404):
            return None
        raise JiraUnavailable(f"Jira answered {err.code}") from None
    except (OSError, ValueError, http.client.HTTPException) as err:
        raise JiraUnavailable(f"Jira did not answer: {err}") from None


def connect_user_is_admin(base_url, secret, app_key, account_id, timeout=5.0):
    """Whether the Connect site says ``account_id`` is a Jira administrator.

    Jira Cloud REST v3, "Get bulk permissions" (POST /rest/api/3/permissions/check):
    "Connect apps can make a call from the app server to the product to obtain
    permission details for any user, without admin permission. This Connect app
    ability doesn't apply to calls made using AP.request() in a browser." Its Connect
    scope is READ (the spec's x-atlassian-connect-scope), which the descriptor has.
    The call is signed as the app (iss = app key, qsh of the call, 180 s) with the
    site's shared secret, which no browser holds.
    """
    now = int(time.time())
    claims = {"iss": app_key, "iat": now, "exp": now + 180,
              "qsh": query_hash("POST", CHECK_PATH, "")}
    token = jwt.encode(claims, secret, algorithm="HS256")
    body = {"accountId": account_id, "globalPermissions": list(ADMIN_PERMISSIONS)}
    answer = _ask_jira(base_url.rstrip("/") + CHECK_PATH, "POST", body,
                       f"JWT {token}", timeout)
    granted = answer.get("globalPermissions") if isinstance(answer, dict) else None
    return isinstance(granted, list) and any(p in granted for p in ADMIN_PERMISSIONS)


def forge_user_is_admin(api_url, user_token, timeout=5.0):
    """Whether Jira says the user of a Forge user token is a Jira administrator.

    The FIT names the user (``principal``) but carries no admin flag (Forge Remote
    essentials), so the admin page's endpoint enables ``auth.appUserToken`` and the
    server asks Jira as that user: "Get my permissions" (GET /rest/api/3/mypermissions,
    answering ``permissions.<KEY>.havePermission``). The token is checked by Jira;
    a made-up one is refused there.
    """
    query = urllib.parse.urlencode({"permissions": ",".join(ADMIN_PERMISSIONS)})
    answer = _ask_jira(f"{api_url.rstrip('/')}/rest/api/3/mypermissions?{query}", "GET",
                       None, f"Bearer {user_token}", timeout)
    held = answer.get("permissions") if isinstance(answer, dict) else None
    return isinstance(held, dict) and any(
        isinstance(held.get(k), dict) and held[k].get("havePermission") is True
        for k in ADMIN_PERMISSIONS)
