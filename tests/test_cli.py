"""The command line: init-db, tenants, serve's refusal without a base URL, and serve
listening on loopback only."""

import contextlib
import os
import subprocess
import sys
import time

import pytest

import addon
from tests.conftest import GONE, SECRET_A, SITE, A, B, create, free_port


def run(capsys, *argv, environ=None):
    """Run main(argv) with an explicit environment; returns (status, out, err)."""
    status = addon.main(list(argv), environ={} if environ is None else environ)
    captured = capsys.readouterr()
    return status, captured.out.splitlines(), captured.err.splitlines()


def test_init_db_creates_schema_and_prints_one_line(tmp_path, capsys):
    path = str(tmp_path / "cli.db")
    status, out, err = run(capsys, "--db", path, "init-db")
    assert (status, len(out), err) == (0, 1, [])
    assert path in out[0]
    with contextlib.closing(addon.connect(path)) as db:
        assert addon.schema_version(db) == len(addon.MIGRATIONS)


def test_init_db_twice_is_fine(tmp_path, capsys):
    path = str(tmp_path / "cli.db")
    assert run(capsys, "--db", path, "init-db")[0] == 0
    assert run(capsys, "--db", path, "init-db")[0] == 0


def test_db_flag_wins_over_environment(tmp_path, capsys):
    flag, env = tmp_path / "flag.db", tmp_path / "env.db"
    run(capsys, "--db", str(flag), "init-db", environ={"ADDON_DB": str(env)})
    assert flag.exists() and not env.exists()
    run(capsys, "init-db", environ={"ADDON_DB": str(env)})
    assert env.exists()


def test_tenants_prints_a_table(tenants, capsys):
    create(tenants, A, SECRET_A)
    status, out, err = run(capsys, "--db", tenants.db, "tenants")
    assert (status, err) == (0, [])
    assert "client key" in out[0] and out[-1] == "3 tenant(s)"
    rows = {line.split()[0]: line.split()[1:] for line in out[1:-1]}
    assert rows[A] == ["installed", "1", SITE]
    assert rows[B] == ["installed", "0", SITE]
    assert rows[GONE] == ["uninstalled", "0", SITE]


def test_tenants_without_database_fails(tmp_path, capsys):
    path = tmp_path / "missing.db"
    status, out, err = run(capsys, "--db", str(path), "tenants")
    assert (status, out, len(err)) == (1, [], 1)
    assert "no database" in err[0] and not path.exists()


@pytest.mark.parametrize("environ", [{}, {"ADDON_BASE_URL": ""}])
def test_serve_without_base_url_fails_with_one_line(tmp_path, capsys, environ):
    path = tmp_path / "serve.db"
    status, out, err = run(capsys, "--db", str(path), "serve", environ=environ)
    assert (status, out, len(err)) == (1, [], 1)
    assert "ADDON_BASE_URL" in err[0]
    assert not os.path.exists(path)


def listening_addresses(port):
    """Local addresses of the sockets listening on ``port``, from /proc/net."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as fh:
            for line in fh.readlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                address, hex_port = local.rsplit(":", 1)
                if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                    found.append(address)
    return found


def test_serve_listens_on_loopback_only_by_default(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADDON_")}
    env.update(ADDON_BASE_URL="https://reports.example.test", ADDON_PORT=str(port),
               ADDON_DB=str(tmp_path / "addon.db"))
    proc = subprocess.Popen([sys.executable, addon.__file__, "serve"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 15
        while not listening_addresses(port) and time.monotonic() < deadline:
            assert proc.poll() is None, "serve exited"
            time.sleep(0.02)  # poll interval, bounded by the deadline
        assert listening_addresses(port) == ["0100007F"]  # 127.0.0.1, nothing else
    finally:
        proc.terminate()
        proc.wait(10)
