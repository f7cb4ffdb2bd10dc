"""Schema migrations, connection settings, and the tenant scoping of SQL strings."""

import ast
import contextlib
import os
import re
import sqlite3
import stat

import pytest

import addon
from tests.conftest import (
    SECRET_A,
    SITE,
    A,
    api,
    context_token,
    install,
    make_config,
)


def open_db(path):
    return contextlib.closing(addon.connect(str(path)))


def tables(db):
    rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {r[0] for r in rows}


####################################################################################
# Migrations
####################################################################################


def test_migrate_creates_schema_in_empty_file(tmp_path):
    with open_db(tmp_path / "new.db") as db:
        assert addon.schema_version(db) == 0
        addon.migrate(db)
        assert addon.schema_version(db) == len(addon.MIGRATIONS)
        assert {"tenants", "reports"} <= tables(db)


def test_migrate_twice_changes_nothing(tmp_path):
    with open_db(tmp_path / "twice.db") as db:
        addon.migrate(db)
        addon.upsert_tenant(db, A, SECRET_A, SITE, None, "jira")
        addon.migrate(db)
        assert addon.schema_version(db) == len(addon.MIGRATIONS)
        assert [r["client_key"] for r in db.execute("SELECT * FROM tenants")] == [A]


def test_newer_schema_is_refused(tmp_path, config):
    with open_db(config["addon.db"]) as db:
        db.execute(f"PRAGMA user_version = {len(addon.MIGRATIONS) + 1}")
        with pytest.raises(RuntimeError, match="newer"):
            addon.migrate(db)
    with pytest.raises(RuntimeError, match="newer"):
        addon.make_app(config)


# The file as schema version 2 left it (written out here, not taken from MIGRATIONS,
# so that an edit to an applied migration shows up as a failure).
SCHEMA_2 = """
CREATE TABLE tenants (
    client_key TEXT PRIMARY KEY, shared_secret TEXT NOT NULL, base_url TEXT NOT NULL,
    display_url TEXT, product_type TEXT,
    status TEXT NOT NULL CHECK (status IN ('installed', 'uninstalled', 'disabled')),
    installed_at TEXT NOT NULL, updated_at TEXT NOT NULL, uninstalled_at TEXT,
    kind TEXT NOT NULL DEFAULT 'connect' CHECK (kind IN ('connect', 'forge')));
CREATE TABLE reports (
    client_key TEXT NOT NULL REFERENCES tenants(client_key), id TEXT NOT NULL,
    name TEXT NOT NULL, description TEXT NOT NULL DEFAULT '', jql TEXT NOT NULL,
    config TEXT NOT NULL CHECK (json_valid(config)), version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL, created_by TEXT, updated_at TEXT NOT NULL,
    updated_by TEXT, PRIMARY KEY (client_key, id));
PRAGMA user_version = 2;
"""
# Odd spacing, key order and escapes: a migration must leave the text as it is.
CONFIGS = ('{"columns":["key"],"sort":[]}',
           '{ "columns" : [ "key", "summary" ],\n "groupBy": ["status"], '
           '"x": "\u00e9" }',
           '{"pivot":null,"columns":["customfield_10016"],"filters":[{"field":"labels",'
           '"values":["ui",""]}],"aggregations":[]}')
CREATORS = ("557058:f58131cb-b67d-43c7-b30d-6b58d40bd077", None,
            "5b10a2844c20165700ede21g")


def version_2_file(path):
    """A schema-2 database with one site and a report per CREATORS entry."""
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.executescript(SCHEMA_2)
        db.execute("INSERT INTO tenants VALUES (?, ?, ?, ?, 'jira', 'installed', "
                   "'2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z', NULL, "
                   "'connect')", (A, SECRET_A, SITE, SITE))
        for n, (config, creator) in enumerate(zip(CONFIGS, CREATORS, strict=True)):
            db.execute("INSERT INTO reports VALUES (?, ?, ?, '', 'project = X', ?, 3, "
                       "'2025-02-01T00:00:00.000Z', ?, '2025-03-01T00:00:00.000Z', ?)",
                       (A, f"r{n}", f"Report {n}", config, creator, creator))


def report_rows(path):
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.row_factory = sqlite3.Row
        rows = db.execute(
            "SELECT *, CAST(config AS BLOB) AS config_bytes FROM reports ORDER BY id")
        return [dict(r) | {"config_bytes": bytes(r["config_bytes"])} for r in rows]


def test_migration_to_owners_keeps_every_report_as_it_was(tmp_path):
    path = str(tmp_path / "v2.db")
    version_2_file(path)
    before = report_rows(path)
    with open_db(path) as db:
        addon.migrate(db)
        assert addon.schema_version(db) == len(addon.MIGRATIONS)
    after = report_rows(path)
    added = {"owner", "visibility", "editors"}
    assert [{k: v for k, v in r.items() if k not in added} for r in after] == before
    assert [(r["owner"], r["visibility"], r["editors"]) for r in after] == [
        (creator, "site", '"site"') for creator in CREATORS]
    assert [r["config_bytes"] for r in after] == [c.encode() for c in CONFIGS]


def test_migrated_reports_are_the_sites_as_before(tmp_path, start_server, install_keys):
    path = str(tmp_path / "v2.db")
    version_2_file(path)
    server = start_server(make_config(tmp_path, install_keys.url, db=path))
    other = "5b109f2e9729b51b54dc274d"
    listed = api(server, "GET", "/api/reports", context_token(A, SECRET_A, other))
    flags = [(r["owner"], r["visibility"], r["canEdit"], r["canDelete"], r["canShare"])
             for r in listed.json()["reports"]]
    assert flags == [(CREATORS[0], "site", True, False, False),
                     (None, "site", True, True, False),
                     (CREATORS[2], "site", True, False, False)]
    token = context_token(A, SECRET_A, CREATORS[0])
    mine = api(server, "GET", "/api/reports/r0", token)
    assert (mine.json()["editors"], mine.json()["canShare"]) == ("site", True)


####################################################################################
# The database file and its connections
####################################################################################


def test_database_files_are_private(server):
    assert install(server, A, SECRET_A).status == 204
    for suffix in ("", "-wal", "-shm"):
        mode = stat.S_IMODE(os.stat(server.db + suffix).st_mode)
        assert mode == 0o600, (suffix, oct(mode))


def test_journal_mode_is_wal(server):
    with contextlib.closing(sqlite3.connect(server.db)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_connection_settings(tmp_path):
    with open_db(tmp_path / "c.db") as db:
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] > 0
        assert db.isolation_level is None and db.row_factory is sqlite3.Row


def test_report_needs_a_known_tenant(tmp_path):
    with open_db(tmp_path / "fk.db") as db:
        addon.migrate(db)
        with pytest.raises(sqlite3.IntegrityError):
            addon.insert_report(db, "nobody", addon.validate_report(
                {"name": "n", "jql": "j", "columns": ["key"]}), None)


####################################################################################
# Every statement on `reports` is scoped by client_key
####################################################################################

SQL_VERB = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE)\b")
ON_REPORTS = re.compile(r"\b(FROM|INTO|UPDATE|JOIN)\s+reports\b")
# Whole-database statements allowed on purpose, by the function holding them.
UNSCOPED_ALLOWED = {
    "count_reports": "operator figures: the number of reports of all tenants",
    "<module>": "migration 3: every report's creator becomes its owner, on every site",
}


def sql_strings(source):
    """(enclosing function, text) of every string constant that holds SQL."""
    tree = ast.parse(source)
    owner = {}
    for func in ast.walk(tree):  # outer functions first, so inner ones win
        if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            owner.update({id(node): func.name for node in ast.walk(func)})
    return [(owner.get(id(n), "<module>"), n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and SQL_VERB.search(n.value)]


def is_scoped(text):
    """An INSERT names client_key; anything else filters on it in a WHERE."""
    if re.search(r"\bINSERT\s+INTO\s+reports\b", text):
        return re.search(r"\bclient_key\b", text) is not None
    return re.search(r"\bWHERE\b[\s\S]*\bclient_key\s*=", text) is not None


def unscoped(source):
    return [(name, " ".join(text.split())) for name, text in sql_strings(source)
            if ON_REPORTS.search(text) and not is_scoped(text)]


# Every module of the product that may hold SQL.
MODULES = ("addon.py", "cli.py", "documents.py", "replica.py", "demo.py")


@pytest.fixture(scope="module")
def source():
    folder = os.path.dirname(addon.__file__)
    texts = []
    for name in MODULES:
        with open(os.path.join(folder, name), encoding="utf-8") as fh:
            texts.append(fh.read())
    return "\n".join(texts)


def test_scan_sees_the_report_statements(source):
    names = {name for name, text in sql_strings(source) if ON_REPORTS.search(text)}
    assert {"select_reports", "select_report", "insert_report", "update_report",
            "delete_report"} <= names


def test_every_reports_statement_is_scoped_by_client_key(source):
    offenders = [(n, t) for n, t in unscoped(source) if n not in UNSCOPED_ALLOWED]
    assert offenders == []


def test_allowed_unscoped_statements_still_exist(source):
    assert {name for name, _ in unscoped(source)} == set(UNSCOPED_ALLOWED)


@pytest.mark.parametrize("statement", [
    "SELECT * FROM reports WHERE id = ?",
    "UPDATE reports SET name = ? WHERE id = ?",
    "DELETE FROM reports",
    "INSERT INTO reports (id, name) VALUES (?, ?)",
    "SELECT COUNT(*) FROM reports WHERE client_key IS NOT NULL",
])
def test_scan_flags_an_unscoped_statement(statement):
    source = f"def leak(db):\n    return db.execute({statement!r})\n"
    assert unscoped(source) == [("leak", statement)]
