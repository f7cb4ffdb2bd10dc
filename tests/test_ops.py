"""Operations: backup under load, restore, purge, stale tenants, export, uninstall."""

import contextlib
import datetime
import http.client
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import addon
from tests.conftest import (
    SECRET_A,
    SECRET_B,
    A,
    B,
    api,
    assert_error,
    context_token,
    create,
    db_snapshot,
    free_port,
    install,
    make_config,
    request,
    uninstall,
)

ADDON_PY = Path(addon.__file__).resolve()
FIELDS = tuple("name description jql columns sort groupBy filters aggregations".split())
MARKER = "Qz7PurgeMarker"


def full_report(n, marker="Report"):
    """A report configuration that sets every field."""
    return {
        "name": f"{marker} {n}: open bugs ✓",
        "description": f"Line one\nline two of {n} <b>&amp;",
        "jql": f'project = RPT AND text ~ "{marker}" ORDER BY key',
        "columns": ["key", "summary", f"customfield_1001{n}"],
        "sort": [
            {"field": "priority", "direction": "desc"},
            {"field": "key", "direction": "asc"},
        ],
        "groupBy": ["status", "assignee"],
        "filters": [{"field": "status", "values": ["10001", ""]}],
        "aggregations": [
            {"field": "customfield_10016", "function": "sum"},
            {"field": "assignee", "function": "distinct"},
        ],
    }


def configs(reports):
    """The user-set fields of reports, in a stable order."""
    return sorted(({k: r[k] for k in FIELDS} for r in reports), key=lambda r: r["name"])


def seed(path, tenants):
    """Write tenants and their reports straight through the storage functions."""
    with contextlib.closing(addon.connect(str(path))) as db:
        addon.migrate(db)
        with addon.write(db):
            for key, reports in tenants.items():
                addon.upsert_tenant(
                    db, key, "s" * 64, f"https://{key}.atlassian.net", None, "jira"
                )
                for report in reports:
                    addon.insert_report(db, key, addon.validate_report(report), "acc-1")
    return path


def cli(capsys, db, *argv):
    """Run one CLI command in-process; returns (exit status, stdout, stderr)."""
    code = addon.main(list(argv), environ={"ADDON_DB": str(db)})
    out, err = capsys.readouterr()
    return code, out, err


def assert_refused(code, out, err, *words):
    """Exit status 1 with one line on stderr that says why."""
    assert code == 1 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert all(w in err for w in words), err


def integrity(path):
    """PRAGMA integrity_check of a file, opened read-only."""
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]


def report_rows(path, client_key, column="id"):
    """One column of a tenant's reports as a set, read straight from the file."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        rows = db.execute(
            f"SELECT {column} FROM reports WHERE client_key = ?", (client_key,)
        )
        return {r[0] for r in rows}


def live_files(db):
    """The bytes of the database and its WAL, as they sit on disk."""
    paths = [Path(f"{db}{suffix}") for suffix in ("", "-wal")]
    return {p.name: p.read_bytes() for p in paths if p.exists()}


def wait_for(condition, what, timeout=20):
    """Poll ``condition`` until it holds or the deadline passes."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


####################################################################################
# backup while eight threads write
####################################################################################


class Writers:
    """Threads creating reports over the API until stopped; acknowledged ids kept."""

    def __init__(self, server, count=8):
        self.server, self.acked, self.failures = server, [], []
        self.lock, self.stop = threading.Lock(), threading.Event()
        self.threads = [
            threading.Thread(target=self._run, args=(n,)) for n in range(count)
        ]

    def _run(self, n):
        i = 0
        while not self.stop.is_set():
            token, report = context_token(A, SECRET_A), full_report(f"{n}-{i}")
            resp = api(self.server, "POST", "/api/reports", token, json=report)
            with self.lock:
                if resp.status == 201:
                    self.acked.append(resp.json()["id"])
                else:
                    self.failures.append((resp.status, resp.body))
            i += 1

    def acknowledged(self):
        """Ids whose 201 has been received so far."""
        with self.lock:
            return set(self.acked)

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(30)


def backup_process(db, dest):
    """`python addon.py backup DEST` in its own process."""
    argv = [sys.executable, str(ADDON_PY), "backup", str(dest)]
    env = {"PATH": os.environ["PATH"], "ADDON_DB": str(db)}
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def loaded_backup(tenants, tmp_path):
    """A backup taken by a separate process while 8 threads write through the API.

    Returns (ids acknowledged before the backup began, the copy's path).
    """
    dest = tmp_path / "copies" / "addon-under-load.db"
    dest.parent.mkdir()
    with Writers(tenants) as writers:
        wait_for(lambda: len(writers.acknowledged()) >= 40, "the first writes")
        before = writers.acknowledged()
        result = backup_process(tenants.db, dest)
        written_during = len(writers.acknowledged()) - len(before)
    assert result.returncode == 0, result.stderr
    assert writers.failures == [] and written_during > 0
    assert not any(t.is_alive() for t in writers.threads)
    return before, dest


def test_backup_during_writes_holds_every_acknowledged_write(loaded_backup):
    before, dest = loaded_backup
    assert integrity(dest) == "ok"
    assert before <= report_rows(dest, A)
    assert sorted(os.listdir(dest.parent)) == [dest.name]


def test_backup_taken_under_load_restores_and_serves(
    loaded_backup, tmp_path, capsys, start_server, install_keys
):
    before, dest = loaded_backup
    fresh = tmp_path / "restored" / "addon.db"
    fresh.parent.mkdir()
    code, _, err = cli(capsys, fresh, "restore", str(dest))
    assert code == 0, err
    restored = start_server(make_config(fresh.parent, install_keys.url))
    resp = api(restored, "GET", "/api/reports", context_token(A, SECRET_A))
    served = {r["id"] for r in resp.json()["reports"]}
    assert resp.status == 200 and served == report_rows(dest, A) and before <= served


####################################################################################
# restore
####################################################################################


@pytest.fixture
def live_and_copy(tmp_path, capsys):
    """A live database with 60 sizeable reports and a verified backup of it."""
    live = tmp_path / "live" / "addon.db"
    live.parent.mkdir()
    big = [dict(full_report(n), description="d" * 3000) for n in range(60)]
    seed(live, {"site-a": big, "site-b": [full_report(0)]})
    copy = tmp_path / "copies" / "addon-1.db"
    copy.parent.mkdir()
    assert cli(capsys, live, "backup", str(copy))[0] == 0
    return live, copy


def flip_middle_pages(path):
    data = bytearray(path.read_bytes())
    middle = slice(len(data) // 2 - 8192, len(data) // 2 + 8192)
    data[middle] = bytes(b ^ 0x5A for b in data[middle])
    path.write_bytes(bytes(data))


def make_newer(path):
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute(f"PRAGMA user_version = {len(addon.MIGRATIONS) + 1}")


BAD_SOURCES = {
    "corrupt": (flip_middle_pages, "malformed"),
    "text": (
        lambda p: p.write_text("tenant,report\nacme,Open bugs\n"),
        "not a database",
    ),
    "newer": (make_newer, "schema version"),
    "missing": (lambda p: p.unlink(), "unable to open"),
}


def assert_untouched(live, before):
    assert live_files(live) == before
    assert not Path(f"{live}.before-restore").exists()
    assert not Path(f"{live}.restoring").exists()


@pytest.mark.parametrize("case", BAD_SOURCES.values(), ids=BAD_SOURCES.keys())
def test_restore_refuses_a_bad_copy_and_leaves_the_database(
    live_and_copy, capsys, case
):
    live, copy = live_and_copy
    spoil, reason = case
    spoil(copy)
    before = live_files(live)
    assert_refused(*cli(capsys, live, "restore", str(copy)), str(copy), reason)
    assert_untouched(live, before)


def healthy(port):
    """Whether a server on the port answers GET /healthz with 200."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/healthz")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


@pytest.fixture
def serve(tmp_path):
    """`python addon.py serve` on a database, in its own process, until teardown."""
    running = []

    def start(db):
        port, log = free_port(), open(tmp_path / "serve.log", "wb")
        env = {"PATH": os.environ["PATH"], "ADDON_DB": str(db), "ADDON_PORT": str(port)}
        env["ADDON_BASE_URL"] = f"http://127.0.0.1:{port}"
        argv = [sys.executable, str(ADDON_PY), "serve"]
        proc = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)
        running.append((proc, log))
        wait_for(lambda: proc.poll() is not None or healthy(port), "serve to start")
        assert proc.poll() is None, (tmp_path / "serve.log").read_text()
        return port

    yield start
    for proc, log in running:
        proc.terminate()
        proc.wait(10)
        log.close()


def test_restore_refuses_a_database_held_by_a_running_server(
    live_and_copy, capsys, serve
):
    live, copy = live_and_copy
    serve(live)
    before = live_files(live)
    assert_refused(
        *cli(capsys, live, "restore", str(copy)), "server is using", str(live)
    )
    assert_untouched(live, before)


def test_restore_replaces_the_database_and_keeps_the_previous_one(
    live_and_copy, capsys
):
    live, copy = live_and_copy
    seed(live, {"site-new": [full_report(1)]})
    previous = db_snapshot(live)
    code, out, err = cli(capsys, live, "restore", str(copy))
    assert code == 0 and out.count("\n") == 1 and err == ""
    assert db_snapshot(live) == db_snapshot(copy) != previous
    assert db_snapshot(f"{live}.before-restore") == previous
    assert integrity(live) == "ok" and not Path(f"{live}.restoring").exists()


####################################################################################
# purge
####################################################################################


def marker_in(path):
    """Whether the marker's bytes appear anywhere in the file (and its WAL)."""
    return any(MARKER.encode() in data for data in live_files(path).values())


@pytest.fixture
def purge_scene(tenants, tmp_path, capsys):
    """A marked tenant A beside B on a running server, and two backups of both.

    Returns (backup folder, B's report names).
    """
    for n in range(5):
        create(tenants, A, SECRET_A, **full_report(n, marker=MARKER))
    kept = {create(tenants, B, SECRET_B, **full_report(n))["name"] for n in range(3)}
    backups = tmp_path / "backups"
    backups.mkdir()
    for name in ("addon-1.db", "addon-2.db"):
        assert cli(capsys, tenants.db, "backup", str(backups / name))[0] == 0
    assert marker_in(tenants.db) and all(marker_in(c) for c in backups.iterdir())
    return backups, kept


def test_purge_leaves_no_trace_in_database_or_backups(tenants, purge_scene, capsys):
    backups, kept = purge_scene
    argv = ["purge", "--client-key", A, "--yes", "--backups", str(backups)]
    code, _, err = cli(capsys, tenants.db, *argv)
    assert code == 0, err
    for path in [Path(tenants.db), *backups.iterdir()]:
        assert not marker_in(path) and not report_rows(path, A)
        assert SECRET_A.encode() not in b"".join(live_files(path).values())
        assert integrity(path) == "ok" and report_rows(path, B, "name") == kept
    resp = api(tenants, "GET", "/api/reports", context_token(B, SECRET_B))
    assert {r["name"] for r in resp.json()["reports"]} == kept


def test_purge_fails_loudly_when_a_reader_pins_the_old_pages(tmp_path, capsys):
    db = seed(
        tmp_path / "addon.db",
        {"site-a": [full_report(1, MARKER)], "site-b": [full_report(2)]},
    )
    with contextlib.closing(addon.connect(str(db))) as reader:
        reader.execute("BEGIN")
        reader.execute("SELECT COUNT(*) FROM reports").fetchone()
        result = cli(capsys, db, "purge", "--client-key", "site-a", "--yes")
        pinned = marker_in(db)
        reader.execute("COMMIT")
    assert_refused(*result, f"{db}-wal", "stop the server")
    assert pinned and cli(capsys, db, "tenants")[0] == 0
    assert not marker_in(db) and report_rows(db, "site-b")


def test_purge_without_yes_changes_nothing(tmp_path, capsys):
    db = seed(
        tmp_path / "addon.db",
        {"site-a": [full_report(1, MARKER)], "site-b": [full_report(2)]},
    )
    backups = tmp_path / "backups"
    backups.mkdir()
    assert cli(capsys, db, "backup", str(backups / "addon-1.db"))[0] == 0
    rows, copy = db_snapshot(db), (backups / "addon-1.db").read_bytes()
    code, out, _ = cli(
        capsys, db, "purge", "--client-key", "site-a", "--backups", str(backups)
    )
    assert code == 0 and "--yes" in out
    assert db_snapshot(db) == rows and (backups / "addon-1.db").read_bytes() == copy


####################################################################################
# tenants --uninstalled-before
####################################################################################

DAYS_AGO = {"gone-100": 100, "gone-91": 91, "gone-89": 89, "gone-10": 10}
STALE = ("tenants", "--uninstalled-before", "90")


def uninstall_days_ago(db, client_key, days):
    """Arrange: the tenant was uninstalled ``days`` days ago."""
    when = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=days)
    stamp = when.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        conn.execute(
            "UPDATE tenants SET status = 'uninstalled', uninstalled_at = ? "
            "WHERE client_key = ?",
            (stamp, client_key),
        )


@pytest.fixture
def aged_tenants(tmp_path):
    """One installed, one disabled and four uninstalled tenants, each with a report."""
    keys = ["active", "paused", *DAYS_AGO]
    db = seed(tmp_path / "addon.db", {k: [full_report(k)] for k in keys})
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        conn.execute(
            "UPDATE tenants SET status = 'disabled' WHERE client_key = 'paused'"
        )
    for key, days in DAYS_AGO.items():
        uninstall_days_ago(db, key, days)
    return db


def tenant_keys(db):
    return {r[0] for r in db_snapshot(db)["tenants"]}


@pytest.mark.parametrize("flags", [[], ["--purge"], ["--yes"]])
def test_uninstalled_before_lists_and_keeps_without_purge_yes(
    aged_tenants, capsys, flags
):
    before = db_snapshot(aged_tenants)
    code, out, _ = cli(capsys, aged_tenants, *STALE, *flags)
    assert code == 0 and out.startswith("2 tenant(s)")
    assert "gone-100" in out and "gone-91" in out and "gone-89" not in out
    assert db_snapshot(aged_tenants) == before


def test_uninstalled_before_purge_yes_removes_only_the_old_ones(aged_tenants, capsys):
    code, out, _ = cli(capsys, aged_tenants, *STALE, "--purge", "--yes")
    assert code == 0 and "removed 2 tenant(s)" in out
    left = {"active", "paused", "gone-89", "gone-10"}
    assert tenant_keys(aged_tenants) == left
    assert {r[0] for r in db_snapshot(aged_tenants)["reports"]} == left


####################################################################################
# export and import
####################################################################################


def document(reports):
    return {"format": "jql-reports", "version": 1, "reports": reports}


def dumps(reports):
    return json.dumps(document(reports), ensure_ascii=False)


MALFORMED = {
    "bad json": dumps([full_report(1)])[:-3],
    "wrong format": json.dumps(dict(document([full_report(1)]), format="csv")),
    "wrong version": json.dumps(dict(document([full_report(1)]), version=4)),
    "not a list": json.dumps(dict(document([]), reports={"a": full_report(1)})),
    "one invalid report": dumps(
        [full_report(1), dict(full_report(2), columns=[]), full_report(3)]
    ),
    "unknown key": dumps([full_report(1), dict(full_report(2), shared=True)]),
    "duplicate keys": dumps([full_report(1), full_report(2)]).replace(
        '"jql": ', '"jql": "x", "jql": ', 2
    ),
}


@pytest.fixture
def two_sites(tmp_path):
    """site-a with three full reports, site-b with one of its own."""
    reports = {
        "site-a": [full_report(n) for n in range(3)],
        "site-b": [full_report(9, "Own")],
    }
    return seed(tmp_path / "addon.db", reports)


def cli_export(capsys, db, client_key):
    code, out, err = cli(capsys, db, "export", "--client-key", client_key)
    assert code == 0, err
    return json.loads(out)


def test_cli_export_import_round_trips_every_field(two_sites, tmp_path, capsys):
    out_file = str(tmp_path / "export.json")
    argv = ["export", "--client-key", "site-a", "--out", out_file]
    assert cli(capsys, two_sites, *argv)[0] == 0
    code, out, err = cli(
        capsys, two_sites, "import", "--client-key", "site-b", out_file
    )
    assert code == 0 and out == "imported 3 reports into site-b\n", err
    imported = cli_export(capsys, two_sites, "site-b")["reports"]
    expected = configs([full_report(n) for n in range(3)])
    assert configs(imported) == configs([full_report(9, "Own")]) + expected
    assert configs(cli_export(capsys, two_sites, "site-a")["reports"]) == expected


@pytest.mark.parametrize("text", MALFORMED.values(), ids=MALFORMED.keys())
def test_cli_import_of_a_malformed_document_changes_nothing(
    two_sites, tmp_path, capsys, text
):
    path = tmp_path / "in.json"
    path.write_text(text, encoding="utf-8")
    before = db_snapshot(two_sites)
    assert_refused(
        *cli(capsys, two_sites, "import", "--client-key", "site-b", str(path))
    )
    assert db_snapshot(two_sites) == before


def test_api_export_import_round_trips_every_field(tenants):
    for n in range(3):
        create(tenants, A, SECRET_A, **full_report(n))
    exported = api(tenants, "GET", "/api/export", context_token(A, SECRET_A)).json()
    resp = api(
        tenants, "POST", "/api/import", context_token(B, SECRET_B), json=exported
    )
    assert resp.status == 201 and len(resp.json()["ids"]) == 3
    again = api(tenants, "GET", "/api/export", context_token(B, SECRET_B)).json()
    assert exported["format"] == again["format"] == "jql-reports"
    expected = configs([full_report(n) for n in range(3)])
    assert configs(again["reports"]) == configs(exported["reports"]) == expected
    assert set(resp.json()["ids"]) == {r["id"] for r in again["reports"]}


API_MALFORMED = {
    **{name: (text, 400) for name, text in MALFORMED.items()},
    "oversized": (dumps([full_report(1)]) + " " * addon.IMPORT_BODY_LIMIT, 413),
}


@pytest.mark.parametrize("case", API_MALFORMED.values(), ids=API_MALFORMED.keys())
def test_api_import_of_a_bad_document_changes_nothing(tenants, case):
    text, status = case
    create(tenants, B, SECRET_B, **full_report(9, "Own"))
    before = db_snapshot(tenants.db)
    headers = {
        "Authorization": "JWT " + context_token(B, SECRET_B),
        "Content-Type": "application/json",
    }
    resp = request(tenants, "POST", "/api/import", text.encode(), headers)
    assert_error(resp, status)
    assert db_snapshot(tenants.db) == before


####################################################################################
# uninstall keeps reports
####################################################################################


def test_uninstall_keeps_reports_and_a_reinstall_sees_them(server):
    assert install(server, A, SECRET_A).status == 204
    made = {create(server, A, SECRET_A, **full_report(n))["id"] for n in range(2)}
    assert uninstall(server, A).status == 204
    assert report_rows(server.db, A) == made
    assert_error(api(server, "GET", "/api/reports", context_token(A, SECRET_A)), 401)
    new_secret = "d4" * 32
    assert install(server, A, new_secret).status == 204
    resp = api(server, "GET", "/api/reports", context_token(A, new_secret))
    assert resp.status == 200 and {r["id"] for r in resp.json()["reports"]} == made
