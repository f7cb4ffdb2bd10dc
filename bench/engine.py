"""Engine: computeReport and computeSeries on generated issues against one plain pass each.

Run: python bench/engine.py [--issues 100000] [--runs 7]
"""

import argparse
import sys

from common import chromium, demo_server, median, open_demo, print_machine, verdict

# A filter, 2 sort keys, 3 grouping levels and 3 aggregations.
REPORT = {
    "jql": "project in (RPT, OPS, WEB)",
    "columns": [
        "key",
        "summary",
        "status",
        "assignee",
        "priority",
        "customfield_10016",
    ],
    "filters": [{"field": "issuetype", "values": ["10001", "10004", "10002"]}],
    "sort": [
        {"field": "priority", "direction": "asc"},
        {"field": "created", "direction": "desc"},
    ],
    "groupBy": ["project", "status", "assignee"],
    "aggregations": [
        {"field": "customfield_10016", "function": "sum"},
        {"field": "timeoriginalestimate", "function": "avg"},
        {"field": "created", "function": "max"},
    ],
}
TARGET = 6.0
# Created vs resolved story points per ISO week, cumulative, in a zone with DST.
SERIES = {
    "dates": ["created", "resolutiondate"],
    "interval": "week",
    "cumulative": True,
    "value": {"function": "sum", "field": "customfield_10016"},
}
SERIES_ZONE = "Europe/Berlin"
SERIES_TARGET = 3.0

# Assignee × Status, story points summed: the pivot the issue names, over every issue.
PIVOT = {
    "rows": "assignee",
    "columns": "status",
    "value": {"function": "sum", "field": "customfield_10016"},
    "maxColumns": 12,
}
PIVOT_TARGET = 3.0

# Times both in the page; each run of each is timed alone, alternating, after the same warm-up.
ENGINE_JS = """
async ({ config, issues: count, runs }) => {
  const at = (path) => new URL(path, document.baseURI).href;
  const { generateIssues, FIELDS } = await import(at('static/js/demo/data.js'));
  const { computeReport, reportFields, fieldValue } = await import(at('static/js/report.js'));
  const issues = generateIssues({ issues: count, seed: 1 });
  const fields = new Map(FIELDS.map((f) => [f.id, f]));
  const ids = reportFields(config);
  // The plain pass: every field the report uses, read once per issue, non-empty ones counted.
  const plain = () => {
    let present = 0;
    for (const issue of issues) {
      for (const id of ids) if (fieldValue(issue, id) != null) present += 1;
    }
    return present;
  };
  const engine = () => computeReport(config, issues, fields, { locale: 'en-US' });
  const time = (fn) => { const start = performance.now(); fn(); return performance.now() - start; };
  for (let n = 0; n < 2; n += 1) { plain(); engine(); }
  const plainMs = [], engineMs = [];
  for (let n = 0; n < runs; n += 1) { plainMs.push(time(plain)); engineMs.push(time(engine)); }
  const result = engine();
  const groups = (list) => list.reduce((n, g) => n + 1 + groups(g.children), 0);
  return { plainMs, engineMs, rows: result.rows.length, groups: groups(result.groups),
    top: result.groups.length, fields: ids.length, multiValued: result.multiValued };
}
"""

# computeSeries against the plain pass over the fields it reads, timed the same way.
SERIES_JS = """
async ({ timeSeries, timeZone, issues: count, runs }) => {
  const at = (path) => new URL(path, document.baseURI).href;
  const { generateIssues, FIELDS } = await import(at('static/js/demo/data.js'));
  const { reportFields, fieldValue } = await import(at('static/js/report.js'));
  const { computeSeries } = await import(at('static/js/series.js'));
  const issues = generateIssues({ issues: count, seed: 1 });
  const fields = new Map(FIELDS.map((f) => [f.id, f]));
  const ids = reportFields({ timeSeries });
  const plain = () => {
    let present = 0;
    for (const issue of issues) {
      for (const id of ids) if (fieldValue(issue, id) != null) present += 1;
    }
    return present;
  };
  const series = () => computeSeries(timeSeries, issues, fields, { timeZone });
  const time = (fn) => { const start = performance.now(); fn(); return performance.now() - start; };
  for (let n = 0; n < 2; n += 1) { plain(); series(); }
  const plainMs = [], seriesMs = [];
  for (let n = 0; n < runs; n += 1) { plainMs.push(time(plain)); seriesMs.push(time(series)); }
  const result = series();
  return { plainMs, seriesMs, buckets: result.buckets.length, fields: ids.length,
    totals: result.series.map((s) => s.total) };
}
"""


def print_series(got, args):
    """Print the time series' figures and its summary line."""
    plain, series = median(got["plainMs"]), median(got["seriesMs"])
    ratio = series / plain
    totals = ", ".join(f"{total:g}" for total in got["totals"])
    print(
        f"time series: {args.issues} issues, {got['fields']} fields, {SERIES_ZONE}; "
        f"{got['buckets']} weekly buckets; totals {totals}"
    )
    print("computeSeries ms: " + ", ".join(f"{ms:.1f}" for ms in got["seriesMs"]))
    print("plain pass ms:    " + ", ".join(f"{ms:.1f}" for ms in got["plainMs"]))
    print(
        f"SUMMARY series: computeSeries {series:.1f} ms vs plain pass {plain:.1f} ms "
        f"(medians of {args.runs}) = {ratio:.1f}x "
        f"[{verdict(ratio <= SERIES_TARGET)} <= {SERIES_TARGET:g}x]"
    )

# computePivot against the plain pass over the three fields it reads, timed the same way.
PIVOT_JS = """
async ({ pivot, issues: count, runs }) => {
  const at = (path) => new URL(path, document.baseURI).href;
  const { generateIssues, FIELDS } = await import(at('static/js/demo/data.js'));
  const { fieldValue } = await import(at('static/js/report.js'));
  const { computePivot } = await import(at('static/js/pivot.js'));
  const issues = generateIssues({ issues: count, seed: 1 });
  const fields = new Map(FIELDS.map((f) => [f.id, f]));
  const ids = [pivot.rows, pivot.columns, pivot.value.field];
  const plain = () => {
    let present = 0;
    for (const issue of issues) {
      for (const id of ids) if (fieldValue(issue, id) != null) present += 1;
    }
    return present;
  };
  const run = () => computePivot(pivot, issues, fields, { locale: 'en-US' });
  const time = (fn) => { const start = performance.now(); fn(); return performance.now() - start; };
  for (let n = 0; n < 2; n += 1) { plain(); run(); }
  const plainMs = [], pivotMs = [];
  for (let n = 0; n < runs; n += 1) { plainMs.push(time(plain)); pivotMs.push(time(run)); }
  const result = run();
  return { plainMs, pivotMs, rows: result.rows.length, columns: result.columns.length,
    total: result.total.value };
}
"""


def print_pivot(got, args):
    """Print the pivot's figures and its summary line."""
    plain, pivot = median(got["plainMs"]), median(got["pivotMs"])
    ratio = pivot / plain
    print(
        f"pivot: {args.issues} issues, {PIVOT['rows']} x {PIVOT['columns']}; "
        f"{got['rows']} rows, {got['columns']} columns; total {got['total']:g}"
    )
    print("computePivot ms:  " + ", ".join(f"{ms:.1f}" for ms in got["pivotMs"]))
    print("plain pass ms:    " + ", ".join(f"{ms:.1f}" for ms in got["plainMs"]))
    print(
        f"SUMMARY pivot: computePivot {pivot:.1f} ms vs plain pass {plain:.1f} ms "
        f"(medians of {args.runs}) = {ratio:.1f}x "
        f"[{verdict(ratio <= PIVOT_TARGET)} <= {PIVOT_TARGET:g}x]"
    )


def main(argv=None):
    """Run the benchmark and print its figures and a summary line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--issues", type=int, default=100000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    with demo_server(1000, 0) as base, chromium() as browser:
        print_machine(browser)
        page = open_demo(browser, base)
        got = page.evaluate(
            ENGINE_JS, {"config": REPORT, "issues": args.issues, "runs": args.runs}
        )
        series = page.evaluate(
            SERIES_JS,
            {
                "timeSeries": SERIES,
                "timeZone": SERIES_ZONE,
                "issues": args.issues,
                "runs": args.runs,
            },
        )
        pivot = page.evaluate(
            PIVOT_JS, {"pivot": PIVOT, "issues": args.issues, "runs": args.runs}
        )
    plain, engine = median(got["plainMs"]), median(got["engineMs"])
    ratio = engine / plain
    print(
        f"engine: {args.issues} issues, {got['fields']} fields; filter keeps {got['rows']}; "
        f"{got['groups']} groups ({got['top']} at the top level)"
    )
    print("computeReport ms: " + ", ".join(f"{ms:.1f}" for ms in got["engineMs"]))
    print("plain pass ms:    " + ", ".join(f"{ms:.1f}" for ms in got["plainMs"]))
    print(
        f"SUMMARY engine: computeReport {engine:.1f} ms vs plain pass {plain:.1f} ms "
        f"(medians of {args.runs}) = {ratio:.1f}x [{verdict(ratio <= TARGET)} <= {TARGET:g}x]"
    )
    print_series(series, args)
    print_pivot(pivot, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
