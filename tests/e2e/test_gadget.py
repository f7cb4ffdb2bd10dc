"""The dashboard gadget in the demo's dashboard (/demo/dashboard), under both hosts."""

import mimetypes
import re
import uuid
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.forge_build import FORGE, build_forge

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
OTHER_USER = "5b10ac8d82e05b22cc7d4e11"  # the demo's second user, no administrator


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


def test_configure_on_a_shown_gadget_changes_its_report_or_cancels(page, host_url):
    open_dashboard(page, host_url)
    frame = configure(page, host_url, "1", TABLE_REPORT)
    page.get_by_test_id("configure-1").click()
    expect(frame.get_by_test_id("gadget-report")).to_have_value(re.compile(r"\w+"))
    cancel = frame.get_by_test_id("gadget-cancel")
    if cancel.count():  # Connect's form sits in the view; Forge's edit view has Jira's own
        cancel.click()
        expect(frame.get_by_test_id("gadget-title")).to_have_text(TABLE_REPORT)
        page.get_by_test_id("configure-1").click()
    frame.get_by_test_id("gadget-report").select_option(label=SERIES_REPORT)
    frame.get_by_test_id("gadget-save").click()
    expect(frame.get_by_test_id("gadget-title")).to_have_text(SERIES_REPORT)
    expect(frame.locator('[data-part="series"]')).to_be_visible()


def test_the_gadget_reloads_on_its_interval_and_not_before(page, host_url, recorded):
    page.clock.install()
    open_dashboard(page, host_url)
    frame = configure(page, host_url, "1", TABLE_REPORT)
    asked = len([r for r in recorded.requests if "/api/reports/" in r["url"]])
    shown = frame.get_by_test_id("gadget-refreshed").get_attribute("datetime")
    page.clock.run_for("14:00")
    # A refresh says "Refreshing…" at once, in the timer's own turn, then a new time.
    assert frame.get_by_test_id("gadget-status").inner_text().startswith("Last refreshed")
    assert frame.get_by_test_id("gadget-refreshed").get_attribute("datetime") == shown
    with page.expect_request(lambda request: "/api/reports/" in request.url):
        page.clock.run_for("01:01")
    expect(frame.get_by_test_id("gadget-title")).to_have_text(TABLE_REPORT)
    assert len([r for r in recorded.requests if "/api/reports/" in r["url"]]) == asked + 1


def test_a_private_report_is_not_available_to_another_viewer(page, host_url):
    open_dashboard(page, host_url)
    name = f"Private gadget report {uuid.uuid4().hex[:6]}"
    made = in_frame(page, "1", SERVER_JS, {"method": "POST", "path": "/api/reports", "body": {
        "name": name, "jql": "project = RPT", "columns": ["key"], "visibility": "private"}})
    assert made["status"] == 201, made
    page.reload()
    configure(page, host_url, "1", name)
    with page.expect_navigation():
        page.get_by_label("Demo user").select_option(OTHER_USER)
    expect(frame_of(page, "1").get_by_test_id("gadget-unavailable")).to_contain_text(
        "This report is not available to you")
    expect(frame_of(page, "1").get_by_test_id("gadget-title")).to_have_count(0)


GADGET_RESOURCE = FORGE / "gadget"
RESOURCE_ORIGIN = "https://gadget.forge.test"
RESOURCE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                "connect-src 'self'; font-src 'self'; base-uri 'none'")
# The host's side of @forge/bridge for the gadget's edit view: answers the bundle's
# callBridge (getContext, invoke, submit) and records the calls.
FORGE_EDIT_HOST_JS = """() => {
  const calls = [];
  const context = {localId: 'ari:cloud:ecosystem::extension/app-1/env-2/static/jqlr-gadget',
    moduleKey: 'jqlr-gadget', siteUrl: 'https://demo.atlassian.net',
    extension: {type: 'jira:dashboardGadget', entryPoint: 'edit',
      gadget: {id: 'g1'}, dashboard: {id: '10000'}, gadgetConfiguration: {}}};
  const summary = {id: 'r1', name: 'Built report', description: '', version: 1,
    updatedAt: '2026-11-01T10:00:00Z', updatedBy: 'u', owner: null, visibility: 'site',
    canEdit: true, canDelete: true, canShare: true};
  const answers = {
    getContext: () => context,
    invoke: () => ({success: true, payload: {status: 200,
      headers: {'content-type': ['application/json']}, body: {reports: [summary]}}}),
    submit: () => true,
  };
  globalThis.__bridge = {callBridge: async (name, payload) => {
    calls.push({name, payload: JSON.parse(JSON.stringify(payload ?? null))});
    return answers[name]?.(payload);
  }};
  globalThis.bridgeCalls = calls;
}"""


def _serve_gadget(route):
    """Answer a request for the gadget resource from forge/gadget, as Forge's CDN would."""
    path = urlsplit(route.request.url).path.lstrip("/") or "index.html"
    file = (GADGET_RESOURCE / path).resolve()
    if GADGET_RESOURCE.resolve() not in file.parents or not file.is_file():
        return route.fulfill(status=404, body="not found")
    headers = {"Content-Security-Policy": RESOURCE_CSP} if file.suffix == ".html" else {}
    kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    return route.fulfill(path=str(file), content_type=kind, headers=headers)


def test_built_gadget_edit_view_submits_on_the_bundled_bridge(page, recorded):
    build_forge()
    page.add_init_script(FORGE_EDIT_HOST_JS.join(["(", ")()"]))
    page.route(f"{RESOURCE_ORIGIN}/**", _serve_gadget)
    page.goto(f"{RESOURCE_ORIGIN}/index.html")
    page.get_by_test_id("gadget-report").select_option(label="Built report")
    page.get_by_test_id("gadget-refresh-minutes").fill("30")
    page.get_by_test_id("gadget-save").click()
    expect(page.get_by_test_id("gadget-save")).to_be_disabled()
    page.wait_for_function("bridgeCalls.some((call) => call.name === 'submit')")
    calls = page.evaluate("bridgeCalls")
    submitted = [call["payload"] for call in calls if call["name"] == "submit"]
    assert submitted == [{"reportId": "r1", "show": "auto", "rows": 10,
                          "refreshMinutes": 30, "refresh": 30}]
    invoke = next(call["payload"] for call in calls if call["name"] == "invoke")
    assert (invoke["path"], invoke["method"]) == ("/api/reports", "GET")
    assert {urlsplit(r["url"]).netloc for r in recorded.requests} == {"gadget.forge.test"}
    assert recorded.console_errors == [] and recorded.page_errors == []
