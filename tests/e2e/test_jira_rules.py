"""Reports under Jira's stricter bulkfetch rules, on the demo's fake Jira in Chromium.

Atlassian's OpenAPI spec of POST /rest/api/3/issue/bulkfetch allows 100 issues a call and
answers 400 beyond (the 2026 documentation allows 1,000 for lean requests); its
BulkIssueResults may name issues in `issueErrors` instead of returning them. The demo applies
these with `?bulk100=1` and `?issueErrors=N`.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_browser import (
    POINTS,
    RPT,
    create_report,
    dataset,
    expected_groups,
    number,
    open_app,
    open_report,
    shown_count,
    shown_groups,
    unique,
)

pytestmark = pytest.mark.browser

ALL = "project in (RPT, OPS, WEB)"
BULK_STATUSES_JS = """() => demoJira.log
  .filter((entry) => entry.url.startsWith('/rest/api/3/issue/bulkfetch'))
  .map((entry) => entry.status)"""
UNLOADED = re.compile(r"^3 issues could not be loaded: (.+)\. Refresh to try again\.$")


def grouped_totals(page):
    """Every group's (issues, points) with all groups expanded, and the grand total's."""
    total = page.get_by_test_id("grand-total")
    expect(total).to_be_visible()
    page.get_by_test_id("expand-all").click()
    expect(page.get_by_test_id("group-header").first).to_be_visible()
    grand = (number(total.locator(".count").text_content()),
             number(total.locator(".aggregate strong").text_content()))
    return shown_groups(page), grand


def test_strict_bulkfetch_cap_gives_the_same_totals(page, base_url):
    open_app(page, base_url, "?bulk100=1")
    name = unique("All projects by status")
    create_report(page, name, ALL, columns=("summary", "status", "assignee"),
                  groups=("status", "assignee"), sums=(POINTS,))
    strict = grouped_totals(page)
    issues = [i for project in ("RPT", "OPS", "WEB") for i in dataset(page, project)]
    points = sum(issue["fields"][POINTS] or 0 for issue in issues)
    assert strict == (expected_groups(issues), (len(issues), points))
    statuses = page.evaluate(BULK_STATUSES_JS)
    assert 400 in statuses, "the load first asked for more than 100 issues a call"
    assert statuses.count(200) >= len(issues) / 100
    expect(page.get_by_test_id("message")).to_be_hidden()
    page.get_by_test_id("refresh-report").click()
    assert grouped_totals(page) == strict
    assert 400 not in page.evaluate(BULK_STATUSES_JS)[len(statuses):], "later loads: 100"
    open_app(page, base_url)
    open_report(page, name)
    assert grouped_totals(page) == strict
    assert 400 not in page.evaluate(BULK_STATUSES_JS)


def test_issues_jira_cannot_return_are_named_and_not_counted(page, base_url):
    open_app(page, base_url, "?issueErrors=3")
    create_report(page, unique("Points by status"), RPT, groups=("status",), sums=(POINTS,))
    issues = sorted(dataset(page, "RPT"), key=lambda issue: int(issue["id"]))
    failed, loaded = issues[:3], issues[3:]
    note = page.get_by_test_id("unloaded-note")
    expect(note).to_have_text(UNLOADED)
    named = UNLOADED.match(note.text_content()).group(1).split(", ")
    assert sorted(named) == sorted(issue["key"] for issue in failed)
    assert shown_count(page) == len(loaded)
    summary = page.get_by_test_id("summary")
    expect(summary).to_contain_text("excluding 3 issues that could not be loaded")
    expect(page.get_by_test_id("grand-total")).to_contain_text(
        "excluding 3 issues that could not be loaded")
    _, grand = grouped_totals(page)
    assert grand == (len(loaded), sum(issue["fields"][POINTS] or 0 for issue in loaded))
    statuses = page.evaluate(BULK_STATUSES_JS)
    assert len(statuses) >= 2, "the failed issues were asked for again"
