"""The editor builds pivots, time series and date intervals from field names alone.

Each test runs under both hosts of `python addon.py demo`: Connect and Forge. What was
saved is read back through the page's own API client, not from the report's view.
"""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_a11y import a11y_page, axe_problems, axe_script  # noqa: F401
from tests.e2e.test_browser import (
    RPT,
    editor_item,
    open_app,
    open_report,
    unique,
)
from tests.e2e.test_forge_demo import forge_url  # noqa: F401  (app_url uses it)

pytestmark = pytest.mark.browser

SAVED_JS = """async (name) => {
  const {pickHost} = await import(new URL('static/js/host/hosts.js', location.href));
  const api = await import(new URL('static/js/server/api.js', location.href));
  const host = await pickHost();
  const found = (await api.listReports(host)).find((report) => report.name === name);
  return found ? api.getReport(host, found.id) : null;
}"""
# The fields the demo's Jira answers on GET /rest/api/3/field.
FIELDS_JS = """async () => {
  const data = await import(new URL('static/js/demo/data.js', location.href));
  return data.FIELDS;
}"""
OFFERED_JS = """(input) => [...input.list.options].map((option) => option.value)"""
SERIES = "Created vs resolved"  # seeded from static/js/demo/reports.json


@pytest.fixture(params=["connect", "forge"])
def app_url(request):
    """The demo's URL under each host."""
    fixture = "base_url" if request.param == "connect" else "forge_url"
    return request.getfixturevalue(fixture)


def new_report(page, app_url, name):
    """Open a new report's editor with a name and JQL filled in."""
    open_app(page, app_url)
    page.get_by_test_id("new-report").click()
    page.get_by_test_id("report-name").fill(name)
    page.get_by_test_id("report-jql").fill(RPT)


def save(page, name):
    """Save, wait for the report's view and answer the report as it was stored."""
    page.get_by_test_id("save-report").click()
    expect(page.get_by_test_id("report-title")).to_have_text(name)
    return page.evaluate(SAVED_JS, name)


def pick_field(page, testid, name):
    """Type a field's name into a single-field input and leave it."""
    page.get_by_test_id(testid).fill(name)
    page.get_by_test_id(testid).blur()


def offered(page, testid):
    """The "Name (id)" choices a field input's datalist offers."""
    return set(page.get_by_test_id(testid).evaluate(OFFERED_JS))


def names_of(page, types):
    """"Name (id)" of the demo Jira's fields whose schema type is one of `types`."""
    fields = page.evaluate(FIELDS_JS)
    return {f"{f['name']} ({f['id']})" for f in fields
            if f.get("schema", {}).get("type") in types}


def test_a_pivot_is_built_from_field_names(page, app_url):
    name = unique("Pivot")
    new_report(page, app_url, name)
    page.get_by_test_id("add-pivot").click()
    pick_field(page, "pivot-rows", "Assignee")
    pick_field(page, "pivot-columns", "Status")
    expect(page.get_by_test_id("pivot-rows")).to_have_value("Assignee (assignee)")
    page.get_by_test_id("pivot-value-function").select_option("avg")
    assert offered(page, "pivot-value-field") == names_of(page, {"number"})
    pick_field(page, "pivot-value-field", "Story point estimate")
    page.get_by_test_id("pivot-maxColumns").fill("8")
    saved = save(page, name)
    points = {"function": "avg", "field": "customfield_10016"}
    assert saved["pivot"] == {"rows": "assignee", "columns": "status", "maxColumns": 8,
                              "value": points}
    assert saved["timeSeries"] is None


def test_a_time_series_is_built_from_field_names(page, app_url):
    name = unique("Series")
    new_report(page, app_url, name)
    page.get_by_test_id("add-timeSeries").click()
    assert offered(page, "series-date-picker") == names_of(page, {"date", "datetime"})
    for date in ("Created", "Resolved"):
        page.get_by_test_id("series-date-picker").fill(date)
        page.get_by_test_id("add-series-date").click()
    page.get_by_test_id("timeSeries-interval").select_option("month")
    page.get_by_test_id("timeSeries-cumulative").check()
    page.get_by_test_id("timeSeries-value-function").select_option("sum")
    pick_field(page, "timeSeries-value-field", "Story point estimate")
    saved = save(page, name)
    assert saved["timeSeries"] == {
        "dates": ["created", "resolutiondate"], "interval": "month", "cumulative": True,
        "value": {"function": "sum", "field": "customfield_10016"}}
    assert saved["pivot"] is None


def test_a_date_group_takes_an_interval_and_keeps_it_on_edit(page, app_url):
    name = unique("Per month")
    new_report(page, app_url, name)
    for field in ("Created", "Status"):
        page.get_by_test_id("group-picker").fill(field)
        page.get_by_test_id("add-group").click()
    created = editor_item(page, "group", "created")
    status = editor_item(page, "group", "status")
    expect(status.get_by_test_id("group-interval")).to_have_count(0)
    created.get_by_test_id("group-interval").select_option("month")
    status.get_by_test_id("move-up").click()
    saved = save(page, name)
    assert saved["groupBy"] == ["status", {"field": "created", "interval": "month"}]
    page.get_by_test_id("edit-report").click()
    expect(created.get_by_test_id("group-interval")).to_have_value("month")
    created.get_by_test_id("group-interval").select_option("")
    assert save(page, name)["groupBy"] == ["status", "created"]


def test_a_sum_without_a_number_field_is_marked_on_its_input(page, app_url):
    name = unique("Refused sum")
    new_report(page, app_url, name)
    page.get_by_test_id("add-pivot").click()
    pick_field(page, "pivot-rows", "Assignee")
    pick_field(page, "pivot-columns", "Status")
    page.get_by_test_id("pivot-value-function").select_option("sum")
    page.get_by_test_id("save-report").click()
    field = page.get_by_test_id("pivot-value-field")
    error = page.locator("#pivot-value-field-error")
    expect(error).to_have_text("Pick a number field.")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_be_focused()
    rows = page.get_by_test_id("pivot-rows")
    expect(rows).not_to_have_attribute("aria-invalid", "true")
    pick_field(page, "pivot-value-field", "Summary")
    page.get_by_test_id("save-report").click()
    expect(error).to_have_text("Summary is not a number field.")
    assert page.evaluate(SAVED_JS, name) is None


def test_a_duplicated_and_edited_series_keeps_its_block(page, app_url):
    open_app(page, app_url)
    seeded = page.evaluate(SAVED_JS, SERIES)
    assert seeded["timeSeries"]["dates"] == ["created", "resolutiondate"]
    open_report(page, SERIES)
    page.get_by_test_id("duplicate-report").click()
    copy = f"Copy of {SERIES}"
    expect(page.get_by_test_id("report-name")).to_have_value(copy)
    expect(editor_item(page, "series-date", "resolutiondate")).to_be_visible()
    expect(page.get_by_test_id("timeSeries-interval")).to_have_value("week")
    page.get_by_test_id("report-description").fill("Edited copy")
    saved = save(page, copy)
    assert saved["timeSeries"] == seeded["timeSeries"]
    assert saved["description"] == "Edited copy"


def test_the_blocks_with_errors_have_no_serious_axe_findings(a11y_page, app_url,  # noqa: F811
                                                             axe_script):  # noqa: F811
    page = a11y_page
    new_report(page, app_url, unique("Axe blocks"))
    page.get_by_test_id("add-pivot").click()
    page.get_by_test_id("pivot-value-function").select_option("sum")
    page.get_by_test_id("add-timeSeries").click()
    page.get_by_test_id("group-picker").fill("Created")
    page.get_by_test_id("add-group").click()
    page.get_by_test_id("save-report").click()
    expect(page.locator("#timeSeries-dates-error")).to_be_visible()
    # The sticky Save bar covers what scrolls under it, which axe cannot judge; at the
    # end of the form it covers nothing.
    page.evaluate("scrollTo(0, document.documentElement.scrollHeight)")
    assert axe_problems(page, axe_script) == {"violations": [],
                                              "incomplete on fields": []}
