"""The command line: init-db, tenants, serve's refusal without a base URL, and serve
listening on loopback only."""

import argparse
import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

import addon
import cli
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


@pytest.mark.parametrize("url", ["http://reports.example.com", "ftp://reports.example.com",
                                 "reports.example.com", "http://10.0.0.5:8080"])
def test_serve_refuses_a_base_url_that_is_not_https(tmp_path, capsys, url):
    path = tmp_path / "serve.db"
    status, out, err = run(capsys, "--db", str(path), "serve",
                           environ={"ADDON_BASE_URL": url})
    assert (status, out, len(err)) == (1, [], 1)
    assert "not an https URL" in err[0] and "127.0.0.1" in err[0]
    assert not os.path.exists(path)


@pytest.mark.parametrize("url", ["https://reports.example.com", "http://127.0.0.1:8080",
                                 "http://localhost:8080/jql", "http://[::1]:8080"])
def test_https_and_loopback_base_urls_are_accepted(url):
    assert addon.base_url_problem(url) is None


def test_serve_refuses_a_contact_that_is_neither_email_nor_https(tmp_path, capsys):
    environ = {"ADDON_BASE_URL": "https://reports.example.test",
               "ADDON_CONTACT": "http://security.example.test"}
    status, out, err = run(capsys, "--db", str(tmp_path / "s.db"), "serve",
                           environ=environ)
    assert (status, out, len(err)) == (1, [], 1) and "ADDON_CONTACT" in err[0]


def start_cli(tmp_path, *argv, **env):
    """`python addon.py *argv` with only the given ADDON_ settings (and TMPDIR)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("ADDON_")}
    environ.update(env, TMPDIR=str(tmp_path))
    return subprocess.Popen([sys.executable, addon.__file__, *argv], env=environ,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def stopped(proc, sig=signal.SIGTERM):
    """Stop a started command; returns (exit status, the rest of stdout, stderr)."""
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=15)
    return proc.returncode, out, err


@pytest.mark.parametrize("contact, warned", [(None, True), ("security@example.test", False)])
def test_serve_warns_at_start_when_no_contact_is_set(tmp_path, contact, warned):
    env = dict(ADDON_BASE_URL="https://reports.example.test", ADDON_PORT=str(free_port()),
               ADDON_DB=str(tmp_path / "addon.db"))
    proc = start_cli(tmp_path, "serve", **env, **({"ADDON_CONTACT": contact} if contact
                                                    else {}))
    assert proc.stdout.readline().startswith("JQL Reports serving")  # listening
    err = stopped(proc)[2]
    assert ("warning: ADDON_CONTACT is not set" in err) is warned


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_a_taken_port_is_named_before_any_url_is_printed(tmp_path, command):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = start_cli(tmp_path, command, "--port", str(port),
                         ADDON_BASE_URL="https://reports.example.test",
                         ADDON_DB=str(tmp_path / "addon.db"))
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 1 and "http" not in out
    assert f"port {port} on 127.0.0.1 is already in use" in err


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_demo_redirects_home_and_removes_its_folder_when_stopped(tmp_path, sig):
    port = free_port()
    proc = start_cli(tmp_path, "demo", "--port", str(port), "--issues", "10")
    assert proc.stdout.readline().strip() == (
        f"JQL Reports demo: open http://127.0.0.1:{port}/demo")
    (folder,) = tmp_path.iterdir()
    assert (folder / "demo.db").exists()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    with contextlib.closing(conn):
        conn.request("GET", "/")
        resp = conn.getresponse()
        assert (resp.status, resp.headers["Location"]) == (
            302, f"http://127.0.0.1:{port}/demo")
    assert stopped(proc, sig)[0] == 0
    assert list(tmp_path.iterdir()) == []


def test_every_flag_has_help_text():
    parser = cli.build_parser(addon.load_config({}))
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    for command in [parser, *sub.choices.values()]:
        for action in command._actions:
            if not isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
                assert action.help, (command.prog, action.dest)


def test_serve_never_imports_the_demo(tmp_path):
    code = ("import sys, addon; addon.make_app({'addon.db': sys.argv[1]}); "
            "sys.exit('demo' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "a.db")],
                          cwd=os.path.dirname(addon.__file__), timeout=60)
    assert done.returncode == 0
