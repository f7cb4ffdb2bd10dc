"""Pivot tables, time series, stacked charts and their CSV, in both hosts of the demo.

Reports are created through the page's own API client, so these tests need no editor.
Expected figures are worked out here from the demo Jira's issues, in the demo user's time
zone (Europe/Berlin, from GET /rest/api/3/myself).
"""

import collections
import csv
import datetime
import io
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.test_a11y import a11y_page, axe_problems, axe_script  # noqa: F401
from tests.e2e.test_browser import (
    RPT,
    dataset,
    open_app,
    open_report,
    shown_count,
    unique,
)

pytestmark = pytest.mark.browser

USER_ZONE = ZoneInfo("Europe/Berlin")  # the demo user's timeZone (static/js/demo/data.js)
CREATE_JS = """async (config) => {
  const {pickHost} = await import(new URL('static/js/host/hosts.js', location.href));
  const api = await import(new URL('static/js/server/api.js', location.href));
  return (await api.createReport(await pickHost(), config)).id;
}"""
PIVOT = {"rows": "assignee", "columns": "status", "maxColumns": 12,
         "value": {"function": "count", "field": None}}
SERIES = {"dates": ["created", "resolutiondate"], "interval": "week", "cumulative": False,
          "value": {"function": "count", "field": None}}
WEEK = re.compile(r"^\d{4}-W\d\d$")
# A Jira whose myself answer has no timeZone (the OpenAPI spec's User allows none).
NO_ZONE_JS = """() => {
  const handle = demoJira.handle;
  demoJira.handle = async (request) => {
    const answer = await handle(request);
    if (!request.url.startsWith('/rest/api/3/myself')) return answer;
    const {timeZone, ...user} = JSON.parse(answer.body);
    return {...answer, body: JSON.stringify(user)};
  };
}"""
# The fake Jira's count of a JQL: the demo's JQL evaluator behind its search API.
JQL_COUNT_JS = """async (jql) => {
  const answer = await demoJira.handle({method: 'POST',
    url: '/rest/api/3/search/approximate-count', body: JSON.stringify({jql})});
  return JSON.parse(answer.body).count;
}"""


def show(page, url, name, jira_js="() => null", **config):
    """Create a report on RPT through the API, open it and wait for its result.

    jira_js runs on the page before the report opens, e.g. to change the demo Jira.
    """
    open_app(page, url)
    report = {"name": unique(name), "jql": RPT, "columns": ["key", "summary"],
              "pivot": None, "timeSeries": None, **config}
    page.evaluate(CREATE_JS, report)
    open_app(page, url)
    page.evaluate(jira_js)
    open_report(page, report["name"])
    shown_count(page)
    return report["name"]


def pivot_counts(issues):
    """{(assignee name, status name): issues}, with "Unassigned" for none."""
    found = collections.Counter()
    for issue in issues:
        fields = issue["fields"]
        person = (fields["assignee"] or {}).get("displayName", "Unassigned")
        found[(person, fields["status"]["name"])] += 1
    return found


def week_of(text, zone):
    """The ISO week label of a Jira datetime in a time zone."""
    moment = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z")
    year, week, _ = moment.astimezone(zone).isocalendar()
    return f"{year}-W{week:02d}"


def weekly(issues, zone=USER_ZONE):
    """{week: [created, resolved]} of the issues, weeks with neither left out."""
    found = collections.defaultdict(lambda: [0, 0])
    for issue in issues:
        for index, field in enumerate(("created", "resolutiondate")):
            if issue["fields"][field]:
                found[week_of(issue["fields"][field], zone)][index] += 1
    return {week: tuple(counts) for week, counts in found.items()}


def shown_weeks(page):
    """The series' data table as {week: (created, resolved)}, empty weeks left out."""
    page.get_by_test_id("series-table-toggle").click()
    rows = page.get_by_test_id("series-table").locator("tbody tr").all()
    cells = [texts(row.locator("th, td")) for row in rows]
    return {w: (number(c), number(r)) for w, c, r in cells if (c, r) != ("0", "0")}


def texts(locator):
    """The trimmed text of every element a locator finds."""
    return [text.strip() for text in locator.all_text_contents()]


def number(text):
    """A figure as shown ("1,204") or exported ("1204") as an int."""
    return int(text.replace(",", ""))


def download_csv(page, separator=","):
    """Download the open report's CSV with a separator; its lines, parsed."""
    page.get_by_test_id("csv-separator").select_option(separator)
    with page.expect_download() as download:
        page.get_by_test_id("download-csv").click()
    text = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    assert text.endswith("\r\n")
    return list(csv.reader(io.StringIO(text), delimiter=separator))


def shown_pivot(page):
    """The pivot's header, {(row, column): count}, its Total column and its Total row."""
    table = page.get_by_test_id("pivot-table")
    header = texts(table.locator("thead th[scope=col]"))
    columns = header[1:]
    cells, totals = {}, {}
    for row in table.locator("tbody tr").all():
        label = row.locator("th[scope=row]").text_content()
        values = [number(v) for v in texts(row.locator("td"))]
        cells.update({(label, c): v for c, v in zip(columns, values[:-1], strict=False)
                      if v})
        totals[label] = values[-1]
    foot = [number(v) for v in texts(table.locator("tfoot td"))]
    return header, cells, totals, dict(zip(columns, foot, strict=False))


def test_a_pivot_shows_headers_and_totals_of_the_loaded_data(page, host_url):
    show(page, host_url, "Pivot", pivot=PIVOT)
    expected = pivot_counts(dataset(page, "RPT"))
    table = page.get_by_test_id("pivot-table")
    expect(table.locator("caption")).to_have_text("Issues by Assignee and Status")
    header, cells, totals, foot = shown_pivot(page)
    assert header[0] == "Assignee" and header[-1] == "Total"
    assert cells == dict(expected)
    assert totals == {row: sum(n for (r, _), n in expected.items() if r == row)
                      for row, _ in expected}
    assert foot["Total"] == sum(expected.values())
    page.get_by_test_id("pivot-rows-order").select_option("total")
    _, _, by_total, _ = shown_pivot(page)
    assert list(by_total.values()) == sorted(by_total.values(), reverse=True)


def test_a_time_series_has_a_legend_focusable_points_and_a_data_table(page, host_url):
    show(page, host_url, "Series", timeSeries=SERIES)
    expected = weekly(dataset(page, "RPT"))
    expect(page.get_by_test_id("series-legend").locator("li")).to_have_text(
        ["Created", "Resolved"])
    expect(page.get_by_test_id("zone-note")).to_have_text(
        "Buckets use your Jira time zone, Europe/Berlin.")
    point = page.get_by_test_id("series-point").first
    point.focus()
    label = point.get_attribute("aria-label")
    assert re.fullmatch(r"Created, \d{4}-W\d\d: [\d,]+", label), label
    expect(page.locator(".point-tip")).to_have_text(label)
    counts = [page.evaluate(JQL_COUNT_JS, p.get_attribute("data-jql"))
              for p in page.get_by_test_id("series-point").all()]
    values = [number(p.get_attribute("aria-label").rpartition(": ")[2])
              for p in page.get_by_test_id("series-point").all()]
    assert counts == values
    table = page.get_by_test_id("series-table")
    expect(table).to_be_hidden()
    assert shown_weeks(page) == expected
    expect(table).to_be_visible()
    assert texts(table.locator("thead th")) == ["Week", "Created", "Resolved"]
    rows = table.locator("tbody tr").count()
    assert page.get_by_test_id("series-point").count() == 2 * rows


def test_without_a_jira_time_zone_buckets_use_the_browsers_and_say_so(page, host_url):
    show(page, host_url, "Series no zone", jira_js=NO_ZONE_JS, timeSeries=SERIES)
    browser_zone = page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone")
    expect(page.get_by_test_id("zone-note")).to_have_text(
        f"Jira gave no time zone: buckets use this browser's, {browser_zone}.")
    assert shown_weeks(page) == weekly(dataset(page, "RPT"), ZoneInfo(browser_zone))


def test_two_grouping_levels_stack_and_the_bar_limit_adds_other(page, host_url):
    show(page, host_url, "Stacked", groupBy=["status", "assignee"])
    expected = pivot_counts(dataset(page, "RPT"))
    segments = page.get_by_test_id("segment")
    names = {segment.get_attribute("aria-label") for segment in segments.all()}
    assert names == {f"{status}, {person}: {n:,}" for (person, status), n in expected.items()}
    people = sorted({person for person, _ in expected})
    assert sorted(texts(page.get_by_test_id("chart-legend").locator("li"))) == people
    show(page, host_url, "Per day", groupBy=[{"field": "created", "interval": "day"}])
    bars = page.get_by_test_id("bar")
    expect(bars).to_have_count(31)
    counts = [number(t) for t in texts(bars.locator(".bar-value"))]
    assert bars.last.locator(".bar-label").text_content() == "Other"
    assert sum(counts) == len(dataset(page, "RPT"))


def test_pivot_csv_is_its_matrix_with_totals(page, host_url):
    show(page, host_url, "Pivot CSV", pivot=PIVOT)
    expected = pivot_counts(dataset(page, "RPT"))
    header, *rows, total = download_csv(page)
    assert header[0] == "Assignee" and header[-1] == "Total"
    statuses = header[1:-1]
    found = {(row[0], s): int(v) for row in rows
             for s, v in zip(statuses, row[1:], strict=False) if v != "0"}
    assert found == dict(expected)
    assert total == ["Total", *[str(sum(n for (_, s), n in expected.items() if s == status))
                                for status in statuses], str(sum(expected.values()))]


def test_series_csv_has_a_line_per_week_and_semicolons_on_request(page, host_url):
    show(page, host_url, "Series CSV", timeSeries=SERIES)
    expected = weekly(dataset(page, "RPT"))
    header, *rows = download_csv(page, ";")
    assert header == ["Week", "Created", "Resolved"]
    assert all(WEEK.match(row[0]) for row in rows)
    assert [row[0] for row in rows] == sorted(row[0] for row in rows)
    assert {row[0]: (int(row[1]), int(row[2])) for row in rows if row[1:] != ["0", "0"]} \
        == expected


def test_pivot_and_series_pass_axe(a11y_page, host_url, axe_script):  # noqa: F811
    show(a11y_page, host_url, "Kinds a11y", pivot=PIVOT, timeSeries=SERIES)
    expect(a11y_page.get_by_test_id("pivot-table")).to_be_visible()
    a11y_page.get_by_test_id("series-table-toggle").click()
    assert axe_problems(a11y_page, axe_script) == {"violations": [],
                                                   "incomplete on fields": []}
