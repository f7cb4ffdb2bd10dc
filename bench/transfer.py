"""Export and import of a whole site with the operator's CLI: time, peak memory, size.

    python bench/transfer.py                 # 10,000 reports (the site maximum), 3 runs
    python bench/transfer.py --reports 1000 --runs 5

Each `addon.py export` and `addon.py import` runs as its own process; its peak memory is
that process's maximum resident set (getrusage ru_maxrss through os.wait4), next to the
same interpreter running `addon.py tenants` (the floor: Python, SQLite and addon.py
loaded). Memory must not grow with the site: a run at a tenth of the reports comes
first, for comparison, and at the full size each command may hold at most TARGET_MIB
above the floor (the whole document as Python objects would be several times the file).
"""

import argparse
import contextlib
import os
import platform
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import addon  # noqa: E402
import documents  # noqa: E402

# Peak resident memory above the floor, whatever the site's size.
TARGET_MIB = 8


# Not bench/common.py's copy: common imports Playwright, and a command this process
# starts counts the memory it had before its exec in its peak (ru_maxrss).
def cpu_model():
    """The CPU model from /proc/cpuinfo, else what platform knows."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def print_machine():
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: nproc={os.cpu_count()}, cpu={cpu_model()}, "
          f"python={platform.python_version()}, sqlite={sqlite3.sqlite_version}, "
          f"load average {load}")


def report(rng, n):
    """A report as people make them: mostly short, some long, a few near the limits."""
    size = rng.choices(["short", "long", "huge"], weights=[80, 18, 2])[0]
    words = {"short": 8, "long": 300, "huge": 3000}[size]
    text = " ".join(rng.choice(["open", "bugs", "Ünïcode", "sprint", "≥", "team"])
                    for _ in range(words))
    return {"name": f"Report {n}: {text[:150]}", "description": text[:4000],
            "jql": f'project = RPT AND text ~ "{text[:2000]}" ORDER BY key',
            "columns": ["key", "summary", "status", "assignee"][: 1 + n % 4],
            "groupBy": ["status"] if n % 3 else [],
            "filters": [{"field": "labels", "values": text.split()[:200]}]
            if size == "huge" else [],
            "owner": f"user-{n % 40}", "visibility": "private" if n % 7 == 0 else "site"}


def prepare(path, count):
    """A database with site `source` holding `count` reports."""
    rng = random.Random(1)
    with contextlib.closing(addon.connect(str(path))) as db:
        addon.migrate(db)
        with addon.write(db):
            addon.upsert_tenant(db, "source", "s" * 64, "https://a.atlassian.net",
                                None, "jira")
            for n in range(count):
                clean = addon.validate_report(report(rng, n))
                addon.insert_report(db, "source", clean, clean["owner"], clean["owner"])


def add_site(path, key):
    with contextlib.closing(addon.connect(str(path))) as db, addon.write(db):
        addon.upsert_tenant(db, key, "s" * 64, f"https://{key}.atlassian.net", None,
                            "jira")


def run(db, *argv):
    """Run one CLI command as its own process: (seconds, peak RSS in MiB)."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(ROOT / "addon.py"), "--db", str(db),
                             *argv], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"{argv[0]} failed: {proc.stderr.read().decode()}")
    proc.stderr.close()
    return seconds, usage.ru_maxrss / 1024


def measure(folder, count, runs):
    """Median export and import figures for a site of `count` reports."""
    db = Path(folder) / f"bench-{count}.db"
    prepare(db, count)
    floor = min(run(db, "tenants")[1] for _ in range(3))
    exports, imports = [], []
    for r in range(runs):
        out = Path(folder) / f"export-{count}-{r}.json"
        exports.append(run(db, "export", "--client-key", "source", "--out", str(out)))
        add_site(db, f"copy-{r}")
        imports.append(run(db, "import", "--client-key", f"copy-{r}", str(out)))
    with contextlib.closing(addon.connect(str(db))) as conn:
        copied = addon.count_site_reports(conn, f"copy-{runs - 1}")
    median = lambda pairs, i: sorted(p[i] for p in pairs)[len(pairs) // 2]  # noqa: E731
    figures = {"reports": count, "bytes": out.stat().st_size, "floor": floor,
               "export_s": median(exports, 0), "export_mib": median(exports, 1),
               "import_s": median(imports, 0), "import_mib": median(imports, 1),
               "copied": copied}
    print(f"{count:>6,} reports, file {figures['bytes'] / 1e6:.1f} MB: "
          f"export {figures['export_s']:.2f} s, peak {figures['export_mib']:.1f} MiB; "
          f"import {figures['import_s']:.2f} s, peak {figures['import_mib']:.1f} MiB; "
          f"floor {floor:.1f} MiB; imported {copied:,}")
    return figures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=documents.MAX_REPORTS)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    print_machine()
    with tempfile.TemporaryDirectory() as folder:
        small = measure(folder, max(1, args.reports // 10), args.runs)
        full = measure(folder, args.reports, args.runs)
    above = [full[k] - full["floor"] for k in ("export_mib", "import_mib")]
    before = [small[k] - small["floor"] for k in ("export_mib", "import_mib")]
    ok = full["copied"] == args.reports and max(above) <= TARGET_MIB
    print(f"SUMMARY: {args.reports:,} reports ({full['bytes'] / 1e6:.1f} MB): export "
          f"{full['export_s']:.2f} s, +{above[0]:.1f} MiB; import {full['import_s']:.2f} s, "
          f"+{above[1]:.1f} MiB above the {full['floor']:.0f} MiB floor (at "
          f"{small['reports']:,} reports: +{before[0]:.1f} and +{before[1]:.1f}); "
          f"≤ {TARGET_MIB} MiB {'PASS' if ok else 'MISS'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
