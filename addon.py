"""JQL Reports: the self-hosted server of a report add-on for Jira Cloud.

The browser client (static/) asks Jira for issues directly and computes each report
there; this server keeps only tenants and report configurations, in one SQLite file.

Run:  ADDON_BASE_URL=https://reports.example.com python addon.py serve
Demo: python addon.py demo            (no Jira site needed)

| variable               | default                            | meaning                        |
|------------------------|------------------------------------|--------------------------------|
| ADDON_BASE_URL         | (required by serve)                | public https URL Jira calls    |
| ADDON_DB               | ./addon.db                         | the SQLite file                |
| ADDON_HOST             | 127.0.0.1                          | bind address (TLS at a proxy)  |
| ADDON_PORT             | 8080                               | bind port                      |
| ADDON_THREADS          | 8                                  | waitress worker threads        |
| ADDON_INSTALL_KEYS_URL | (by tenant host)                   | signed-install key server      |
| ADDON_TENANT_HOSTS     | .atlassian.net,.jira.com,.jira-dev.com | allowed tenant host suffixes |
| ADDON_FORGE_APP_ID     | (unset: no Forge tokens accepted)  | the Forge app's ARI (aud)      |
| ADDON_FORGE_JWKS_URL   | Atlassian's Forge JWKS             | Forge token signing keys       |
| ADDON_CONTACT          | (unset: serve warns)               | email or https URL on /privacy |
| ADDON_VENDOR_NAME      | JQL Reports                        | the descriptor's vendor name   |
"""

import contextlib
import dataclasses
import datetime
import errno
import html
import json
import os
import re
import sqlite3
import sys
import threading
import urllib.parse
import uuid

import bottle

import auth
import listener
from access import access_problem, may_delete, may_view, merged_access, rights
from cache import NOTICE_SECONDS, Cache, etag_matches
from documents import (
    IMPORT_BODY_LIMIT,
    parse_json,
    room_problem,
)
from validation import (
    CONFIG_KEYS,
    EXPORT_FORMAT,
    EXPORT_VERSIONS,
    ValidationError,
    validate_export,
    validate_owner_change,
    validate_report,
)

HERE = os.path.dirname(os.path.abspath(__file__))
APP_KEY = "jql-reports"
BODY_LIMIT = 256 * 1024


####################################################################################
# Settings
####################################################################################


@dataclasses.dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: object
    help: str


SETTINGS = (
    Setting("base_url", "ADDON_BASE_URL", None, "public https URL that Jira calls"),
    Setting("db", "ADDON_DB", "./addon.db", "the SQLite file"),
    Setting("host", "ADDON_HOST", "127.0.0.1", "bind address"),
    Setting("port", "ADDON_PORT", 8080, "bind port"),
    Setting("threads", "ADDON_THREADS", 8, "waitress worker threads"),
    Setting("install_keys_url", "ADDON_INSTALL_KEYS_URL", None, "install key server"),
    Setting("tenant_hosts", "ADDON_TENANT_HOSTS", ".atlassian.net,.jira.com,.jira-dev.com",
            "allowed host suffixes of a tenant's baseUrl"),
    Setting("forge_app_id", "ADDON_FORGE_APP_ID", None, "Forge app ARI; unset: no Forge"),
    Setting("forge_jwks_url", "ADDON_FORGE_JWKS_URL", auth.FORGE_JWKS_URL, "Forge signing keys"),
    Setting("contact", "ADDON_CONTACT", None,
            "email address or https URL for export, removal and security requests"),
    Setting("vendor_name", "ADDON_VENDOR_NAME", "JQL Reports", "vendor name Jira shows"),
)
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")

def load_config(environ):
    """Return the settings as an ``addon.*`` config dict, read from ``environ``."""
    config = {}
    for s in SETTINGS:
        value = environ.get(s.env, s.default)
        if isinstance(s.default, int) and value is not None:
            value = int(value)
        config["addon." + s.name] = value
    return config


def _base_url(config):
    return (config.get("addon.base_url") or "").rstrip("/")


def base_url_problem(url):
    """Why ``url`` cannot be the public base URL, or None when it can."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return None
    if parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS:
        return None  # local testing: nothing leaves the machine
    return (f"ADDON_BASE_URL {url} is not an https URL: Jira sends its tokens and "
            "shared secrets there, so it must be https (plain http is accepted only "
            "for 127.0.0.1, localhost and ::1, in local testing).")


def contact_kind(value):
    """'email' or 'url' for a valid ADDON_CONTACT, else None."""
    if EMAIL.match(value or ""):
        return "email"
    parts = urllib.parse.urlsplit(value or "")
    return "url" if parts.scheme == "https" and parts.hostname else None


def _tenant_hosts(config):
    raw = config.get("addon.tenant_hosts") or ""
    return tuple(h.strip().lower() for h in raw.split(",") if h.strip())


####################################################################################
# Schema and migrations
####################################################################################

SCHEMA = """
CREATE TABLE IF NOT EXISTS tenants (
    client_key TEXT PRIMARY KEY,
    shared_secret TEXT NOT NULL,
    base_url TEXT NOT NULL,
    display_url TEXT,
    product_type TEXT,
    status TEXT NOT NULL CHECK (status IN ('installed', 'uninstalled', 'disabled')),
    installed_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    uninstalled_at TEXT
);
CREATE TABLE IF NOT EXISTS reports (
    client_key TEXT NOT NULL REFERENCES tenants(client_key),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    jql TEXT NOT NULL,
    config TEXT NOT NULL CHECK (json_valid(config)),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT,
    PRIMARY KEY (client_key, id)
);
"""

MIGRATIONS = (
    SCHEMA,
    # Forge sites are tenants of their own: they never share rows or tokens with
    # a Connect tenant, even on the same site.
    """
    ALTER TABLE tenants ADD COLUMN kind TEXT NOT NULL DEFAULT 'connect'
        CHECK (kind IN ('connect', 'forge'))
    """,
    # Report access: an owner (null: nobody, so the whole site, as before), who sees it
    # and who edits it (JSON: "site" or a list of account ids). Every report kept its
    # behaviour: the site sees and edits it, and its creator owns it.
    """
    ALTER TABLE reports ADD COLUMN owner TEXT;
    ALTER TABLE reports ADD COLUMN visibility TEXT NOT NULL DEFAULT 'site'
        CHECK (visibility IN ('site', 'private'));
    ALTER TABLE reports ADD COLUMN editors TEXT NOT NULL DEFAULT '"site"'
        CHECK (json_valid(editors));
    UPDATE reports SET owner = created_by
    """,
)


def connect(path):
    """Open the database with the pragmas every connection needs.

    They suit Litestream (litestream.io, Tips & Caveats): WAL, and a busy timeout
    over the 5 s it recommends, so its short write locks make us wait, not fail.
    Automatic checkpoints stay on: the tips turn them off only for tens of thousands
    of writes a second, and without Litestream nothing else would checkpoint.
    """
    if path != ":memory:" and not os.path.exists(path):
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA busy_timeout = 10000")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA secure_delete = ON")
    return db


def schema_version(db):
    """Return the schema version recorded in the file."""
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db):
    """Apply pending migrations, each in one transaction with its version bump."""
    current = schema_version(db)
    if current > len(MIGRATIONS):
        raise RuntimeError(
            f"database schema version {current} is newer than this code "
            f"({len(MIGRATIONS)}); upgrade JQL Reports first"
        )
    for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
        db.executescript(
            f"BEGIN IMMEDIATE; {script}; PRAGMA user_version = {number}; COMMIT;"
        )


@contextlib.contextmanager
def write(db):
    """Run a unit of work that writes inside BEGIN IMMEDIATE ... COMMIT."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def now_iso():
    """The current UTC time as ISO-8601 text with milliseconds."""
    now = datetime.datetime.now(datetime.timezone.utc)
    return now.isoformat(timespec="milliseconds").replace("+00:00", "Z")


####################################################################################
# Storage: tenants
####################################################################################


def select_tenant(db, client_key, kind="connect"):
    """Return the tenant row of that kind, or None."""
    return db.execute(
        "SELECT * FROM tenants WHERE client_key = ? AND kind = ?", (client_key, kind)
    ).fetchone()


def select_tenants(db):
    """Return every tenant with its report count (operator listing)."""
    return db.execute(
        """
        SELECT t.client_key, t.base_url, t.status, t.uninstalled_at,
               (SELECT COUNT(*) FROM reports r WHERE r.client_key = t.client_key)
               AS reports
        FROM tenants t
        ORDER BY t.base_url, t.client_key
        """
    ).fetchall()


def upsert_tenant(db, client_key, secret, base_url, display_url, product_type):
    """Insert or refresh an installed tenant; a new secret always replaces the old."""
    stamp = now_iso()
    db.execute(
        """
        INSERT INTO tenants (client_key, shared_secret, base_url, display_url,
                             product_type, status, installed_at, updated_at)
        VALUES (:key, :secret, :base, :display, :product, 'installed', :now, :now)
        ON CONFLICT (client_key) DO UPDATE SET
            shared_secret = :secret, base_url = :base, display_url = :display,
            product_type = :product, status = 'installed', updated_at = :now,
            uninstalled_at = NULL
        WHERE tenants.kind = 'connect'
        """,
        dict(key=client_key, secret=secret, base=base_url, display=display_url,
             product=product_type, now=stamp),
    )


def upsert_forge_tenant(db, client_key, site_url):
    """Create or reactivate a Forge tenant seen in a valid invocation token."""
    db.execute(
        """
        INSERT INTO tenants (client_key, shared_secret, base_url, display_url,
                             product_type, status, installed_at, updated_at, kind)
        VALUES (:key, '', :site, :site, 'jira', 'installed', :now, :now, 'forge')
        ON CONFLICT (client_key) DO UPDATE SET
            base_url = :site, display_url = :site, status = 'installed',
            updated_at = :now, uninstalled_at = NULL
        WHERE tenants.kind = 'forge'
        """,
        dict(key=client_key, site=site_url, now=now_iso()),
    )


def update_tenant_status(db, client_key, status):
    """Record a lifecycle status; returns whether the tenant exists."""
    stamp = now_iso()
    gone = stamp if status == "uninstalled" else None
    cursor = db.execute(
        """
        UPDATE tenants SET status = ?, updated_at = ?, uninstalled_at = ?
        WHERE client_key = ?
        """,
        (status, stamp, gone, client_key),
    )
    return cursor.rowcount == 1


def delete_tenant(db, client_key):
    """Remove a tenant and all its reports for good."""
    db.execute("DELETE FROM reports WHERE client_key = ?", (client_key,))
    return db.execute(
        "DELETE FROM tenants WHERE client_key = ?", (client_key,)
    ).rowcount


####################################################################################
# Storage: reports
####################################################################################

def report_json(row):
    """The wire form of one stored report (the same for every reader)."""
    return {
        "id": row["id"],
        "name": row["name"],
        "description": row["description"],
        "jql": row["jql"],
        "pivot": None,
        "timeSeries": None,
        **json.loads(row["config"]),
        "owner": row["owner"],
        "visibility": row["visibility"],
        "editors": json.loads(row["editors"]),
        "version": row["version"],
        "createdAt": row["created_at"],
        "createdBy": row["created_by"],
        "updatedAt": row["updated_at"],
        "updatedBy": row["updated_by"],
    }


def select_reports(db, client_key):
    """Return the tenant's reports, by name, with what deciding access needs."""
    return db.execute(
        """
        SELECT id, name, description, updated_at, updated_by, version,
               owner, visibility, editors
        FROM reports
        WHERE client_key = ?
        ORDER BY name COLLATE NOCASE, id
        """,
        (client_key,),
    ).fetchall()


def select_full_reports(db, client_key):
    """The tenant's reports with their whole configuration, as a cursor: an export
    reads them one at a time."""
    return db.execute(
        "SELECT * FROM reports WHERE client_key = ? ORDER BY created_at, id",
        (client_key,),
    )


def select_report(db, client_key, report_id):
    """Return one of the tenant's reports, or None."""
    return db.execute(
        "SELECT * FROM reports WHERE client_key = ? AND id = ?",
        (client_key, report_id),
    ).fetchone()


def _config_text(report):
    config = {k: report[k] for k in CONFIG_KEYS if report[k] is not None}
    return json.dumps(config, separators=(",", ":"))


def _editors_text(editors):
    return json.dumps("site" if editors is None else editors, separators=(",", ":"))


def insert_report(db, client_key, report, account_id, owner=None):
    """Store a new report for the tenant and return its id.

    Access fields the report leaves out take the defaults: the site sees it and
    everyone who sees it may edit it.
    """
    report_id = uuid.uuid4().hex
    stamp = now_iso()
    db.execute(
        """
        INSERT INTO reports (client_key, id, name, description, jql, config,
                             version, created_at, created_by, updated_at, updated_by,
                             owner, visibility, editors)
        VALUES (:key, :id, :name, :description, :jql, :config,
                1, :now, :user, :now, :user, :owner, :visibility, :editors)
        """,
        dict(key=client_key, id=report_id, name=report["name"],
             description=report["description"], jql=report["jql"],
             config=_config_text(report), now=stamp, user=account_id, owner=owner,
             visibility=report.get("visibility") or "site",
             editors=_editors_text(report.get("editors"))),
    )
    return report_id


def update_report(db, client_key, report_id, report, account_id):
    """Overwrite a report's content and access and bump its version.

    ``report`` holds the whole new state: owner, visibility and editors included.
    """
    db.execute(
        """
        UPDATE reports
        SET name = :name, description = :description, jql = :jql, config = :config,
            owner = :owner, visibility = :visibility, editors = :editors,
            version = version + 1, updated_at = :now, updated_by = :user
        WHERE client_key = :key AND id = :id
        """,
        dict(key=client_key, id=report_id, name=report["name"],
             description=report["description"], jql=report["jql"],
             config=_config_text(report), owner=report["owner"],
             visibility=report["visibility"], editors=_editors_text(report["editors"]),
             now=now_iso(), user=account_id),
    )


def update_owner(db, client_key, report_id, owner, account_id):
    """Give a report to another owner and bump its version."""
    db.execute(
        """
        UPDATE reports
        SET owner = :owner, version = version + 1, updated_at = :now, updated_by = :user
        WHERE client_key = :key AND id = :id
        """,
        dict(key=client_key, id=report_id, owner=owner, now=now_iso(), user=account_id),
    )


def delete_report(db, client_key, report_id):
    """Delete one of the tenant's reports; returns whether it existed."""
    return db.execute(
        "DELETE FROM reports WHERE client_key = ? AND id = ?",
        (client_key, report_id),
    ).rowcount == 1


def count_reports(db):
    """The number of reports of all tenants (operator figures)."""
    return db.execute("SELECT COUNT(*) FROM reports").fetchone()[0]


def count_site_reports(db, client_key):
    """The number of the tenant's reports, which MAX_REPORTS bounds."""
    return db.execute(
        "SELECT COUNT(*) FROM reports WHERE client_key = ?", (client_key,)
    ).fetchone()[0]


def export_document(db, client_key, user):
    """The tenant's JSON export: every report configuration ``user`` may see (the
    operator's export is written by cmd_export, a report at a time)."""
    rows = select_full_reports(db, client_key)
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSIONS[-1],
        "exportedAt": now_iso(),
        "reports": [report_json(r) for r in rows if may_view(r, user)],
    }


def import_reports(db, client_key, reports, account_id, owner=None):
    """Create every validated report inside the caller's transaction; returns the
    new ids.

    Each report belongs to ``owner`` when given (a user's import), else to the
    owner its document names, or to nobody (an operator's import).
    """
    return [insert_report(db, client_key, r, account_id, owner or r["owner"])
            for r in reports]


####################################################################################
# HTTP plumbing
####################################################################################

# Atlassian's security requirements for cloud apps ask for both words on every answer
# that is not a static file; their requirements tester checks for both.
NO_CACHE = "no-cache, no-store"
# Only Jira may frame our pages (plus a tenant's own custom domain, added per page).
FRAME_ANCESTORS = "https://*.atlassian.net https://*.jira.com"
PAGE_CSP = (
    "frame-ancestors {ancestors}; script-src 'self' https://connect-cdn.atl-paas.net; "
    "object-src 'none'; base-uri 'none'"
)


def read_json(limit=BODY_LIMIT):
    """Parse the request body (at most ``limit`` bytes) as one JSON object, or abort
    400/413/415."""
    ctype = (bottle.request.content_type or "").split(";")[0].strip().lower()
    if ctype != "application/json":
        bottle.abort(415, "Send the body as application/json.")
    length = bottle.request.content_length
    raw = b"" if length <= 0 else bottle.request.environ["wsgi.input"].read(
        min(length, limit + 1))
    if length > limit or len(raw) > limit:
        bottle.abort(413, f"The body is larger than {limit} bytes.")
    try:
        body = parse_json(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        bottle.abort(400, "The body is not valid JSON (no NaN, no duplicate keys).")
    if not isinstance(body, dict):
        bottle.abort(400, "The body must be a JSON object.")
    return body


def _authorization(*schemes):
    """(scheme, token) from the Authorization header, for the schemes named."""
    # The raw header: bottle's get_header raises (a 500) on bytes that are not UTF-8.
    header = bottle.request.environ.get("HTTP_AUTHORIZATION") or ""
    scheme, _, token = header.partition(" ")
    if scheme.lower() not in schemes or not token.strip():
        named = " or ".join(s.upper() if s == "jwt" else s.title() for s in schemes)
        raise auth.AuthError(f"missing Authorization: {named} token")
    return scheme.lower(), token.strip()


def _expected_qsh(kind):
    if kind == "api":
        return "context-qsh"
    req = bottle.request
    return auth.query_hash(req.method, req.path, req.environ.get("QUERY_STRING", ""))


def _forge_caller(token):
    verifier = bottle.request.app.config.get("addon.fit")
    if verifier is None:
        raise auth.AuthError("Forge tokens are not enabled on this server")
    return verifier.verify(token)


def forge_tenant(db, token):
    """The Forge tenant of a valid invocation token, created on first sight.

    An uninstalled site comes back with a token issued after its uninstall, never
    with one issued in an earlier second (a replay of a token from before it)."""
    caller = _forge_caller(token)
    row = known_tenant(db, caller.client_key, "forge")
    if row is not None and row["status"] == "uninstalled" and \
            caller.issued_at < int(_epoch_seconds(row["uninstalled_at"])):
        raise auth.AuthError("invalid token", "issued before the site's uninstall")
    site = caller.site_url or (row["base_url"] if row else "")
    if row is None or row["status"] != "installed" or row["base_url"] != site:
        with write(db):
            upsert_forge_tenant(db, caller.client_key, site)
            row = select_tenant(db, caller.client_key, "forge")
    if row is None:
        raise auth.AuthError("invalid token", "the key belongs to a Connect tenant")
    return auth.Tenant(caller.client_key, row["base_url"], row["base_url"],
                       caller.account_id, "forge", caller.api_url, caller.valid_until)


def _epoch_seconds(stamp):
    return datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def _verify(db, kind):
    if kind == "page":
        token = bottle.request.query.get("jwt") or ""
        if not token:
            raise auth.AuthError("missing token: no jwt query parameter")
    elif kind == "forge":
        return _forge_caller(_authorization("bearer")[1])
    else:
        schemes = ("jwt", "bearer") if kind == "api" else ("jwt",)
        scheme, token = _authorization(*schemes)
        if scheme == "bearer":
            return forge_tenant(db, token)
    statuses = ("installed", "disabled") if kind == "lifecycle" else ("installed",)
    return auth.verify_tenant_token(token, _expected_qsh(kind),
                                    lambda key: known_tenant(db, key), statuses)


def known_tenant(db, client_key, kind="connect"):
    """select_tenant, read once until the database changes (cache.py)."""
    cache = bottle.request.app.config["addon.cache"]
    return cache.tenant((client_key, kind), lambda: select_tenant(db, client_key, kind))


def authenticate(db, kind):
    """Verify the request's token for a route class; abort 401 on failure.

    page: ?jwt= with the computed qsh; lifecycle: Authorization JWT, computed qsh;
    api: Authorization JWT with context-qsh, or Bearer <Forge Invocation Token>
    (admin routes too, then require_admin);
    forge: a Forge Invocation Token (Forge lifecycle calls).
    An api token is verified once: the client sends the same one until it nears its
    expiry, and the cache keeps its caller until then (cache.py says when it forgets).
    """
    try:
        if kind != "api":
            return _verify(db, kind)
        cache = bottle.request.app.config["addon.cache"]
        text = bottle.request.environ.get("HTTP_AUTHORIZATION") or ""
        tenant = cache.token(text)
        if tenant is None:
            epoch = cache.epoch
            tenant = _verify(db, kind)
            cache.keep(cache.tokens, text, tenant, epoch)
        return tenant
    except auth.AuthError as err:
        refuse(err)


TOKEN_TEXT = re.compile(r"^[\x21-\x7e]{1,8192}$")


def jira_admin_check(db, tenant):
    """Whether Jira says the verified caller is a site administrator.

    Nothing the browser sends is taken as proof: Connect asks the site, signed with
    its shared secret; Forge asks as the user, with the user token Forge adds for the
    admin page's endpoint (see auth.connect_user_is_admin, auth.forge_user_is_admin).
    """
    if not tenant.account_id:
        return False
    timeout = bottle.request.app.config.get("addon.key_timeout", 3.0)
    if tenant.kind == "forge":
        token = bottle.request.environ.get("HTTP_X_FORGE_OAUTH_USER") or ""
        return bool(tenant.api_url and TOKEN_TEXT.match(token)) and \
            auth.forge_user_is_admin(tenant.api_url, token, timeout)
    row = select_tenant(db, tenant.client_key)
    return auth.connect_user_is_admin(tenant.api_url, row["shared_secret"], APP_KEY,
                                      tenant.account_id, timeout)


def require_admin(db, tenant):
    """Abort 403 unless Jira confirms the caller is a site administrator (503 when
    Jira cannot be asked)."""
    check = bottle.request.app.config.get("addon.admin_check", jira_admin_check)
    try:
        allowed = check(db, tenant)
    except auth.JiraUnavailable as err:
        print(f"admin check for {tenant.client_key!r}: {err}", file=sys.stderr)
        bottle.abort(503, "Jira did not say whether you are an administrator; "
                          "nothing was changed. Try again later.")
    if not allowed:
        bottle.abort(403, "Only a Jira administrator can do this.")


def refuse(err):
    """Abort 401 with the token error's message; only the log hears its detail."""
    if err.detail:
        print(f"401 {bottle.request.path!r}: {err.detail}", file=sys.stderr)
    bottle.abort(401, str(err))


class ConnectionPool:
    """One SQLite connection per worker thread, all closed when the app stops."""

    def __init__(self, path):
        self.path = path
        self.local = threading.local()
        self.all = []
        self.lock = threading.Lock()

    def get(self):
        """The calling thread's connection, opened on first use."""
        db = getattr(self.local, "db", None)
        if db is None:
            db = self.local.db = connect(self.path)
            with self.lock:
                self.all.append(db)
        return db

    def close(self):
        """Close every connection the pool opened."""
        with self.lock:
            for db in self.all:
                db.close()
            self.all.clear()
        self.local = threading.local()


# SQLite primary result codes worth a retry: BUSY, LOCKED, READONLY, IOERR, FULL, CANTOPEN.
TRANSIENT_ERRORS = {5, 6, 8, 10, 13, 14}


class RequestPlugin:
    """Give handlers a ``db`` connection and a verified ``tenant`` by parameter name.

    Each request first lets the cache notice changes made elsewhere, and a request
    that changed rows drops the cache before its answer goes out (cache.py)."""

    name = "jql-reports"
    api = 2

    def __init__(self, pool, cache):
        self.pool = pool
        self.cache = cache

    def apply(self, callback, route):
        args = route.get_callback_args()
        kind = route.config.get("auth")
        if "db" not in args and "tenant" not in args:
            return callback

        def wrapper(*a, **kw):
            db = self.pool.get()
            changes = db.total_changes
            try:
                self.cache.notice(db)
                if "tenant" in args:
                    kw["tenant"] = authenticate(db, "api" if kind == "admin" else kind)
                    if kind == "admin":
                        require_admin(db, kw["tenant"])
                if "db" in args:
                    kw["db"] = db
                return callback(*a, **kw)
            except sqlite3.OperationalError as err:
                # Disk full, read-only file, I/O error, lock timeout: refuse, store
                # nothing. Anything else (a missing table) is a bug: a 500.
                if err.sqlite_errorcode & 0xFF not in TRANSIENT_ERRORS:
                    raise
                print(f"database error: {err}", file=sys.stderr)
                bottle.abort(503, "The database cannot take this change now; "
                                  "nothing was stored. Try again later.")
            finally:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                if db.total_changes != changes:
                    self.cache.drop()

        return wrapper


def answer_headers(config):
    """The headers every answer carries, errors included, worked out once per app.

    Static files set their own Cache-Control, pages their own CSP; everything else
    is never cached or framed. Names are title-cased, as bottle keys them."""
    headers = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
               "Cache-Control": NO_CACHE, "Content-Security-Policy": "frame-ancestors 'none'"}
    if _base_url(config).startswith("https://"):
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return headers


def security_headers(resp):
    """Add the app's answer headers to ``resp`` where it has not set its own."""
    own = resp.headers.dict  # value lists by title-cased name, as answer_headers names them
    for name, value in bottle.request.app.config["addon.headers"].items():
        own.setdefault(name, [value])


def json_error(err):
    """Render every error, ours or bottle's, as the one JSON shape."""
    status = err.status_code
    message = err.body if isinstance(err.body, str) and err.body else err.status_line
    if status == 500:
        message = "Internal error. The server log has the details."
    body = {"error": message, "status": status}
    if isinstance(err, ValidationError):
        body["fields"] = err.fields
    if getattr(err, "current", None) is not None:
        body["current"] = err.current
    bottle.response.content_type = "application/json"
    security_headers(bottle.response)
    return json.dumps(body)


def json_response(payload, status=200, **headers):
    """A JSON response with the API headers."""
    resp = bottle.HTTPResponse(json.dumps(payload), status=status, **headers)
    resp.content_type = "application/json"
    return resp


def page_response(filename, ancestors=FRAME_ANCESTORS, swap=None):
    """Serve an HTML file from static/ as an iframe page."""
    with open(os.path.join(HERE, "static", filename), encoding="utf-8") as fh:
        html = fh.read()
    if swap:
        html = html.replace(*swap)
    resp = bottle.HTTPResponse(html)
    resp.content_type = "text/html; charset=utf-8"
    resp.set_header("Cache-Control", NO_CACHE)
    resp.set_header("Content-Security-Policy", PAGE_CSP.format(ancestors=ancestors))
    return resp


HOST_LABEL = r"[a-z0-9]([a-z0-9-]*[a-z0-9])?"
HOST_NAME = re.compile(rf"^{HOST_LABEL}(\.{HOST_LABEL})*$")


def _origin(url):
    # Rebuilt from host and port: the raw netloc could smuggle spaces, ';' or
    # userinfo into the CSP header.
    try:
        parts = urllib.parse.urlsplit(url or "")
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme != "https" or not HOST_NAME.match(parts.hostname or ""):
        return ""
    return f"https://{parts.hostname}" + (f":{port}" if port else "")


####################################################################################
# Routes
####################################################################################


def on_installed(db):
    """Signed install: store the tenant and its (possibly new) shared secret."""
    body = read_json()
    claims = _verify_lifecycle(body)
    secret = body.get("sharedSecret")
    if not isinstance(secret, str) or not secret:
        bottle.abort(400, "The install has no sharedSecret.")
    display = body.get("displayUrl") if isinstance(body.get("displayUrl"), str) else None
    product = body.get("productType") if isinstance(body.get("productType"), str) else None
    with write(db):
        upsert_tenant(db, claims["iss"], secret, body["baseUrl"], display, product)
    return bottle.HTTPResponse(status=204)


def on_uninstalled(db):
    """Signed uninstall: keep the tenant's data, refuse its tokens from now on."""
    claims = _verify_lifecycle(read_json())
    with write(db):
        update_tenant_status(db, claims["iss"], "uninstalled")
    return bottle.HTTPResponse(status=204)


def _verify_lifecycle(body):
    try:
        return bottle.request.app.config["addon.installs"].verify(
            _authorization("jwt")[1], body, bottle.request.path)
    except auth.AuthError as err:
        refuse(err)


def on_enabled(db, tenant):
    """The app was enabled on the tenant's site."""
    return _set_status(db, tenant, "installed")


def on_disabled(db, tenant):
    """The app was disabled on the tenant's site."""
    return _set_status(db, tenant, "disabled")


def _set_status(db, tenant, status):
    body = read_json()
    if body.get("clientKey", tenant.client_key) != tenant.client_key:
        bottle.abort(401, "clientKey does not match the token")
    with write(db):
        update_tenant_status(db, tenant.client_key, status)
    return bottle.HTTPResponse(status=204)


def on_forge_uninstalled(db, tenant):
    """Forge preUninstall: keep the site's data, as for a Connect uninstall."""
    with write(db):
        update_tenant_status(db, tenant.client_key, "uninstalled")
    return bottle.HTTPResponse(status=204)


def _summary(row):
    return {"id": row["id"], "name": row["name"], "description": row["description"],
            "updatedAt": row["updated_at"], "updatedBy": row["updated_by"],
            "version": row["version"], "owner": row["owner"],
            "visibility": row["visibility"]}


def list_reports(db, tenant):
    """GET /api/reports: the reports the caller may see, summarised.

    The answer's bytes are kept per site and user until the data changes (cache.py);
    a client that sends the ETag it holds gets a 304 while it is still current."""
    cache = bottle.request.app.config["addon.cache"]
    user = tenant.account_id
    key = (tenant.client_key, user)
    found = cache.answer(key)
    if found is None:
        epoch = cache.epoch
        rows = select_reports(db, tenant.client_key)
        body = json.dumps({"reports": [_summary(r) | rights(r, user)
                                       for r in rows if may_view(r, user)]})
        found = cache.keep_answer(key, body.encode(), epoch)
    return tagged_response(*found)


def tagged_response(tag, body):
    """A JSON answer with its ETag, or 304 when the request's If-None-Match has it."""
    if etag_matches(bottle.request.environ.get("HTTP_IF_NONE_MATCH"), tag):
        return bottle.HTTPResponse(status=304, ETag=tag)
    resp = bottle.HTTPResponse(body, ETag=tag)
    resp.content_type = "application/json"
    return resp


def report_or_404(db, tenant, report_id):
    """The report if the caller may see it; a 404 that looks the same for a missing
    report, another tenant's and someone else's private one (flaskr's get_post)."""
    row = select_report(db, tenant.client_key, report_id)
    if row is None or not may_view(row, tenant.account_id):
        bottle.abort(404, "No such report.")
    return row


def signed_in(tenant):
    """The caller's account id: every change needs a token that names a user."""
    if not tenant.account_id:
        bottle.abort(403, "Only a signed-in Jira user can change reports.")
    return tenant.account_id


def _answer(row, user, status=200, **headers):
    return json_response(report_json(row) | rights(row, user), status, **headers)


def create_report(db, tenant):
    """POST /api/reports: store a new report that belongs to its creator."""
    user = signed_in(tenant)
    report = validate_report(read_json())
    if report["owner"] not in (None, user):
        raise ValidationError({"owner": "a new report belongs to its creator"})
    with write(db):
        refuse_when_full(db, tenant.client_key, 1, "created")
        report_id = insert_report(db, tenant.client_key, report, user, user)
        row = select_report(db, tenant.client_key, report_id)
    location = f"{_base_url(bottle.request.app.config)}/api/reports/{report_id}"
    return _answer(row, user, 201, Location=location)


def show_report(db, tenant, report_id):
    """GET /api/reports/<id>."""
    return _answer(report_or_404(db, tenant, report_id), tenant.account_id)


def _version(payload):
    version = payload.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ValidationError({"version": "is required (the version you read)"})
    return version


def _check_version(row, version, user=None):
    """A 409 carrying the current report (with the caller's rights, if a user's)."""
    if row["version"] != version:
        err = bottle.HTTPError(409, "Someone else saved this report first.")
        err.current = report_json(row) | (rights(row, user) if user else {})
        raise err


def edit_report(db, tenant, report_id):
    """PUT /api/reports/<id>: save if the caller may and read the current version.

    Editors change the content; only the owner changes access or gives the report away.
    """
    user = signed_in(tenant)
    payload = read_json()
    report = validate_report(payload)
    version = _version(payload)
    with write(db):
        row = report_or_404(db, tenant, report_id)
        problem = access_problem(row, report, user)
        if problem:
            bottle.abort(403, problem)
        _check_version(row, version, user)
        update_report(db, tenant.client_key, report_id, merged_access(row, report), user)
        row = select_report(db, tenant.client_key, report_id)
    return _answer(row, user)


def remove_report(db, tenant, report_id):
    """DELETE /api/reports/<id>: only its owner deletes it."""
    user = signed_in(tenant)
    with write(db):
        row = report_or_404(db, tenant, report_id)
        if not may_delete(row, user):
            bottle.abort(403, "Only the report's owner can delete it.")
        delete_report(db, tenant.client_key, report_id)
    return bottle.HTTPResponse(status=204)


def export_reports(db, tenant):
    """GET /api/export: the report configurations the caller may see, as one document."""
    return json_response(export_document(db, tenant.client_key, tenant.account_id))


def refuse_when_full(db, client_key, adding, what):
    """Abort 400 when ``adding`` more reports would pass the site's MAX_REPORTS."""
    problem = room_problem(count_site_reports(db, client_key), adding, what)
    if problem:
        bottle.abort(400, problem)


def import_document(db, tenant):
    """POST /api/import: create every report of an export document, or none; each
    one belongs to the caller. The body may be as large as the largest report."""
    user = signed_in(tenant)
    reports = validate_export(read_json(IMPORT_BODY_LIMIT))
    with write(db):
        refuse_when_full(db, tenant.client_key, len(reports), "imported")
        ids = import_reports(db, tenant.client_key, reports, user, owner=user)
    return json_response({"ids": ids}, 201)


def admin_list_reports(db, tenant):
    """GET /api/admin/reports: every report of the site, private ones included."""
    rows = select_reports(db, tenant.client_key)
    return json_response({"reports": [
        _summary(r) | {"editors": json.loads(r["editors"])} for r in rows]})


def admin_assign_owner(db, tenant, report_id):
    """PUT /api/admin/reports/<id> {owner, version}: give a report to someone,
    for example when its owner has left."""
    payload = read_json()
    owner = validate_owner_change(payload)
    version = _version(payload)
    with write(db):
        row = select_report(db, tenant.client_key, report_id)
        if row is None:
            bottle.abort(404, "No such report.")
        _check_version(row, version)
        update_owner(db, tenant.client_key, report_id, owner, tenant.account_id)
        row = select_report(db, tenant.client_key, report_id)
    return json_response(report_json(row))


def admin_remove_report(db, tenant, report_id):
    """DELETE /api/admin/reports/<id>: remove any report of the site."""
    with write(db):
        if not delete_report(db, tenant.client_key, report_id):
            bottle.abort(404, "No such report.")
    return bottle.HTTPResponse(status=204)


def tenant_page(tenant, filename):
    """An iframe page of ours, framed only by Jira and the tenant's own domain."""
    origin = _origin(tenant.display_url)
    ancestors = FRAME_ANCESTORS + (f" {origin}" if origin else "")
    return page_response(filename, ancestors)


def reports_page(tenant):
    """The iframe page Jira loads (global, project and admin pages; the admin page's
    API calls prove the admin by asking Jira, see require_admin)."""
    return tenant_page(tenant, "index.html")


def gadget_page(tenant):
    """The dashboard gadget's iframe page (jiraDashboardItems), checked as every page is;
    its settings live in Jira (a dashboard item property), never here."""
    return tenant_page(tenant, "gadget.html")


def privacy_page():
    """How JQL Reports handles data, in plain words, with the operator's contact."""
    contact = bottle.request.app.config.get("addon.contact")
    return page_response("privacy.html", swap=("<!-- contact -->", contact_html(contact)))


def contact_html(contact):
    """The operator's contact as an escaped link, or a note that there is none."""
    kind = contact_kind(contact)
    if kind is None:
        return ("<p>This server's operator has not published a contact address: ask "
                "your Jira site administrator who runs it.</p>")
    href = ("mailto:" if kind == "email" else "") + contact
    return (f'<p>Contact for export and removal requests and for security reports: '
            f'<a id="contact" href="{html.escape(href)}">{html.escape(contact)}</a></p>')


def descriptor():
    """The Connect descriptor with this deployment's baseUrl and vendor."""
    config = bottle.request.app.config
    with open(os.path.join(HERE, "atlassian-connect.json"), encoding="utf-8") as fh:
        template = fh.read()
    base = json.dumps(_base_url(config))[1:-1]
    doc = json.loads(template.replace("{{baseUrl}}", base))
    contact = config.get("addon.contact")
    doc["vendor"] = {"name": config.get("addon.vendor_name") or doc["vendor"]["name"],
                     "url": contact if contact_kind(contact) == "url"
                     else doc["vendor"]["url"]}
    return json_response(doc)


def static_file(path, root):
    """A file under ``root``, revalidated on every use; 404 when there is none."""
    resp = bottle.static_file(path, root=root)
    if resp.status_code >= 400:
        bottle.abort(404, "Not found.")
    resp.set_header("Cache-Control", "no-cache")
    return resp


def static_asset(path):
    """Files under static/, no token needed (cached iframes replay old tokens).

    The demo's stand-ins of Atlassian's scripts are never served by the product.
    """
    if os.path.normpath(path).split(os.sep)[:2] == ["js", "demo"]:
        bottle.abort(404, "Not found.")
    return static_file(path, os.path.join(HERE, "static"))


def healthz(db):
    """200 when the database answered within the last NOTICE_SECONDS: every request
    with a connection asks it for its data_version that often (cache.py), until it
    answers; a database that cannot answer is a 503 (or a 500), as for any route."""
    return json_response({"status": "ok"})


####################################################################################
# App factory
####################################################################################

ROUTES = (
    ("POST", "/installed", on_installed, None),
    ("POST", "/uninstalled", on_uninstalled, None),
    ("POST", "/enabled", on_enabled, "lifecycle"),
    ("POST", "/disabled", on_disabled, "lifecycle"),
    ("GET", "/api/reports", list_reports, "api"),
    ("POST", "/api/reports", create_report, "api"),
    ("GET", "/api/reports/<report_id>", show_report, "api"),
    ("PUT", "/api/reports/<report_id>", edit_report, "api"),
    ("DELETE", "/api/reports/<report_id>", remove_report, "api"),
    ("GET", "/api/export", export_reports, "api"),
    ("POST", "/api/import", import_document, "api"),
    ("GET", "/api/admin/reports", admin_list_reports, "admin"),
    ("PUT", "/api/admin/reports/<report_id>", admin_assign_owner, "admin"),
    ("DELETE", "/api/admin/reports/<report_id>", admin_remove_report, "admin"),
    ("GET", "/reports", reports_page, "page"),
    ("GET", "/admin", reports_page, "page"),
    ("GET", "/project", reports_page, "page"),
    ("GET", "/gadget", gadget_page, "page"),
    ("GET", "/privacy", privacy_page, None),
    ("GET", "/atlassian-connect.json", descriptor, None),
    ("GET", "/static/<path:path>", static_asset, None),
    ("GET", "/healthz", healthz, None),
    ("POST", "/forge/uninstalled", on_forge_uninstalled, "forge"),
)
ERROR_STATUSES = (400, 401, 403, 404, 405, 409, 413, 415, 500, 503)


def make_app(config, first_routes=()):
    """Build the Bottle app for a config dict (see load_config).

    ``first_routes`` (the demo's) are matched before the product's own.
    """
    app = bottle.Bottle()
    app.config.update(config)
    migrate_file(config["addon.db"])
    pool = ConnectionPool(config["addon.db"])
    app.config["addon.pool"] = pool
    app.config["addon.cache"] = cache = Cache(
        config.get("addon.notice_seconds", NOTICE_SECONDS))
    app.config["addon.headers"] = answer_headers(config)
    timeout = config.get("addon.key_timeout", 3.0)
    # A quarter of the worker threads at most may wait on key servers (at least one).
    slots = max(1, config.get("addon.threads", 8) // 4)
    app.config["addon.installs"] = auth.InstallVerifier(
        _base_url(config), _tenant_hosts(config), config.get("addon.install_keys_url"),
        timeout, slots)
    if config.get("addon.forge_app_id"):
        app.config["addon.fit"] = auth.FitVerifier(
            config["addon.forge_app_id"], config.get("addon.forge_jwks_url"), timeout,
            config.get("addon.forge_keys"))
    app.install(RequestPlugin(pool, cache))
    app.add_hook("after_request", lambda: security_headers(bottle.response))
    for status in ERROR_STATUSES:
        app.error(status)(json_error)
    for method, path, handler, kind in first_routes + ROUTES:
        app.route(path, method, handler, auth=kind)
    return app


def migrate_file(path):
    """Create or upgrade the database file's schema."""
    db = connect(path)
    try:
        migrate(db)
    finally:
        db.close()


def run_server(app, config, banner):
    """Listen, print ``banner``, then serve the app with waitress until interrupted."""
    host, port = config["addon.host"], config["addon.port"]
    try:
        server = listener.make_server(app, host, port, config["addon.threads"])
    except OSError as err:
        app.config["addon.pool"].close()
        if err.errno == errno.EADDRINUSE:
            raise OSError(f"port {port} on {host} is already in use; stop what uses "
                          "it or choose another with --port") from err
        raise
    print(banner, flush=True)
    try:
        server.run()
    finally:
        app.config["addon.pool"].close()


def main(argv=None, environ=None):
    """Run one operator command (cli.py); returns the exit status."""
    import cli  # cli.py reads the database through this module, so it comes second

    return cli.main(argv, environ)


if __name__ == "__main__":
    sys.modules.setdefault("addon", sys.modules[__name__])  # demo.py imports it by name
    sys.exit(main())
