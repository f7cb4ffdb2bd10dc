"""Server benchmark of JQL Reports: authenticated GET /api/reports under wrk.

On loopback, wrk with 1 thread and 16 connections (server and wrk share the machine),
three servers side by side and six loads:
  A         `python addon.py serve`, a tenant with 20 reports: GET /api/reports with
            one context token on every request, as the Connect client reuses it
  A-fresh   the same server and request, a new token on every request
  B         a bare Bottle app on waitress, same worker threads: GET /hello, a constant JSON
  A-large   A's request on a second server whose file also holds 1,000 more tenants
            x 100 reports
  A-healthz GET /healthz of A's server
  B-healthz GET /healthz of B
The loads run in turn, --rounds times, so that the runs of one round meet the same
outside load. Per run it prints requests/s, p50, p90, p99 and the servers' CPU time per
request (from /proc, steadier than requests/s on a shared machine); then the medians,
the ratios taken round by round, the servers' resident memory, and one summary line with
PASS/MISS per target: A >= 0.6 x B, A-fresh >= 0.45 x B, p99 of A < 50 ms,
A-healthz >= 0.8 x B-healthz, p50(A-large) / p50(A) <= 1.2.

Run:   python bench/server.py [--duration 10] [--rounds 3] [--threads N] [--profile DIR]
Needs: wrk (apt-get install -y wrk); --profile also needs py-spy (pip install py-spy).
A benchmark, not a test: it prints figures and exits 0 unless it could not measure.
"""

import argparse
import contextlib
import dataclasses
import json
import os
import platform
import secrets
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

import addon  # noqa: E402

LUA = os.path.join(HERE, "wrk_report.lua")
BASE_URL = "https://reports.example.com"
CLIENT_KEY = "bench-tenant"
ACCOUNT = "5b10a2844c20165700ede21g"
TARGET_RATIO, TARGET_P99_MS, TARGET_SCALE = 0.6, 50.0, 1.2
TARGET_FRESH, TARGET_HEALTHZ = 0.45, 0.8
FRESH_PER_SECOND = 8000  # tokens minted per second of a fresh-token run (more than it sends)


####################################################################################
# Machine
####################################################################################


def cpu_model():
    """The CPU model name from /proc/cpuinfo."""
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def tool_version(argv):
    """First line a tool prints about its version, or '?'."""
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=5)
    except OSError:
        return "?"
    return ((out.stdout or out.stderr).splitlines() or ["?"])[0].strip()


def print_machine():
    """Print what the figures were measured on."""
    from importlib.metadata import version

    import bottle
    import jwt

    print(f"machine: nproc {os.cpu_count()} ({len(os.sched_getaffinity(0))} usable), "
          f"CPU {cpu_model()}, load average {os.getloadavg()[0]:.1f} (other work "
          f"on the machine slows both servers; compare A with B of the same run)")
    print(f"software: Python {platform.python_version()}, SQLite "
          f"{sqlite3.sqlite_version}, bottle {bottle.__version__}, waitress "
          f"{version('waitress')}, PyJWT {jwt.__version__}, "
          f"{tool_version(['wrk', '--version']).split(' Copyright')[0]}")


####################################################################################
# Databases, prepared with addon's own functions
####################################################################################

COLUMNS = ["key", "summary", "status", "assignee", "priority", "customfield_10016"]


def bench_payload(i):
    """Report ``i`` of the benchmark tenant: a realistic, valid configuration."""
    return {
        "name": f"Team {i:02d}: open work by status and assignee",
        "description": "Where the estimated work sits, person by person. " * 2,
        "jql": f"project = P{i} AND statusCategory != Done ORDER BY created DESC",
        "columns": COLUMNS,
        "sort": [{"field": "priority", "direction": "asc"}],
        "groupBy": ["status", "assignee"],
        "filters": [{"field": "issuetype", "values": ["10001", "10004"]}],
        "aggregations": [{"field": "customfield_10016", "function": "sum"}],
    }


def add_bench_tenant(db, secret):
    """The measured tenant (inside the caller's transaction)."""
    addon.upsert_tenant(db, CLIENT_KEY, secret, "https://bench.atlassian.net", None,
                        "jira")


def prepare_small(path, secret, reports=20):
    """One tenant with ``reports`` reports."""
    db = addon.connect(path)
    with contextlib.closing(db):
        addon.migrate(db)
        with addon.write(db):
            add_bench_tenant(db, secret)
            for i in range(reports):
                addon.insert_report(db, CLIENT_KEY, addon.validate_report(
                    bench_payload(i)), ACCOUNT)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


TENANT_SQL = """
    INSERT INTO tenants (client_key, shared_secret, base_url, display_url,
                         product_type, status, installed_at, updated_at)
    VALUES (?, ?, ?, NULL, 'jira', 'installed', ?, ?)
"""
REPORT_SQL = """
    INSERT INTO reports (client_key, id, name, description, jql, config, version,
                         created_at, created_by, updated_at, updated_by)
    VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)
"""


def other_reports(tenant_numbers, per_tenant, stamp):
    """Report rows of other tenants, in the order a busy site would add them."""
    config = addon._config_text(addon.validate_report(bench_payload(0)))
    for r in range(per_tenant):
        for t in tenant_numbers:
            yield (f"tenant-{t:05d}", secrets.token_hex(16), f"Report {r} of {t}",
                   "A report of another site. " * 4,
                   f"project = T{t} AND labels = r{r}",
                   config, stamp, ACCOUNT, stamp, ACCOUNT)


def prepare_large(path, secret, tenants, per_tenant, reports=20):
    """The measured tenant plus ``tenants`` x ``per_tenant`` other reports, in one
    transaction; its 20 reports are spread through the file, not stored last."""
    stamp = addon.now_iso()
    db = addon.connect(path)
    with contextlib.closing(db):
        addon.migrate(db)
        with addon.write(db):
            add_bench_tenant(db, secret)
            db.executemany(TENANT_SQL, ((f"tenant-{t:05d}", secrets.token_hex(32),
                                         f"https://t{t}.atlassian.net", stamp, stamp)
                                        for t in range(tenants)))
            chunks = [range(t, tenants, reports) for t in range(reports)]
            for i, chunk in enumerate(chunks):
                db.executemany(REPORT_SQL, other_reports(chunk, per_tenant, stamp))
                addon.insert_report(db, CLIENT_KEY, addon.validate_report(
                    bench_payload(i)), ACCOUNT)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        count = db.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
    return count


####################################################################################
# Servers
####################################################################################


def free_port():
    """A loopback port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclasses.dataclass
class Server:
    """A server this script started: its process, the URL wrk loads, its token."""

    name: str
    proc: subprocess.Popen
    base: str
    path: str
    token: str
    reports: int | None
    log_path: str

    @property
    def url(self):
        return self.base + self.path


def default_threads():
    """The waitress threads `addon.py serve` uses when ADDON_THREADS is not set."""
    return addon.load_config({})["addon.threads"]


def addon_argv(db_path, port, threads):
    """`python addon.py serve` with its environment (its default threads unless set)."""
    env = dict(os.environ, ADDON_BASE_URL=BASE_URL, ADDON_DB=db_path,
               ADDON_HOST="127.0.0.1", ADDON_PORT=str(port))
    env.pop("ADDON_THREADS", None)
    if threads is not None:
        env["ADDON_THREADS"] = str(threads)
    return [sys.executable, os.path.join(ROOT, "addon.py"), "serve"], env


def bare_argv(port, threads):
    """The bare Bottle + waitress app: this file with --bare."""
    return [sys.executable, os.path.abspath(__file__), "--bare", "--port", str(port),
            "--threads", str(threads)], dict(os.environ)


def start_server(name, db_path, folder, threads, token):
    """Start A (with ``db_path``) or B (without) and wait until it answers."""
    port, log_path = free_port(), os.path.join(folder, f"{name}.log")
    if db_path:
        argv, env = addon_argv(db_path, port, threads)
        path, reports = "/api/reports", 20
    else:
        argv, env = bare_argv(port, threads or default_threads())
        path, reports = "/hello", None
    with open(log_path, "w") as log:
        proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=log,
                                stderr=subprocess.STDOUT)
    server = Server(name, proc, f"http://127.0.0.1:{port}", path, token, reports,
                    log_path)
    try:
        wait_ready(proc, server.base + "/healthz")
        check_answer(server.url, token, reports)
    except BaseException:
        stop(proc)
        with open(log_path) as fh:
            print(fh.read(), file=sys.stderr)
        raise
    return server


def serve_bare(port, threads):
    """B: one route returning a constant JSON through bottle's JSON plugin."""
    import bottle
    import waitress

    app = bottle.Bottle()
    app.route("/hello", "GET", lambda: {"status": "ok", "reports": []})
    app.route("/healthz", "GET", lambda: {"status": "ok"})
    waitress.serve(app, host="127.0.0.1", port=port, threads=threads, ident="bare")


def wait_ready(proc, url, timeout=30.0):
    """Poll ``url`` until it answers 200; fail if the process dies first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with status {proc.returncode} before "
                             f"answering {url}; its log follows")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(url, timeout=1) as resp:
                if resp.status == 200:
                    return
        time.sleep(0.05)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s")


def stop(proc):
    """Stop a server this script started, by its own handle."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def rss_mib(pid):
    """VmRSS and VmHWM of a process, in MiB."""
    values = {}
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            name, _, rest = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                values[name] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


####################################################################################
# Load
####################################################################################


def mint_token(secret, lifetime, serial=0):
    """A context token as AP.context.getToken() gives one, valid for ``lifetime`` s
    (``serial`` seconds more: tokens minted in one second still differ)."""
    import jwt

    now = int(time.time())
    claims = {"iss": CLIENT_KEY, "sub": ACCOUNT, "iat": now,
              "exp": now + lifetime + serial, "qsh": "context-qsh"}
    return jwt.encode(claims, secret, algorithm="HS256")


def write_tokens(path, secret, count, lifetime):
    """``count`` distinct tokens, one a line, for a fresh-token run."""
    with open(path, "w") as fh:
        for serial in range(count):
            fh.write(mint_token(secret, lifetime, serial) + "\n")


def check_answer(url, token, reports):
    """One request by hand: the server must really answer the tenant's list."""
    req = urllib.request.Request(url, headers={"Authorization": f"JWT {token}"})
    with urllib.request.urlopen(req, timeout=5) as resp:
        body = json.loads(resp.read())
    if reports is not None and len(body.get("reports", ())) != reports:
        raise SystemExit(f"{url} answered {body!r:.200}, not {reports} reports")


def run_wrk(url, seconds, connections, env):
    """wrk for ``seconds`` seconds; returns the figures the Lua done() prints.
    ``env`` gives the Lua script its token (BENCH_TOKEN) or token file (BENCH_TOKENS)."""
    argv = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s",
            "-s", LUA, url]
    out = subprocess.run(argv, capture_output=True, text=True,
                         env=dict(os.environ, **env), timeout=seconds + 60)
    line = next((x for x in out.stdout.splitlines() if x.startswith("BENCH ")), None)
    if out.returncode != 0 or line is None:
        raise SystemExit(f"wrk failed ({out.returncode}):\n{out.stdout}{out.stderr}")
    figures = json.loads(line[6:])
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    figures["errors"] = sum(figures[k] for k in
                            ("non2xx", "connect", "read", "write", "timeout"))
    return figures


def start_profile(pid, seconds, out_path):
    """py-spy sampling the server (all threads) during a run."""
    argv = ["py-spy", "record", "--pid", str(pid), "--duration", str(seconds),
            "--rate", "200", "--format", "raw", "--output", out_path, "--nonblocking"]
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


def cpu_seconds(pid):
    """User and system CPU time a process has used so far."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclasses.dataclass
class Load:
    """One of the measured loads: which server, which path, which tokens."""

    name: str
    server: Server
    path: str
    tokens: str  # "one": the server's token; "fresh": a new one per request; "none"

    def env(self, seconds, folder, secret):
        """wrk's environment for one run (a fresh file of tokens for "fresh")."""
        if self.tokens == "one":
            return {"BENCH_TOKEN": self.server.token}
        if self.tokens == "fresh":
            path = os.path.join(folder, "tokens.txt")
            write_tokens(path, secret, FRESH_PER_SECOND * seconds, 3600)
            return {"BENCH_TOKENS": path}
        return {}


def measure_once(load, seconds, args, profile=None):
    """One wrk run, with the server's CPU time per request."""
    env = load.env(seconds, args.folder, args.secret)
    pid = load.server.proc.pid
    spy = start_profile(pid, seconds, profile) if profile else None
    before = cpu_seconds(pid)
    figures = run_wrk(load.server.base + load.path, seconds, args.connections, env)
    figures["cpu_us"] = (cpu_seconds(pid) - before) / max(figures["requests"], 1) * 1e6
    if load.tokens == "fresh" and figures["requests"] > FRESH_PER_SECOND * seconds:
        print(f"  {load.name}: more requests than tokens, some were reused")
        figures["errors"] += 1
    if spy is not None:
        spy.wait(timeout=60)
    return figures


def print_run(name, f):
    """One line of figures for a run."""
    print(f"  {name:9} {f['rps']:7.0f} req/s  p50 {f['p50_us'] / 1000:6.2f} ms  "
          f"p90 {f['p90_us'] / 1000:6.2f}  p99 {f['p99_us'] / 1000:6.2f}  "
          f"max {f['max_us'] / 1000:7.2f} ms  server CPU {f['cpu_us']:5.0f} us/req  "
          f"{f['requests']} requests, {f['errors']} errors", flush=True)


####################################################################################
# Main
####################################################################################


def verdict(ok):
    """PASS or MISS."""
    return "PASS" if ok else "MISS"


def median_of(runs):
    """The median of each figure over the rounds."""
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def per_round(runs, name, other, figure):
    """``figure`` of ``name`` over ``figure`` of ``other``, round by round."""
    return [x[figure] / y[figure] for x, y in zip(runs[name], runs[other], strict=False)]


def listed(values):
    """Ratios as text."""
    return ", ".join(f"{v:.2f}" for v in values)


def ratio_line(runs, name, other, target):
    """Print ``name`` / ``other`` in requests/s (median of the rounds' ratios) against
    ``target``; returns the ratio."""
    ratios = per_round(runs, name, other, "rps")
    ratio = statistics.median(ratios)
    a, b = median_of(runs[name]), median_of(runs[other])
    print(f"{name}/{other}: {a['rps']:.0f} / {b['rps']:.0f} req/s (medians); ratio "
          f"{ratio:.2f} (rounds {listed(ratios)}; target >= {target}; "
          f"{ratio / target:.2f} of it); server CPU per request {a['cpu_us']:.0f} / "
          f"{b['cpu_us']:.0f} us")
    return ratio


def print_summary(runs, memory):
    """The targets, then the one-line summary.

    Ratios compare runs of the same round (taken seconds apart, so under the same
    outside load) and report the median over the rounds."""
    reused = ratio_line(runs, "A", "B", TARGET_RATIO)
    fresh = ratio_line(runs, "A-fresh", "B", TARGET_FRESH)
    health = ratio_line(runs, "A-healthz", "B-healthz", TARGET_HEALTHZ)
    medians = {name: median_of(r) for name, r in runs.items()}
    print("p99 (medians of the rounds): " + ", ".join(
        f"{n} {m['p99_us'] / 1000:.2f} ms" for n, m in medians.items())
          + f"; target for A < {TARGET_P99_MS:.0f} ms")
    p99 = medians["A"]["p99_us"] / 1000
    scales = per_round(runs, "A-large", "A", "p50_us")
    scale = statistics.median(scales)
    big, a = medians["A-large"], medians["A"]
    print(f"scale: p50 A-large / p50 A = {big['p50_us'] / 1000:.2f} / "
          f"{a['p50_us'] / 1000:.2f} ms, ratio {scale:.2f} (rounds {listed(scales)}; "
          f"target <= {TARGET_SCALE}); {big['rps']:.0f} vs {a['rps']:.0f} req/s, "
          f"CPU {big['cpu_us']:.0f} vs {a['cpu_us']:.0f} us/req")
    print("server memory after the runs: " + ", ".join(
        f"{n} VmRSS {rss:.1f} MiB (peak {hwm:.1f})"
        for n, (rss, hwm) in memory.items()))
    errors = sum(f["errors"] for r in runs.values() for f in r)
    print(f"SUMMARY: A/B {reused:.2f} {verdict(reused >= TARGET_RATIO)} | "
          f"A-fresh/B {fresh:.2f} {verdict(fresh >= TARGET_FRESH)} | "
          f"p99 {p99:.1f} ms {verdict(p99 < TARGET_P99_MS)} | "
          f"healthz {health:.2f} {verdict(health >= TARGET_HEALTHZ)} | "
          f"scale {scale:.2f} {verdict(scale <= TARGET_SCALE)} | "
          f"VmRSS A {memory['A'][0]:.0f} MiB, A-large {memory['A-large'][0]:.0f} MiB | "
          + (f"{errors} FAILED REQUESTS: figures invalid" if errors else "0 errors"))


def parse_args(argv):
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per run")
    parser.add_argument("--warmup", type=int, default=2, help="seconds before the runs")
    parser.add_argument("--rounds", type=int, default=3,
                        help="every load in turn this many times; medians reported")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=None,
                        help="waitress threads (default: addon.py's default)")
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--per-tenant", type=int, default=100)
    parser.add_argument("--profile", metavar="DIR",
                        help="write py-spy raw stacks of each first-round run to DIR")
    parser.add_argument("--bare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def prepare(folder, secret, args):
    """Both databases; prints how long the large one took."""
    small, large = os.path.join(folder, "small.db"), os.path.join(folder, "large.db")
    prepare_small(small, secret)
    started = time.perf_counter()
    count = prepare_large(large, secret, args.tenants, args.per_tenant)
    took = time.perf_counter() - started
    print(f"databases: small 1 tenant x 20 reports ({os.path.getsize(small)} B); large "
          f"{args.tenants + 1} tenants, {count} reports "
          f"({os.path.getsize(large) >> 20} MiB) prepared in {took:.1f} s", flush=True)
    return small, large


def run_rounds(loads, args):
    """Warm each load up, then run them all in turn, ``rounds`` times; returns each
    load's list of figures."""
    for load in loads:
        run_wrk(load.server.base + load.path, args.warmup, args.connections,
                load.env(args.warmup, args.folder, args.secret))
    runs = {load.name: [] for load in loads}
    for number in range(1, args.rounds + 1):
        print(f"round {number}:")
        for load in loads:
            profile = None
            if args.profile and number == 1:
                profile = os.path.join(args.profile, f"{load.name}.txt")
            figures = measure_once(load, args.duration, args, profile)
            print_run(load.name, figures)
            runs[load.name].append(figures)
    return runs


def run_all(folder, args):
    """Start A, B and A-large, measure the loads, read their memory, stop them."""
    args.folder, args.secret = folder, secrets.token_hex(32)
    small, large = prepare(folder, args.secret, args)
    threads = args.threads or default_threads()
    seconds = args.warmup + args.rounds * 6 * (args.duration + 5)
    token = mint_token(args.secret, 3 * seconds + 600)
    print(f"wrk -t1 -c{args.connections} -d{args.duration}s x {args.rounds} rounds "
          f"(warm-up {args.warmup} s), waitress threads {threads}")
    servers = {}
    try:
        for name, db_path in (("A", small), ("B", None), ("A-large", large)):
            servers[name] = start_server(name, db_path, folder, args.threads, token)
        a, b = servers["A"], servers["B"]
        loads = [Load("A", a, a.path, "one"), Load("A-fresh", a, a.path, "fresh"),
                 Load("B", b, b.path, "none"),
                 Load("A-large", servers["A-large"], a.path, "one"),
                 Load("A-healthz", a, "/healthz", "none"),
                 Load("B-healthz", b, "/healthz", "none")]
        runs = run_rounds(loads, args)
        memory = {name: rss_mib(s.proc.pid) for name, s in servers.items()}
    finally:
        for server in servers.values():
            stop(server.proc)
    for server in servers.values():
        with open(server.log_path) as fh:
            log = fh.read()
        lines = [x for x in log.splitlines() if "waited for a free worker" in x
                 or "Task queue depth" in x]
        print(f"  {server.name}: {len(lines)} queue lines in its log"
              + (f", the last: {lines[-1][:160]}" if lines else ""))
    return runs, memory


def main(argv=None):
    """Check the tools, print the machine, measure, print the summary."""
    args = parse_args(argv)
    if args.bare:
        serve_bare(args.port, args.threads)
        return 0
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install -y wrk", file=sys.stderr)
        return 2
    if args.profile and shutil.which("py-spy") is None:
        print("py-spy is not installed: pip install py-spy", file=sys.stderr)
        return 2
    if args.profile:
        os.makedirs(args.profile, exist_ok=True)
    print_machine()
    folder = tempfile.mkdtemp(prefix="jql-reports-bench-")
    try:
        runs, memory = run_all(folder, args)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print_summary(runs, memory)
    return 0


if __name__ == "__main__":
    sys.exit(main())
