"""Browser test fixtures: the real `python addon.py demo` server, Debian's Chromium."""

import contextlib
import dataclasses
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect, sync_playwright

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO_ISSUES = 2000
START_SECONDS = 30
POLL_SECONDS = 0.05
STOP_SECONDS = 10
TIMEOUT_MS = 15_000


@dataclasses.dataclass
class Recorded:
    """What a page did: its requests, console errors and uncaught errors."""

    requests: list = dataclasses.field(default_factory=list)
    console_errors: list = dataclasses.field(default_factory=list)
    page_errors: list = dataclasses.field(default_factory=list)
    dialogs: list = dataclasses.field(default_factory=list)


def _healthy(url):
    """Whether the server answers /healthz with 200."""
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _wait_healthy(base_url, process, log_path):
    """Poll /healthz until it answers or the deadline passes; else fail with the log."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = log_path.read_text()
            pytest.fail(f"demo server exited early:\n{log}", pytrace=False)
        if _healthy(f"{base_url}/healthz"):
            return
        time.sleep(POLL_SECONDS)
    pytest.fail(f"demo server not healthy in {START_SECONDS}s:\n{log_path.read_text()}",
                pytrace=False)


def _stop(process):
    """Interrupt the server (it cleans its demo folder up), killing it if it lingers."""
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def base_url(tmp_path_factory):
    """The demo server's root URL, started once for the run."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("demo") / "server.log"
    command = [sys.executable, "addon.py", "demo", "--port", str(port),
               "--issues", str(DEMO_ISSUES), "--latency-ms", "0"]
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, log_path)
        yield url
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium; the run fails (never skips) when it cannot start."""
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        except PlaywrightError as error:
            message = f"Chromium at {CHROMIUM} could not start: {error}"
            pytest.fail(message, pytrace=False)
        expect.set_options(timeout=TIMEOUT_MS)
        yield chromium
        chromium.close()


@pytest.fixture
def recorded():
    """What the test's page did, filled in by the `page` fixture."""
    return Recorded()


def _on_console(recorded, message):
    """Keep console errors with the URL they came from."""
    if message.type == "error":
        recorded.console_errors.append((message.text, message.location.get("url", "")))


def _on_dialog(recorded, dialog):
    """Note any dialog (none should open) and dismiss it so the page goes on."""
    recorded.dialogs.append(dialog.message)
    with contextlib.suppress(PlaywrightError):
        dialog.dismiss()


@pytest.fixture
def page(browser, recorded):
    """A fresh page in its own context, recording requests, console and page errors."""
    context = browser.new_context(locale="en-US", accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    tab.on("request", lambda request: recorded.requests.append(
        {"method": request.method, "url": request.url, "post_data": request.post_data}))
    tab.on("console", lambda message: _on_console(recorded, message))
    tab.on("pageerror", lambda error: recorded.page_errors.append(str(error)))
    tab.on("dialog", lambda dialog: _on_dialog(recorded, dialog))
    yield tab
    context.close()
