"""Browser test fixtures: the real `python addon.py demo` server, Debian's Chromium."""

import contextlib
import dataclasses

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect, sync_playwright

from tests.conftest import demo_server

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
TIMEOUT_MS = 15_000


@dataclasses.dataclass
class Recorded:
    """What a page did: its requests, console errors and uncaught errors."""

    requests: list = dataclasses.field(default_factory=list)
    console_errors: list = dataclasses.field(default_factory=list)
    page_errors: list = dataclasses.field(default_factory=list)
    dialogs: list = dataclasses.field(default_factory=list)


@pytest.fixture(scope="session")
def base_url(tmp_path_factory):
    """The demo server's root URL, started once for the run."""
    with demo_server(tmp_path_factory.mktemp("demo"), "--issues", str(DEMO_ISSUES),
                     "--latency-ms", "0") as url:
        yield url


@pytest.fixture(scope="module", params=["connect", "forge"])
def host_url(request, tmp_path_factory):
    """The demo under each host, started anew for the module that asks for it."""
    folder = tmp_path_factory.mktemp(f"{request.module.__name__}-{request.param}")
    with demo_server(folder, "--host", request.param, "--issues", str(DEMO_ISSUES),
                     "--latency-ms", "0") as url:
        yield url


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
