"""Durability of `python addon.py serve`: kill -9 in the middle of writes, and a full
disk (a file-size limit on the server process), lose nothing that was acknowledged."""

import contextlib
import functools
import http.client
import os
import random
import resource
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import addon
from tests.conftest import (
    BASE_URL,
    REPORT,
    Server,
    api,
    assert_error,
    context_token,
    db_snapshot,
    free_port,
    install,
    request,
)

ADDON = os.path.abspath(addon.__file__)
SITE_KEY, SITE_SECRET = "durable-site", "d4" * 32
CRASHES = 5
FILE_LIMIT = 128 * 1024  # bytes any one file of the server may reach
BIG = REPORT | {"description": "d" * 3000}


class ServeProcess:
    """`python addon.py serve` as operators run it: a subprocess with its default
    threads, ADDON_BASE_URL set, a free loopback port, ready when /healthz answers."""

    def __init__(self, folder, keys_url):
        self.folder, self.keys_url = folder, keys_url
        self.db = str(folder / "addon.db")
        self.proc, self.logs = None, []

    def start(self, preexec_fn=None):
        """Start (or restart) the server on the same database; returns a Server."""
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("ADDON_")}
        env.update(ADDON_BASE_URL=BASE_URL, ADDON_DB=self.db, ADDON_HOST="127.0.0.1",
                   ADDON_PORT=str(port), ADDON_INSTALL_KEYS_URL=self.keys_url)
        log = open(self.folder / f"serve-{len(self.logs)}.log", "wb")
        self.logs.append(log)
        self.proc = subprocess.Popen(
            [sys.executable, ADDON, "serve"], env=env, cwd=self.folder, stdout=log,
            stderr=subprocess.STDOUT, preexec_fn=preexec_fn)
        self.server = Server("127.0.0.1", port, self.db, None)
        self._wait_ready()
        return self.server

    def _wait_ready(self):
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and self.proc.poll() is None:
            with contextlib.suppress(OSError):
                if request(self.server, "GET", "/healthz").status == 200:
                    return
            time.sleep(0.02)  # poll interval, bounded by the deadline
        raise AssertionError(f"serve did not answer /healthz:\n{self.log_text()}")

    def kill(self):
        """SIGKILL: no shutdown code runs."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self):
        """Stop the server if it runs."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)

    def log_text(self):
        """Everything the server processes printed so far."""
        for log in self.logs:
            log.flush()
        return "".join((self.folder / f"serve-{n}.log").read_text(errors="replace")
                       for n in range(len(self.logs)))

    def close(self):
        """Stop the server and close its log files."""
        self.stop()
        for log in self.logs:
            log.close()


@pytest.fixture
def serve(tmp_path, install_keys):
    """A ServeProcess on a database of its own, stopped at teardown."""
    proc = ServeProcess(tmp_path, install_keys.url)
    yield proc
    proc.close()


def integrity(path):
    """PRAGMA integrity_check of the file, as a fresh process would open it."""
    with contextlib.closing(sqlite3.connect(path, timeout=10)) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]


def exported(server):
    """id -> report of everything the durable site has, read over the API."""
    resp = api(server, "GET", "/api/export", context_token(SITE_KEY, SITE_SECRET))
    assert resp.status == 200, resp.body
    return {r["id"]: r for r in resp.json()["reports"]}


####################################################################################
# kill -9
####################################################################################


class Writers:
    """Threads that create and update reports until the server dies, recording every
    write the server acknowledged (id -> version)."""

    def __init__(self, server, threads=4):
        self.server, self.acked, self.count = server, {}, 0
        self.cond = threading.Condition()
        self.pool = ThreadPoolExecutor(threads)
        self.futures = [self.pool.submit(self._run, n) for n in range(threads)]

    def wait_for(self, count):
        """Block until ``count`` writes were acknowledged (bounded)."""
        with self.cond:
            assert self.cond.wait_for(lambda: self.count >= count, timeout=30)

    def join(self):
        """Wait for every writer to notice the server is gone."""
        for future in self.futures:
            future.result(timeout=60)
        self.pool.shutdown()
        return self.acked

    def _run(self, n):
        mine = {}
        for i in range(100_000):  # bounded; the kill ends the loop long before
            try:
                rid, version = self._write(mine, f"writer {n} #{i}")
            except (OSError, http.client.HTTPException):
                return
            mine[rid] = version
            with self.cond:
                self.acked[rid] = version
                self.count += 1
                self.cond.notify_all()

    def _write(self, mine, name):
        token = context_token(SITE_KEY, SITE_SECRET)
        if mine and len(mine) % 3 == 0:
            rid, version = max(mine.items())
            resp = api(self.server, "PUT", f"/api/reports/{rid}", token,
                       json=REPORT | {"name": name, "version": version})
            assert resp.status == 200, resp.body
        else:
            resp = api(self.server, "POST", "/api/reports", token,
                       json=REPORT | {"name": name})
            assert resp.status == 201, resp.body
        return resp.json()["id"], resp.json()["version"]


def assert_all_there(server, acked):
    """Every acknowledged write is stored (a later unacknowledged one may follow it)."""
    stored = exported(server)
    missing = [rid for rid in acked if rid not in stored]
    assert not missing
    assert all(stored[rid]["version"] >= v for rid, v in acked.items())


def test_acknowledged_writes_survive_kill_9(serve):
    seed = random.randrange(1 << 30)
    rng, acked, writes = random.Random(seed), {}, 0
    server = serve.start()
    assert install(server, SITE_KEY, SITE_SECRET).status == 204
    for _ in range(CRASHES):
        writers = Writers(server)
        writers.wait_for(rng.randint(1, 60))
        serve.kill()  # at a random point of the write stream
        acked |= writers.join()
        writes += writers.count
        assert integrity(serve.db) == "ok"
        server = serve.start()
        assert_all_there(server, acked)
    print(f"\ncrash: {CRASHES} kill -9 survived (seed {seed}), {writes} writes "
          f"acknowledged, all {len(acked)} reports present, integrity_check ok")
    assert "Traceback" not in serve.log_text()


####################################################################################
# Full disk
####################################################################################


def file_size_limit():
    """In the server process: files stop growing at FILE_LIMIT (EFBIG, no signal)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT, resource.RLIM_INFINITY))


def fill_until_refused(server, token):
    """Create big reports until the disk is full; returns (acked ids, the refusal)."""
    acked = []
    for _ in range(200):
        resp = api(server, "POST", "/api/reports", token, json=BIG)
        if resp.status != 201:
            return acked, resp
        acked.append(resp.json()["id"])
    raise AssertionError("the file-size limit never refused a write")


def refused_writes(server, token):
    """Writes of every kind while the disk is full."""
    document = {"format": "jql-reports", "version": 1, "reports": [BIG, BIG]}
    return [api(server, "POST", "/api/reports", token, json=BIG),
            api(server, "POST", "/api/import", token, json=document),
            api(server, "POST", "/api/reports", token, json=BIG)]


def test_full_disk_refuses_writes_with_503_keeps_reads_and_recovers(serve):
    server = serve.start(preexec_fn=file_size_limit)
    token = functools.partial(context_token, SITE_KEY, SITE_SECRET)
    assert install(server, SITE_KEY, SITE_SECRET).status == 204
    acked, first = fill_until_refused(server, token())
    assert_error(first, 503)
    before, reports = db_snapshot(serve.db), exported(server)
    refusals = [first] + refused_writes(server, token())
    for resp in refusals:
        assert_error(resp, 503)
    assert db_snapshot(serve.db) == before and exported(server) == reports
    assert sorted(reports) == sorted(acked)
    resource.prlimit(serve.proc.pid, resource.RLIMIT_FSIZE,
                     (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    assert api(server, "POST", "/api/reports", token(), json=BIG).status == 201
    after = exported(server)
    assert {rid: after[rid] for rid in reports} == reports
    assert integrity(serve.db) == "ok"
    print(f"\nfull disk: {len(acked)} reports stored before the limit, "
          f"{len(refusals)} writes refused with 503, "
          "recovered when space returned")
