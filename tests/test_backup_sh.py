"""backup.sh: a verified copy per run, the newest N kept, nothing deleted on failure."""

import contextlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import addon

SCRIPT = Path(addon.__file__).resolve().parent / "backup.sh"
OLD_NAMES = [f"addon-2020010{day}T020000.000Z.db" for day in range(1, 6)]
OTHER_NAMES = ["addon-manual.db", "notes.txt"]


@pytest.fixture
def live_db(tmp_path):
    """A database with one tenant and one report, as the server leaves it."""
    path = tmp_path / "addon.db"
    with contextlib.closing(addon.connect(str(path))) as db:
        addon.migrate(db)
        with addon.write(db):
            addon.upsert_tenant(
                db, "site-a", "s" * 32, "https://a.atlassian.net", None, "jira"
            )
            report = {"name": "Open bugs", "jql": "type = Bug", "columns": ["key"]}
            addon.insert_report(db, "site-a", addon.validate_report(report), "acc-1")
    return path


@pytest.fixture
def backup_dir(tmp_path):
    """A backup folder that already holds five older copies and two other files."""
    folder = tmp_path / "backups"
    folder.mkdir()
    for name in OLD_NAMES + OTHER_NAMES:
        (folder / name).write_text(name)
    return folder


def run_script(db, folder, keep="3"):
    """Run backup.sh as cron would, with only the environment given here."""
    env = {
        "PATH": os.environ["PATH"],
        "ADDON_DB": str(db),
        "ADDON_BACKUP_DIR": str(folder),
        "ADDON_BACKUP_KEEP": keep,
        "ADDON_PYTHON": sys.executable,
    }
    return subprocess.run(
        ["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60
    )


def integrity(path):
    """PRAGMA integrity_check of a file, opened read-only."""
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]


@pytest.mark.parametrize("keep", [1, 3, 5])
def test_rotation_keeps_exactly_the_newest_n(live_db, backup_dir, keep):
    result = run_script(live_db, backup_dir, str(keep))
    assert result.returncode == 0, result.stderr
    names = sorted(os.listdir(backup_dir))
    new = [n for n in names if n.startswith("addon-2") and n not in OLD_NAMES]
    assert len(new) == 1 and integrity(backup_dir / new[0]) == "ok"
    expected = sorted(OLD_NAMES[len(OLD_NAMES) - (keep - 1) :] if keep > 1 else [])
    assert names == sorted(expected + new + OTHER_NAMES)
    assert f"removed {len(OLD_NAMES) + 1 - keep}" in result.stdout


def test_backup_is_private_and_holds_the_rows(live_db, backup_dir):
    run_script(live_db, backup_dir, "10")
    (new,) = set(os.listdir(backup_dir)) - set(OLD_NAMES + OTHER_NAMES)
    assert oct(os.stat(backup_dir).st_mode & 0o777) == "0o700"
    assert oct(os.stat(backup_dir / new).st_mode & 0o777) == "0o600"
    with contextlib.closing(sqlite3.connect(backup_dir / new)) as db:
        assert db.execute("SELECT name FROM reports").fetchall() == [("Open bugs",)]


FAILURES = {
    "missing database": (
        lambda db, d: (db.parent / "gone.db", d, "3"),
        "no database at",
    ),
    "not a database": (lambda db, d: (d / "notes.txt", d, "3"), "notes.txt is not a"),
    "unwritable folder": (
        lambda db, d: (db, d / "notes.txt" / "sub", "3"),
        "cannot create",
    ),
    "bad keep": (lambda db, d: (db, d, "0"), "ADDON_BACKUP_KEEP must be"),
}


@pytest.mark.parametrize("case", FAILURES.values(), ids=FAILURES.keys())
def test_failing_backup_exits_nonzero_and_deletes_nothing(live_db, backup_dir, case):
    make_args, reason = case
    before = {p.name: p.read_bytes() for p in backup_dir.iterdir()}
    result = run_script(*make_args(live_db, backup_dir))
    assert result.returncode != 0
    assert reason in result.stderr and "no backup deleted" in result.stderr
    assert {p.name: p.read_bytes() for p in backup_dir.iterdir()} == before
