"""What every benchmark shares: the machine line, the demo server and headless Chromium."""

import contextlib
import os
import platform
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("BENCH_CHROMIUM", "/usr/bin/chromium")


def cpu_model():
    """The CPU model from /proc/cpuinfo, else what platform knows."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def print_machine(browser):
    """Print the machine the figures come from."""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"machine: nproc={os.cpu_count()}, cpu={cpu_model()}, "
        f"chromium={browser.version}, python={platform.python_version()}, "
        f"load average {load}"
    )


def free_port():
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def demo_server(issues, latency_ms):
    """Run `addon.py demo` with a fake Jira of `issues` issues; yields its base URL."""
    port = free_port()
    cmd = [
        sys.executable,
        "addon.py",
        "demo",
        "--port",
        str(port),
        "--issues",
        str(issues),
        "--latency-ms",
        str(latency_ms),
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base + "/demo/config", proc)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _wait_until_up(url, proc, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the demo server stopped (exit {proc.returncode})")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(url, timeout=1):
                return
        time.sleep(0.1)
    raise RuntimeError("the demo server did not start")


@contextlib.contextmanager
def chromium(*extra_args):
    """Headless Debian Chromium through Playwright."""
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", *extra_args]
        )
        try:
            yield browser
        finally:
            browser.close()


def open_demo(browser, base, viewport=None, query=""):
    """A new page on the demo (`query`: its switches), once its report list has rendered."""
    page = browser.new_page(viewport=viewport or {"width": 1280, "height": 900})
    page.goto(base + "/demo" + query)
    page.wait_for_selector("[data-testid=report-list]")
    return page


def verdict(ok):
    """PASS or MISS."""
    return "PASS" if ok else "MISS"


def median(values):
    """The median of a non-empty list."""
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


CREATE_REPORT_JS = """
async (config) => {
  const token = await window.AP.context.getToken();
  const response = await fetch('api/reports', { method: 'POST', body: JSON.stringify(config),
    headers: { Authorization: `JWT ${token}`, 'Content-Type': 'application/json' } });
  if (response.status !== 201) throw new Error(`create: ${response.status} ${await response.text()}`);
  return (await response.json()).id;
}
"""


def create_report(page, config):
    """Save a report through the API (as the demo user); returns its id."""
    return page.evaluate(CREATE_REPORT_JS, config)


def open_report(page, base, report_id, timeout_ms=300_000):
    """Open a saved report from the list and wait until its issues have loaded."""
    page.goto(base + "/demo")
    item = f"[data-testid=report-item][data-id='{report_id}'] [data-testid=open-report]"
    page.click(item)
    page.wait_for_selector("[data-testid=summary]", timeout=timeout_ms)


def heap_used(cdp):
    """JavaScript heap in use after two forced garbage collections, in bytes."""
    for _ in range(2):
        cdp.send("HeapProfiler.collectGarbage")
    return cdp.send("Runtime.getHeapUsage")["usedSize"]
