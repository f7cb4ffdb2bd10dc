"""The dashboard gadget in the demo's dashboard (/demo/dashboard), under both hosts."""

import re
import uuid

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# A report made or removed from inside a gadget frame, through the frame's own host: the
# Connect stand-in's context token, or the Forge stand-in's invokeRemote.
SERVER_JS = """async ({method, path, body}) => {
  if (window.AP) {
    const token = await AP.context.getToken();
    const response = await fetch(path, {method, body: body && JSON.stringify(body),
      headers: {Authorization: `JWT ${token}`, 'Content-Type': 'application/json'}});
    return {status: response.status, body: response.status === 204 ? null
      : await response.json()};
  }
  const headers = body ? {'Content-Type': 'application/json'} : undefined;
  const answer = await forgeBridge.invokeRemote({path, method, headers, body});
  return {status: answer.status, body: answer.body ?? null};
}"""
TABLE_REPORT = "Open bugs by priority"
SERIES_REPORT = "Created vs resolved"


def frame_of(page, item):
    """The gadget's frame on the demo dashboard."""
    return page.frame_locator(f'[data-testid="gadget-frame-{item}"]')


def open_dashboard(page, host_url):
    """Load the demo dashboard; every gadget starts with no report."""
    page.goto(f"{host_url}/demo/dashboard")
    for item in ("1", "2", "3"):
        expect(frame_of(page, item).get_by_test_id("gadget-form").or_(
            frame_of(page, item).get_by_test_id("gadget-unset"))).to_be_visible()


def configure(page, host_url, item, report, show="auto", rows=None):
    """Pick a report for a gadget as a Jira user does (Connect: the form a new gadget shows;
    Forge: Edit in the gadget's menu), and wait until the gadget shows it."""
    frame = frame_of(page, item)
    form = frame.get_by_test_id("gadget-form")
    settled = form.or_(frame.get_by_test_id("gadget-unset")).or_(
        frame.get_by_test_id("gadget-title")).or_(frame.get_by_test_id("gadget-unavailable"))
    expect(settled).to_be_visible()
    if not form.is_visible():
        page.get_by_test_id(f"configure-{item}").click()
    frame.get_by_test_id("gadget-report").select_option(label=report)
    frame.get_by_test_id("gadget-show").select_option(show)
    if rows is not None:
        frame.get_by_test_id("gadget-rows").fill(str(rows))
    frame.get_by_test_id("gadget-save").click()
    expect(frame.get_by_test_id("gadget-title")).to_have_text(report)
    return frame


def in_frame(page, item, script, argument=None):
    """Run a script in a gadget's frame."""
    handle = page.locator(f'[data-testid="gadget-frame-{item}"]').element_handle()
    return handle.content_frame().evaluate(script, argument)


def test_each_gadget_shows_its_own_report_and_keeps_it_over_a_reload(page, host_url,
                                                                     recorded):
    open_dashboard(page, host_url)
    table = configure(page, host_url, "1", TABLE_REPORT, show="table", rows=3)
    series = configure(page, host_url, "2", SERIES_REPORT)
    expect(table.locator('[data-testid="gadget-table"] tbody tr')).to_have_count(3)
    expect(table.locator('[data-testid="gadget-table"] tfoot')).to_contain_text("Total: ")
    expect(series.locator('[data-part="series"]')).to_be_visible()
    expect(frame_of(page, "3").get_by_test_id("gadget-title")).to_have_count(0)
    page.reload()
    expect(frame_of(page, "1").get_by_test_id("gadget-title")).to_have_text(TABLE_REPORT)
    expect(frame_of(page, "2").get_by_test_id("gadget-title")).to_have_text(SERIES_REPORT)
    expect(frame_of(page, "1").locator("tbody tr")).to_have_count(3)
    assert recorded.page_errors == []


def test_refresh_loads_the_report_again_and_says_when(page, host_url, recorded):
    open_dashboard(page, host_url)
    frame = configure(page, host_url, "1", TABLE_REPORT)
    first = frame.get_by_test_id("gadget-refreshed").get_attribute("datetime")
    asked = len([r for r in recorded.requests if "/api/reports/" in r["url"]])
    frame.get_by_test_id("gadget-refresh").click()
    expect(frame.get_by_test_id("gadget-refreshed")).not_to_have_attribute("datetime", first)
    again = len([r for r in recorded.requests if "/api/reports/" in r["url"]])
    assert again == asked + 1
    assert re.fullmatch(r"Last refreshed .+", frame.get_by_test_id("gadget-status").inner_text())


def test_open_full_report_goes_through_the_host(page, host_url):
    open_dashboard(page, host_url)
    frame = configure(page, host_url, "1", TABLE_REPORT)
    with page.context.expect_page():
        frame.get_by_test_id("gadget-open").click()
    expected = re.compile(r"Jira would open: https://demo\.atlassian\.net/("
                          r"plugins/servlet/ac/jql-reports/reports-all#!report=|"
                          r"jira/apps/[\w-]+/[\w-]+\?report=)\w+")
    expect(frame.get_by_test_id("host-navigation")).to_have_text(expected)


def test_a_deleted_report_is_not_available_and_another_can_be_picked(page, host_url):
    open_dashboard(page, host_url)
    name = f"Gadget report {uuid.uuid4().hex[:6]}"
    made = in_frame(page, "1", SERVER_JS, {"method": "POST", "path": "/api/reports",
                                           "body": {"name": name, "jql": "project = RPT",
                                                    "columns": ["key"]}})
    assert made["status"] == 201, made
    page.reload()
    frame = configure(page, host_url, "1", name)
    gone = in_frame(page, "1", SERVER_JS, {"method": "DELETE",
                                           "path": f"/api/reports/{made['body']['id']}"})
    assert gone["status"] == 204, gone
    frame.get_by_test_id("gadget-refresh").click()
    expect(frame.get_by_test_id("gadget-unavailable")).to_contain_text(
        "This report is not available to you")
    pick = frame.get_by_test_id("gadget-pick").or_(frame.get_by_test_id("gadget-pick-hint"))
    expect(pick).to_be_visible()
    if frame.get_by_test_id("gadget-pick").count():
        frame.get_by_test_id("gadget-pick").click()
    configure(page, host_url, "1", TABLE_REPORT)
