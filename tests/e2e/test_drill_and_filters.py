"""Drill-down into Jira's issue search, a link per report, quick filters: both hosts."""

import collections
import re
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from tests.e2e.test_browser import (
    RPT,
    create_report,
    dataset,
    open_app,
    open_report,
    shown_count,
    unique,
)

pytestmark = pytest.mark.browser

SITE = "https://demo.atlassian.net"
# What encodeURIComponent leaves as it is, beyond what Python's quote always does.
URI_COMPONENT_SAFE = "!*'()"
# The fake Jira's count of a JQL: the demo's JQL evaluator behind its search API.
JQL_COUNT_JS = """async (jql) => {
  const answer = await demoJira.handle({method: 'POST',
    url: '/rest/api/3/search/approximate-count', body: JSON.stringify({jql})});
  return JSON.parse(answer.body).count;
}"""
# Where each demo host noted a navigation: AP.navigator's log, or the Forge router's.
NAVIGATIONS_JS = "() => (window.AP ? AP.navigator.log : forgeBridge.router.log)"
# Notes whether the page took each click (or middle click) for itself, then keeps the
# browser from opening a tab: it would go to the network, which tests have none of.
KEEP_CLICKS_JS = """() => {
  window.keptClicks = [];
  const keep = (event) => {
    window.keptClicks.push(event.defaultPrevented);
    event.preventDefault();
  };
  document.addEventListener('click', keep);
  document.addEventListener('auxclick', keep);
}"""
# Put a state in the host's address, as a shared link would bring it.
HOST_STATE_JS = """async (state) => {
  if (window.AP) return AP.history.pushState(state);
  const history = await forgeBridge.view.createHistory();
  history.push({pathname: '/', search: `?${state}`});
}"""
# The page's API module, its host, and the id of the report its address names (after
# `#!` under Connect, `#/?` under the Forge demo).
OPEN_REPORT_JS = """
  const api = await import(new URL('static/js/server/api.js', location.href));
  const {pickHost} = await import(new URL('static/js/host/hosts.js', location.href));
  const host = await pickHost();
  const state = location.hash.replace(/^#!?\\/?\\??/, '');
  const id = new URLSearchParams(state).get('report');
"""
# Someone else saves the open report meanwhile: its version moves on.
SAVE_ELSEWHERE_JS = "async () => {" + OPEN_REPORT_JS + """
  const report = await api.getReport(host, id);
  await api.updateReport(host, id, {...report, description: 'Changed elsewhere'});
}"""
# The open report's saved filters, asked of our server as the page asks it.
SAVED_FILTERS_JS = "async () => {" + OPEN_REPORT_JS + """
  return (await api.getReport(host, id)).filters;
}"""


@pytest.fixture
def jira_site(page):
    """Tabs the demo opens on the Jira site get a stub page instead of the network."""
    page.context.route(f"{SITE}/**", _stub_page)
    return page


def _stub_page(route):
    """Answer for a Jira page: the demo's site is out of the tests' reach."""
    route.fulfill(body="Jira", status=200)


def by_status_and_assignee(issues):
    """{(status,) and (status, assignee account id or None): issue count}."""
    found = collections.Counter()
    for issue in issues:
        fields = issue["fields"]
        status = fields["status"]["name"]
        found[(status,)] += 1
        found[(status, (fields["assignee"] or {}).get("accountId"))] += 1
    return found


def group_link(page, depth, label):
    """The drill-down link of the first group header at a depth with this label."""
    header = page.locator(f'[data-testid="group-header"][data-depth="{depth}"]')
    exact = re.compile(f"^{re.escape(label)}$")
    label = page.locator(".group-label, .lozenge", has_text=exact)
    return header.filter(has=label).first.get_by_test_id("group-drill")


def jql_of(link):
    """A drill-down link's JQL, checking that its href is Jira's issue search for it."""
    jql = link.get_attribute("data-jql")
    encoded = quote(jql, safe=URI_COMPONENT_SAFE)
    assert link.get_attribute("href") == f"{SITE}/issues/?jql={encoded}"
    return jql


def grouped_report(page, url, name):
    """A new report on RPT grouped by status then assignee; its name.

    Its groups are collapsed: the table renders only the rows in view.
    """
    open_app(page, url)
    name = unique(name)
    create_report(page, name, RPT, groups=("status", "assignee"))
    shown_count(page)
    page.get_by_test_id("collapse-all").click()
    return name


def quick_filter(page, field):
    """The quick filter picker of a field."""
    return page.locator(f'[data-testid="quick-filter"][data-field="{field}"]')


def expect_count(page, count):
    """Wait until the summary gives this many issues."""
    summary = re.compile(f"^{count:,} issues?\\b")
    expect(page.get_by_test_id("summary")).to_have_text(summary)


def test_group_rows_drill_down_to_exactly_their_issues(page, host_url):
    grouped_report(page, host_url, "Drill")
    counts = by_status_and_assignee(dataset(page, "RPT"))
    done = jql_of(group_link(page, 0, "Done"))
    assert done == '(project = RPT) AND status = "Done"'
    assert page.evaluate(JQL_COUNT_JS, done) == counts[("Done",)]
    page.locator('[data-testid="group-header"] .group-toggle').first.click()
    unassigned = jql_of(group_link(page, 1, "Unassigned"))
    status = re.fullmatch(
        r'\(project = RPT\) AND status = "(.+)" AND assignee IS EMPTY', unassigned)
    assert status, unassigned
    assert page.evaluate(JQL_COUNT_JS, unassigned) == counts[(status.group(1), None)]


def test_a_plain_click_opens_the_search_through_the_host(jira_site, host_url):
    page = jira_site
    grouped_report(page, host_url, "Drill click")
    link = group_link(page, 0, "Done")
    href = link.get_attribute("href")
    with page.expect_popup() as popup:
        link.click()
    assert popup.value.url == href
    notice = page.get_by_test_id("host-navigation")
    expect(notice).to_have_text(f"Jira would open: {href}")
    # Connect: AP.navigator.go('site', {relativeUrl}); Forge: router.open(url)
    assert page.evaluate(NAVIGATIONS_JS) in (
        [{"target": "site", "url": href}],
        [{"url": href.removeprefix(SITE), "type": "new-tab"}])
    page.evaluate(KEEP_CLICKS_JS)
    link.click(modifiers=["ControlOrMeta"])
    link.click(button="middle")
    assert page.evaluate("window.keptClicks") == [False, False]
    assert len(page.evaluate(NAVIGATIONS_JS)) == 1


def test_quick_filters_narrow_the_view_and_its_drill_down(page, host_url):
    grouped_report(page, host_url, "Quick")
    counts = by_status_and_assignee(dataset(page, "RPT"))
    expect(page.get_by_test_id("active-filters")).to_have_text("No quick filters")
    picker = quick_filter(page, "assignee")
    person = picker.locator("option").nth(1)
    account, label = person.get_attribute("value"), person.text_content()
    picker.select_option(account)
    expect(page.get_by_test_id("filter-chip")).to_have_text(f"Assignee: {label} ×")
    active = page.get_by_test_id("active-filters")
    expect(active).to_have_text(f"Filtered: Assignee = {label}")
    expect_count(page, sum(n for path, n in counts.items() if path[1:] == (account,)))
    expect(quick_filter(page, "assignee")).to_be_focused()
    page.get_by_test_id("collapse-all").click()
    done = jql_of(group_link(page, 0, "Done"))
    assert done == f'(project = RPT) AND status = "Done" AND assignee = "{account}"'
    assert page.evaluate(JQL_COUNT_JS, done) == counts[("Done", account)]
    page.get_by_test_id("filter-chip").click()
    expect(active).to_have_text("No quick filters")
    expect_count(page, len(dataset(page, "RPT")))


def test_a_report_link_and_going_back_keep_its_quick_filters(page, host_url):
    name = grouped_report(page, host_url, "Linked")
    done = by_status_and_assignee(dataset(page, "RPT"))[("Done",)]
    quick_filter(page, "status").select_option(label="Done")
    expect_count(page, done)
    page.reload()
    shared = page.context.new_page()
    shared.goto(page.url)
    for opened in (page, shared):
        expect(opened.get_by_test_id("report-title")).to_have_text(name)
        expect(opened.get_by_test_id("filter-chip")).to_have_text("Status: Done ×")
        expect_count(opened, done)
        tops = opened.locator('[data-testid="group-header"][data-depth="0"]')
        expect(tops).to_have_count(1)
    page.get_by_test_id("back-to-list").click()
    expect(page.get_by_test_id("report-list")).to_be_visible()
    page.go_back()
    expect(page.get_by_test_id("report-title")).to_have_text(name)
    expect(page.get_by_test_id("filter-chip")).to_have_text("Status: Done ×")
    expect_count(page, done)


def test_save_as_the_reports_filters_persists_them(page, host_url):
    name = grouped_report(page, host_url, "Saved filters")
    quick_filter(page, "status").select_option(label="Done")
    done = page.locator('[data-testid="group-header"][data-depth="0"]')
    expect(done).to_have_count(1)
    page.get_by_test_id("save-filters").click()
    expect(page.get_by_test_id("message")).to_contain_text("Saved the quick filters")
    expect(page.get_by_test_id("save-filters")).to_have_count(0)
    saved = page.evaluate(SAVED_FILTERS_JS)
    assert saved == [{"field": "status", "values": [done.get_attribute("data-key")]}]
    open_app(page, host_url)
    open_report(page, name)
    expect(page.get_by_test_id("filter-chip")).to_have_text("Status: Done ×")
    active = page.get_by_test_id("active-filters")
    expect(active).to_have_text("Filtered: Status = Done")


def test_a_link_to_a_missing_report_opens_the_list_and_says_why(page, host_url):
    open_app(page, host_url)
    page.evaluate(HOST_STATE_JS, "report=no-such-report&f.status=3")
    page.reload()
    expect(page.get_by_test_id("report-list")).to_be_visible()
    expect(page.get_by_test_id("message")).to_contain_text(
        "Could not open the report this address names")


def test_saving_filters_over_a_newer_version_asks_to_reload(page, host_url):
    grouped_report(page, host_url, "Filters conflict")
    quick_filter(page, "status").select_option(label="Done")
    page.evaluate(SAVE_ELSEWHERE_JS)
    page.get_by_test_id("save-filters").click()
    message = page.get_by_test_id("message")
    expect(message).to_contain_text("Someone else saved this report")
    assert page.evaluate(SAVED_FILTERS_JS) == []
    page.get_by_test_id("reload-report").click()
    expect(page.locator(".description")).to_have_text("Changed elsewhere")
    expect(page.get_by_test_id("filter-chip")).to_have_text("Status: Done ×")
    page.get_by_test_id("save-filters").click()
    expect(page.get_by_test_id("message")).to_contain_text("Saved the quick filters")
    assert [f["field"] for f in page.evaluate(SAVED_FILTERS_JS)] == ["status"]


def test_a_date_bucket_group_drills_down_to_its_range(page, host_url):
    open_app(page, host_url)
    open_report(page, "Created per month")  # the demo's report grouped by created month
    shown_count(page)
    header = page.locator('[data-testid="group-header"][data-depth="0"]').first
    month = header.get_attribute("data-key")  # e.g. 2026-05
    link = header.get_by_test_id("group-drill")
    year, number = map(int, month.split("-"))
    after = f"{year + number // 12}-{number % 12 + 1:02d}"
    assert jql_of(link) == (f'(project in (RPT, OPS)) AND created >= "{month}-01 00:00"'
                            f' AND created < "{after}-01 00:00"')
    shown = int(re.sub(r"\D", "", link.text_content()))
    assert page.evaluate(JQL_COUNT_JS, jql_of(link)) == shown
