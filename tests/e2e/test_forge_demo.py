"""The report flow on Forge: `python addon.py demo --host forge` and the built resource."""

import json
import mimetypes
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.conftest import demo_server
from tests.e2e.test_browser import (
    POINTS,
    RPT,
    create_report,
    dataset,
    expected_groups,
    number,
    open_app,
    report_row,
    shown_count,
    shown_groups,
    unique,
)
from tests.forge_build import RESOURCE, build_forge

pytestmark = pytest.mark.browser

SITE = "https://demo.atlassian.net"
ROUTER_LOG_JS = "forgeBridge.router.log"
# The built resource, served at a made-up origin under a CSP like Forge's default.
RESOURCE_ORIGIN = "https://resource.forge.test"
RESOURCE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                "connect-src 'self'; font-src 'self'; base-uri 'none'")
SUMMARY = {"id": "r1", "name": "Built report", "description": "From the bundle",
           "updatedAt": "2026-11-01T10:00:00Z", "updatedBy": "5b10a2844c20165700ede21g",
           "version": 1}
# The host's side of @forge/bridge: it answers the bundle's callBridge and records the calls.
FORGE_HOST_JS = """(summary) => {
  const calls = [];
  const answers = {
    getContext: () => ({locale: 'en-US', extension: {type: 'jira:projectPage',
      project: {key: 'RPT', id: '10000', type: 'software'}}}),
    invoke: () => ({success: true, payload: {status: 200,
      headers: {'content-type': ['application/json']}, body: {reports: [summary]}}}),
    fetchProduct: () => ({status: 200, statusText: 'OK',
      headers: {'content-type': 'application/json'}, body: '[]'}),
  };
  globalThis.__bridge = {callBridge: async (name, payload) => {
    calls.push({name, payload: JSON.parse(JSON.stringify(payload ?? null))});
    return answers[name]?.(payload);
  }};
  globalThis.bridgeCalls = calls;
}"""
# A report saved straight through the demo's bridge, with or without a content type.
BRIDGE_POST_JS = """async ({name, headers}) => {
  const body = {name, jql: 'project = RPT', columns: ['key']};
  const input = {path: '/api/reports', method: 'POST', body};
  const answer = await forgeBridge.invokeRemote(headers ? {...input, headers} : input);
  return {status: answer.status, headers: answer.headers, body: answer.body ?? null};
}"""
OPEN_ISSUE_JS = """async () => {
  const {pickHost} = await import('./js/host/hosts.js');
  (await pickHost()).openIssue('RPT-7');
  await new Promise((resolve) => setTimeout(resolve, 0));
}"""


@pytest.fixture(scope="module")
def forge_url(tmp_path_factory):
    """`python addon.py demo --host forge` on a free port, for this module."""
    with demo_server(tmp_path_factory.mktemp("forge-demo"), "--host", "forge",
                     "--issues", "2000", "--latency-ms", "0") as url:
        yield url


@pytest.fixture
def jira_site(page):
    """Tabs the demo opens on the Jira site get a stub page instead of the network."""
    page.context.route(f"{SITE}/**", lambda route: route.fulfill(body="Jira", status=200))
    return page


def test_forge_grouped_report_totals_match_the_data(page, forge_url, recorded):
    open_app(page, forge_url)
    assert page.evaluate("typeof window.AP") == "undefined"
    create_report(page, unique("Forge points"), RPT, columns=("summary", "status", "assignee"),
                  groups=("status", "assignee"), sums=(POINTS,))
    issues = dataset(page, "RPT")
    total = page.get_by_test_id("grand-total")
    expect(total).to_be_visible()
    page.get_by_test_id("expand-all").click()
    expect(page.locator('[data-testid="group-header"][data-depth="1"]').first).to_be_visible()
    assert shown_groups(page) == expected_groups(issues)
    assert number(total.locator(".count").text_content()) == len(issues)
    points = sum(issue["fields"][POINTS] or 0 for issue in issues)
    assert number(total.locator(".aggregate strong").text_content()) == points
    paths = {urlsplit(r["url"]).path for r in recorded.requests}
    assert "/demo/fit" in paths and "/demo/token" not in paths
    assert recorded.console_errors == [] and recorded.page_errors == []


def test_forge_issue_link_opens_through_the_router(jira_site, forge_url):
    page = jira_site
    open_app(page, forge_url)
    create_report(page, unique("Forge links"), RPT)
    shown_count(page)
    link = page.get_by_test_id("report-table").locator("a.issue-key").first
    key = link.text_content()
    assert link.get_attribute("href") == "#" and link.get_attribute("target") is None
    with page.expect_popup() as popup:
        link.click()
    assert popup.value.url == f"{SITE}/browse/{key}"
    assert page.evaluate(ROUTER_LOG_JS) == [{"url": f"/browse/{key}", "type": "new-tab"}]


def test_forge_project_page_preselects_its_project(page, forge_url):
    open_app(page, forge_url, "?projectKey=RPT&projectId=10000")
    expect(page.locator(".project-chip")).to_have_text("Project RPT")
    page.get_by_test_id("new-report").click()
    expect(page.get_by_test_id("report-jql")).to_have_value(re.compile(r"^project = RPT\b"))
    name = unique("Forge project page")
    page.get_by_test_id("report-name").fill(name)
    page.get_by_test_id("save-report").click()
    expect(page.get_by_test_id("report-title")).to_have_text(name)
    assert shown_count(page) == len(dataset(page, "RPT"))


def test_forge_bridge_sends_only_the_headers_it_is_given(page, forge_url):
    # @forge/bridge 7.2.0 (out/invoke-endpoint/invoke-endpoint.js) adds no header of its
    # own and joins the answer's header lists; the server refuses a body not sent as JSON.
    open_app(page, forge_url)
    name = unique("Bridge headers")
    bare = page.evaluate(BRIDGE_POST_JS, {"name": name, "headers": None})
    assert (bare["status"], bare["body"]["status"]) == (415, 415)
    assert bare["headers"]["content-type"] == "application/json"
    typed = {"Content-Type": "application/json"}
    saved = page.evaluate(BRIDGE_POST_JS, {"name": name, "headers": typed})
    assert saved["status"] == 201 and saved["body"]["name"] == name
    page.reload()
    expect(report_row(page, name)).to_have_count(1)


def test_forge_refused_token_shows_why(page, forge_url):
    page.route("**/demo/fit", lambda route: route.fulfill(
        json={"token": "not-a-token"}, status=200))
    page.goto(f"{forge_url}/demo")
    message = page.get_by_test_id("message")
    expect(message).to_contain_text("did not accept the request from Jira")
    expect(message).to_contain_text("Forge Invocation Token")


def _serve_resource(route):
    """Answer a request for the resource origin from forge/static, as Forge's CDN would."""
    path = urlsplit(route.request.url).path.lstrip("/") or "index.html"
    file = (RESOURCE / path).resolve()
    if RESOURCE.resolve() not in file.parents or not file.is_file():
        return route.fulfill(status=404, body="not found")
    headers = {"Content-Security-Policy": RESOURCE_CSP} if file.suffix == ".html" else {}
    kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    return route.fulfill(path=str(file), content_type=kind, headers=headers)


@pytest.fixture(scope="module")
def resource():
    """forge/static, freshly built."""
    build_forge()
    return RESOURCE


def test_built_resource_runs_on_the_bundled_bridge(page, recorded, resource):
    page.add_init_script(f"({FORGE_HOST_JS})({json.dumps(SUMMARY)})")
    page.route(f"{RESOURCE_ORIGIN}/**", _serve_resource)
    page.goto(f"{RESOURCE_ORIGIN}/index.html")
    expect(page.get_by_test_id("report-item")).to_contain_text("Built report")
    expect(page.locator(".project-chip")).to_have_text("Project RPT")
    page.get_by_test_id("new-report").click()
    expect(page.get_by_test_id("report-jql")).to_have_value(re.compile(r"^project = RPT\b"))
    page.evaluate(OPEN_ISSUE_JS)
    calls = page.evaluate("bridgeCalls")
    invoke = next(call["payload"] for call in calls if call["name"] == "invoke")
    assert (invoke["path"], invoke["method"]) == ("/api/reports", "GET")
    fetches = [call["payload"] for call in calls if call["name"] == "fetchProduct"]
    assert "/rest/api/3/field" in [fetch["restPath"] for fetch in fetches]
    navigations = [call["payload"] for call in calls if call["name"] == "navigate"]
    assert navigations == [{"url": "/browse/RPT-7", "type": "new-tab"}]
    assert {urlsplit(r["url"]).netloc for r in recorded.requests} == {"resource.forge.test"}
    assert recorded.console_errors == [] and recorded.page_errors == []
