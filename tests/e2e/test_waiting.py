"""While Jira answers 429, the page says how long it waits, then shows what it loaded."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import demo_server
from tests.e2e.test_browser import DEMO_USER_JS, open_app, shown_count

pytestmark = pytest.mark.browser

LIMITED = re.compile(r"^Jira is limiting requests; retrying in \d+ s$")


@pytest.fixture(scope="module")
def forge_url(tmp_path_factory):
    """`python addon.py demo --host forge` on a free port, for this module."""
    with demo_server(tmp_path_factory.mktemp("forge-waiting"), "--host", "forge",
                     "--issues", "2000", "--latency-ms", "0") as url:
        yield url


def jira_statuses(page):
    """The statuses the fake Jira answered, in order."""
    return [entry["status"] for entry in page.evaluate("demoJira.log")]


def open_first_report_limited(page, url, limit):
    """Open the list, let its names arrive, then open its first report under 429s."""
    open_app(page, url)
    expect(page.get_by_test_id("report-list").locator(".by").first).not_to_contain_text("…")
    page.evaluate("(limit) => demoJira.inject429(1, limit)", limit)
    page.get_by_test_id("open-report").first.click()
    return page.get_by_test_id("progress-text")


def test_list_says_jira_is_limiting_then_names_people(page, base_url):
    page.goto(f"{base_url}/demo?fail429=3")
    waiting = page.get_by_test_id("jira-wait")
    expect(waiting).to_have_text(LIMITED)
    user = page.evaluate(DEMO_USER_JS)
    by = page.get_by_test_id("report-list").locator(".by").first
    expect(by).to_have_text(f"by {user['displayName']}")
    expect(waiting).to_be_hidden()
    assert jira_statuses(page)[:4] == [429, 429, 429, 200]


def test_report_counts_down_jira_s_retry_after_then_shows_the_result(page, base_url):
    text = open_first_report_limited(page, base_url, {"retryAfter": 3})
    expect(text).to_have_text("Jira is limiting requests; retrying in 3 s")
    expect(text).to_have_text("Jira is limiting requests; retrying in 2 s")
    assert shown_count(page) > 0
    assert 429 in jira_statuses(page)


def test_forge_report_backs_off_on_a_schedule_and_says_so(page, forge_url):
    # A 429 without Retry-After: Forge documents no headers for requestJira's Response, so
    # the client waits Atlassian's 2 s (×0.7–1.3) and shows that wait.
    text = open_first_report_limited(page, forge_url, {"retryAfter": None})
    expect(text).to_have_text(re.compile(r"^Jira is limiting requests; retrying in [23] s$"))
    assert shown_count(page) > 0
    assert 429 in jira_statuses(page)
