"""End-to-end tests in Chromium against `python addon.py demo`."""

import collections
import csv
import io
import json
import re
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

RPT = "project = RPT"
OPS = "project = OPS"
POINTS = "customfield_10016"
OPS_KEY = re.compile(r"\bOPS-\d+\b")
# What the page may ask our server for: itself, static assets, the demo's settings and
# tokens, and report configurations. Issue data has no route here.
OUR_PATHS = re.compile(r"^/(demo|demo/config|demo/token|static/.+|api/.+)$")
XSS_NAME = '<img src=x onerror="window.__xss=1">'
XSS_DESCRIPTION = "<script>window.__xss=2</script><b>not bold</b>"

HELD_JS = """async () => {
  const state = await import(new URL('static/js/view/state.js', location.href));
  const held = state.current();
  return held && {issues: held.issues.map((issue) => issue.key),
    rows: held.result.rows.map((issue) => issue.key)};
}"""
GLOBAL_ISSUE_ARRAYS_JS = """() => Object.getOwnPropertyNames(window).filter((name) => {
  let value;
  try { value = window[name]; } catch { return false; }
  return Array.isArray(value) && value.some((item) => item && typeof item === 'object'
    && 'key' in item && 'fields' in item);
})"""
STORAGE_JS = """async () => ({
  local: localStorage.length, session: sessionStorage.length,
  databases: (await indexedDB.databases()).length, cookie: document.cookie,
  caches: (await caches.keys()).length,
})"""
API_REPORTS_JS = """async () => {
  const token = await AP.context.getToken();
  const headers = {Authorization: `JWT ${token}`};
  const response = await fetch('api/reports', {headers});
  return (await response.json()).reports;
}"""
# True once the fake Jira has answered nothing for `ms` (longer than any Retry-After
# used here), so no load, current or abandoned, still has a request to make.
JIRA_QUIET_JS = """(ms) => {
  const seen = window.__jiraQuiet ??= {length: -1, since: 0};
  const now = performance.now();
  const length = demoJira.log.length;
  if (length !== seen.length) Object.assign(seen, {length, since: now});
  return now - seen.since > ms;
}"""
SCROLL_HEADERS_JS = """async () => {
  const wrap = document.querySelector('[data-testid="table-scroll"]');
  const seen = new Map();
  for (let top = 0; ; top += wrap.clientHeight / 2) {
    wrap.scrollTop = top;
    await new Promise((done) => requestAnimationFrame(() => setTimeout(done)));
    for (const row of wrap.querySelectorAll('[data-testid="group-header"]')) {
      if (!seen.has(row.dataset.path)) seen.set(row.dataset.path, [
        Number(row.dataset.depth), row.querySelector('button').textContent.trim(),
        row.querySelector('.count').textContent,
        row.querySelector('.aggregate strong').textContent]);
    }
    if (wrap.scrollTop + wrap.clientHeight >= wrap.scrollHeight - 1) break;
  }
  return [...seen.values()];
}"""
# The first rendered rows' values in the column whose header sorts by `field`.
COLUMN_CELLS_JS = """(field) => {
  const wrap = document.querySelector('[data-testid="table-scroll"]');
  const heads = [...wrap.querySelectorAll('thead th')];
  const at = heads.findIndex((th) => th.querySelector(`[data-field="${field}"]`));
  return [...wrap.querySelectorAll('[data-testid="issue-row"]')].slice(0, 15)
    .map((row) => row.cells[at].textContent);
}"""
SAW_429_JS = "demoJira.log.some((entry) => entry.status === 429)"
DEMO_USER_JS = """async () => {
  const data = await import(new URL('static/js/demo/data.js', location.href));
  return data.DEMO_USER;
}"""


# Steps shared by the tests ############################################################


def unique(name):
    """A report name no other test uses."""
    return f"{name} {uuid.uuid4().hex[:6]}"


def number(text):
    """The first number in a text such as "1,750" or "1,003 issues · 25%"."""
    return int(re.search(r"\d[\d,]*", text).group().replace(",", ""))


def open_app(page, base_url, query=""):
    """Load the demo page and wait for the report list."""
    page.goto(f"{base_url}/demo{query}")
    expect(page.get_by_test_id("report-list")).to_be_visible()


def to_list(page):
    """Go from a report back to the list."""
    page.get_by_test_id("back-to-list").click()
    expect(page.get_by_test_id("report-list")).to_be_visible()


def report_row(page, name):
    """The list row of the report with exactly this name."""
    exact = re.compile(f"^{re.escape(name)}$")
    link = page.get_by_test_id("open-report").filter(has_text=exact)
    return page.get_by_test_id("report-item").filter(has=link)


def open_report(page, name):
    """Open a report from the list (its issues load in the background)."""
    report_row(page, name).get_by_test_id("open-report").click()
    expect(page.get_by_test_id("report-title")).to_have_text(name)


def editor_item(page, picker, field):
    """The editor's row for a field in one of its lists."""
    return page.locator(f'[data-testid="{picker}-item"][data-field="{field}"]')


def pick(page, picker, field):
    """Add a field with one of the editor's pickers (column, group, aggregation, …)."""
    page.get_by_test_id(f"{picker}-picker").fill(field)
    page.get_by_test_id(f"add-{picker}").click()
    expect(editor_item(page, picker, field)).to_be_visible()


def create_report(page, name, jql, *, description="", columns=(), groups=(), sums=()):
    """From the list: fill in a new report, save it and wait for its view."""
    page.get_by_test_id("new-report").click()
    page.get_by_test_id("report-name").fill(name)
    page.get_by_test_id("report-description").fill(description)
    page.get_by_test_id("report-jql").fill(jql)
    for field in columns:
        if not editor_item(page, "column", field).count():
            pick(page, "column", field)
    for field in groups:
        pick(page, "group", field)
    for field in sums:
        pick(page, "aggregation", field)
        function = editor_item(page, "aggregation", field).get_by_test_id(
            "aggregation-function")
        function.select_option("sum")
    page.get_by_test_id("save-report").click()
    expect(page.get_by_test_id("report-title")).to_have_text(name)


def shown_count(page):
    """Wait for the loaded result and answer the issue count its summary gives."""
    summary = page.get_by_test_id("summary")
    expect(summary).to_be_visible()
    return number(summary.text_content())


def dataset(page, project):
    """The fake Jira's issues of one project, straight from its data."""
    # As one JSON string: Playwright's own serialization of 2,000 issues takes seconds.
    issues = json.loads(page.evaluate("JSON.stringify(demoJira.dataset())"))
    return [issue for issue in issues if issue["fields"]["project"]["key"] == project]


def expected_groups(issues):
    """{(status,) and (status, assignee): (issues, story points)} computed here."""
    found = collections.defaultdict(lambda: [0, 0])
    for issue in issues:
        fields = issue["fields"]
        status = fields["status"]["name"]
        assignee = (fields["assignee"] or {}).get("displayName", "Unassigned")
        for path in ((status,), (status, assignee)):
            found[path][0] += 1
            found[path][1] += fields[POINTS] or 0
    return {path: tuple(value) for path, value in found.items()}


def shown_groups(page):
    """{(label, …): (issues, sum)} of every group header, by its label path.

    The table renders only the rows in view, so this scrolls it from top to bottom
    and keeps each header once, in table order.
    """
    rows = page.evaluate(SCROLL_HEADERS_JS)
    found, path = {}, []
    for depth, label, count, total in rows:
        path = [*path[:depth], label]
        found[tuple(path)] = (number(count), number(total))
    return found


# Tests ################################################################################


def test_grouped_report_totals_match_the_data(page, base_url):
    open_app(page, base_url)
    create_report(page, unique("Points by status"), RPT,
                  columns=("summary", "status", "assignee"),
                  groups=("status", "assignee"), sums=(POINTS,))
    total = page.get_by_test_id("grand-total")
    expect(total).to_be_visible()
    issues = dataset(page, "RPT")
    expected = expected_groups(issues)
    page.get_by_test_id("expand-all").click()
    inner = page.locator('[data-testid="group-header"][data-depth="1"]')
    expect(inner.first).to_be_visible()
    assert shown_groups(page) == expected
    points = sum(issue["fields"][POINTS] or 0 for issue in issues)
    assert number(total.locator(".count").text_content()) == len(issues)
    assert number(total.locator(".aggregate strong").text_content()) == points
    assert shown_count(page) == len(issues)


def test_list_names_who_updated_a_report(page, base_url):
    open_app(page, base_url)
    user = page.evaluate(DEMO_USER_JS)
    by = page.get_by_test_id("report-list").locator(".by")
    expect(by.first).to_have_text(f"by {user['displayName']}")
    expect(page.get_by_test_id("report-list")).not_to_contain_text(user["accountId"])


def test_edit_then_delete_a_report(page, base_url):
    open_app(page, base_url)
    old, new = unique("Draft"), unique("Renamed")
    create_report(page, old, RPT)
    page.get_by_test_id("edit-report").click()
    page.get_by_test_id("report-name").fill(new)
    pick(page, "column", "priority")
    page.get_by_test_id("save-report").click()
    expect(page.get_by_test_id("report-title")).to_have_text(new)
    head = page.get_by_test_id("report-table").locator("thead")
    expect(head).to_contain_text("Priority")
    to_list(page)
    row = report_row(page, new)
    expect(row).to_be_visible()
    expect(report_row(page, old)).to_have_count(0)
    report_id = row.get_attribute("data-id")
    row.get_by_test_id("delete-report").click()
    page.get_by_test_id("confirm-delete").click()
    gone = page.locator(f'[data-testid="report-item"][data-id="{report_id}"]')
    expect(gone).to_have_count(0)
    expect(report_row(page, new)).to_have_count(0)
    ids = [str(report["id"]) for report in page.evaluate(API_REPORTS_JS)]
    assert report_id not in ids


def test_report_name_and_description_render_as_text(page, base_url, recorded):
    open_app(page, base_url)
    name = f"{XSS_NAME} {uuid.uuid4().hex[:6]}"
    create_report(page, name, RPT, description=XSS_DESCRIPTION)
    header = page.locator(".report-header")
    expect(header.locator(".description")).to_have_text(XSS_DESCRIPTION)
    shown_count(page)
    to_list(page)
    row = report_row(page, name)
    expect(row.locator(".description")).to_have_text(XSS_DESCRIPTION)
    row.get_by_test_id("delete-report").click()
    expect(page.get_by_role("group", name="Confirm deletion")).to_contain_text(XSS_NAME)
    page.get_by_test_id("cancel-delete").click()
    open_report(page, name)
    expect(header.locator("img, script, b")).to_have_count(0)
    expect(page.locator("#app img, #app script, #app b")).to_have_count(0)
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert recorded.dialogs == []
    assert not [r for r in recorded.requests if urlsplit(r["url"]).path == "/x"]


def test_issue_data_never_reaches_our_server(page, base_url, recorded):
    open_app(page, base_url)
    create_report(page, unique("Where data goes"), RPT, groups=("status",))
    issues = dataset(page, "RPT")
    assert shown_count(page) == len(issues)
    ours = [r for r in recorded.requests if r["url"].startswith(f"{base_url}/")]
    elsewhere = [r["url"] for r in recorded.requests
                 if r not in ours and not r["url"].startswith(("data:", "blob:"))]
    assert elsewhere == []
    paths = [urlsplit(r["url"]).path for r in ours]
    assert [path for path in paths if not OUR_PATHS.match(path)] == []
    secrets = {i["key"] for i in issues} | {i["fields"]["summary"] for i in issues}
    sent = [r["url"] + (r["post_data"] or "") for r in ours]
    assert [text for text in sent if any(secret in text for secret in secrets)] == []
    log = page.evaluate("demoJira.log")
    answered = {(entry["url"].split("?")[0], entry["status"]) for entry in log}
    assert ("/rest/api/3/search/jql", 200) in answered
    assert ("/rest/api/3/issue/bulkfetch", 200) in answered


def test_opening_a_report_drops_the_previous_ones_issues(page, base_url):
    open_app(page, base_url)
    reporting = unique("Reporting")
    create_report(page, reporting, RPT)
    shown_count(page)
    to_list(page)
    create_report(page, unique("Operations"), OPS)
    shown_count(page)
    assert OPS_KEY.search(page.content())
    to_list(page)
    open_report(page, reporting)
    rpt_keys = {issue["key"] for issue in dataset(page, "RPT")}
    assert shown_count(page) == len(rpt_keys)
    assert not OPS_KEY.search(page.content())
    held = page.evaluate(HELD_JS)
    assert set(held["issues"]) == rpt_keys
    assert set(held["rows"]) == rpt_keys
    assert page.evaluate(GLOBAL_ISSUE_ARRAYS_JS) == []


def test_no_storage_api_holds_report_data(page, base_url):
    open_app(page, base_url)
    create_report(page, unique("Storage"), RPT, groups=("status",), sums=(POINTS,))
    shown_count(page)
    empty = {"local": 0, "session": 0, "databases": 0, "cookie": "", "caches": 0}
    assert page.evaluate(STORAGE_JS) == empty
    assert page.context.cookies() == []
    context = page.context
    page.close()
    later = context.new_page()
    open_app(later, base_url)
    assert later.evaluate(HELD_JS) is None
    assert later.evaluate(STORAGE_JS) == empty


def test_rate_limited_load_is_retried_and_completes(page, base_url):
    open_app(page, base_url)
    name = unique("Rate limited")
    create_report(page, name, RPT)
    shown_count(page)
    open_app(page, base_url)  # a fresh page: a reload would reopen the report
    # The list's names come first, so that the 429s hit the report's load.
    expect(report_row(page, name).locator(".by")).not_to_contain_text("…")
    page.evaluate("demoJira.inject429(2, {retryAfter: 1})")
    open_report(page, name)
    assert shown_count(page) == len(dataset(page, "RPT"))
    log = page.evaluate("demoJira.log")
    statuses = [entry["status"] for entry in log if "/user/bulk" not in entry["url"]]
    assert statuses[:2] == [429, 429]
    assert set(statuses[2:]) == {200}


def test_switching_reports_mid_load_aborts_the_first(page, base_url):
    open_app(page, base_url)
    operations, reporting = unique("Operations"), unique("Reporting")
    create_report(page, operations, OPS)
    shown_count(page)
    to_list(page)
    create_report(page, reporting, RPT)
    shown_count(page)
    to_list(page)
    # The first report's count and search both get a 429 and wait 2 s; none is left.
    page.evaluate("demoJira.inject429(2, {retryAfter: 2})")
    open_report(page, operations)
    page.wait_for_function(SAW_429_JS)
    expect(page.get_by_test_id("cancel-load")).to_be_visible()
    to_list(page)
    open_report(page, reporting)
    count = shown_count(page)
    page.wait_for_function(JIRA_QUIET_JS, arg=2500, polling=100)
    expect(page.get_by_test_id("report-title")).to_have_text(reporting)
    assert count == shown_count(page) == len(dataset(page, "RPT"))
    assert not OPS_KEY.search(page.content())
    assert {key.split("-")[0] for key in page.evaluate(HELD_JS)["issues"]} == {"RPT"}


def test_cancel_stops_the_load(page, base_url, recorded):
    open_app(page, base_url)
    create_report(page, unique("Cancelled"), RPT)
    shown_count(page)
    page.evaluate("demoJira.inject429(2, {retryAfter: 2})")
    page.get_by_test_id("refresh-report").click()
    page.wait_for_function(SAW_429_JS)
    page.get_by_test_id("cancel-load").click()
    page.wait_for_function(JIRA_QUIET_JS, arg=2500, polling=100)
    expect(page.get_by_text("Loading cancelled.")).to_be_visible()
    expect(page.get_by_test_id("load-again")).to_be_visible()
    expect(page.get_by_test_id("load-progress")).to_be_hidden()
    expect(page.get_by_test_id("report-table")).to_have_count(0)
    expect(page.get_by_test_id("message")).to_be_hidden()
    page.get_by_test_id("load-again").click()
    assert shown_count(page) == len(dataset(page, "RPT"))
    assert recorded.console_errors == []
    assert recorded.page_errors == []


def test_csv_download_has_a_row_per_issue(page, base_url):
    open_app(page, base_url)
    create_report(page, unique("Export"), RPT, groups=("status",))
    count = shown_count(page)
    with page.expect_download() as download:
        page.get_by_test_id("download-csv").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    header, *rows = csv.reader(io.StringIO(text))
    assert header == ["Status", "Key", "Summary", "Assignee"]  # grouped on once
    assert len(rows) == count
    keys = sorted(issue["key"] for issue in dataset(page, "RPT"))
    assert sorted(row[1] for row in rows) == keys


def test_header_click_sorts_the_view_in_memory(page, base_url, recorded):
    open_app(page, base_url)
    create_report(page, unique("Sortable"), RPT, columns=(POINTS,))
    shown_count(page)
    requests, jira = len(recorded.requests), page.evaluate("demoJira.log.length")
    header = page.get_by_test_id("sort-by").and_(page.locator(f'[data-field="{POINTS}"]'))
    cell = page.locator("thead th").filter(has=header)
    seen = {}
    for state in ("ascending", "descending"):
        header.click()
        expect(cell).to_have_attribute("aria-sort", state)
        expect(header.locator(".sort-arrow")).not_to_be_empty()
        texts = page.evaluate(COLUMN_CELLS_JS, POINTS)
        seen[state] = [float(text) for text in texts if text]
    assert len(seen["ascending"]) >= 10
    assert seen["ascending"] == sorted(seen["ascending"])
    assert seen["descending"] == sorted(seen["descending"], reverse=True)
    assert seen["ascending"][0] < seen["descending"][0]
    header.click()
    expect(cell).not_to_have_attribute("aria-sort", re.compile(".*"))
    assert len(recorded.requests) == requests
    assert page.evaluate("demoJira.log.length") == jira


def test_project_page_preselects_its_project(page, base_url):
    open_app(page, base_url, "?projectKey=RPT&projectId=10000")
    page.get_by_test_id("new-report").click()
    jql = page.get_by_test_id("report-jql")
    expect(jql).to_have_value(re.compile(r"^project = RPT\b"))
    name = unique("Project page")
    page.get_by_test_id("report-name").fill(name)
    page.get_by_test_id("save-report").click()
    expect(page.get_by_test_id("report-title")).to_have_text(name)
    assert shown_count(page) == len(dataset(page, "RPT"))


def test_jql_error_shows_by_the_field_and_blocks_saving(page, base_url, recorded):
    open_app(page, base_url)
    name = unique("Bad JQL")
    page.get_by_test_id("new-report").click()
    page.get_by_test_id("report-name").fill(name)
    jql = page.get_by_test_id("report-jql")
    jql.fill("universe = 1")
    jql.blur()
    error = page.locator("#jql-error")
    expect(error).to_contain_text("universe")
    expect(jql).to_have_attribute("aria-describedby", re.compile(r"\bjql-error\b"))
    expect(jql).to_have_attribute("aria-invalid", "true")
    page.get_by_test_id("save-report").click()
    expect(page.get_by_test_id("message")).to_contain_text("Fix the marked fields")
    expect(error).to_contain_text("universe")
    expect(page.get_by_test_id("report-name")).to_have_value(name)
    posts = [r for r in recorded.requests if r["method"] in ("POST", "PUT")
             and urlsplit(r["url"]).path.startswith("/api/")]
    assert posts == []
    assert name not in [report["name"] for report in page.evaluate(API_REPORTS_JS)]


def test_main_flow_logs_no_errors(page, base_url, recorded):
    open_app(page, base_url)
    name = unique("Clean run")
    create_report(page, name, RPT, groups=("status", "assignee"), sums=(POINTS,))
    shown_count(page)
    page.get_by_test_id("expand-all").click()
    page.get_by_test_id("collapse-all").click()
    page.get_by_test_id("group-header").first.get_by_role("button").click()
    page.get_by_test_id("edit-report").click()
    page.get_by_test_id("cancel-edit").click()
    shown_count(page)
    with page.expect_download():
        page.get_by_test_id("download-csv").click()
    to_list(page)
    open_report(page, name)
    shown_count(page)
    to_list(page)
    favicon = [e for e in recorded.console_errors if e[1].endswith("/favicon.ico")]
    assert [e for e in recorded.console_errors if e not in favicon] == []
    assert recorded.page_errors == []
