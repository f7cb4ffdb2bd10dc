"""Schema migrations, connection settings, and the tenant scoping of SQL strings."""

import ast
import contextlib
import os
import re
import sqlite3
import stat

import pytest

import addon
from tests.conftest import SECRET_A, SITE, A, install


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


@pytest.fixture(scope="module")
def source():
    with open(addon.__file__, encoding="utf-8") as fh:
        return fh.read()


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
