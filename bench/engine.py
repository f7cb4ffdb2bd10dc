"""Engine: computeReport, computeSeries and computePivot against one plain pass each.

The issues are generated in the page, sent as Jira's JSON answers and slimmed as the loader
keeps them (slim.js, which also reads their datetimes once); that load-time step is timed
and printed on its own.

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
# Figures without a target: a multi-value field (an issue under each label) and a datetime
# (a row per day of the user's zone), counted by status.
PIVOT_FIGURES = [
    {"rows": "labels", "columns": "status", "value": {"function": "count", "field": None}},
    {"rows": "created", "columns": "status", "value": {"function": "count", "field": None}},
]

# Generates the issues once, then loads each benchmark's own copy as a user's page does: Jira
# answers with the report's fields, 1,000 issues a JSON text (a bulkfetch), and the loader
# parses and slims each answer (slim.js, which reads the datetimes). The slimming is timed, and
# the datetime reading within it apart: work done once per load, not per computed report.
ISSUES_JS = """
async ({ issues: count }) => {
  const at = (path) => new URL(path, document.baseURI).href;
  const { generateIssues } = await import(at('static/js/demo/data.js'));
  const { createSlimmer } = await import(at('static/js/jira/slim.js'));
  const { jiraInstant } = await import(at('static/js/engine/formats.js'));
  const beans = generateIssues({ issues: count, seed: 1 });
  const time = (fn) => { const start = performance.now(); fn(); return performance.now() - start; };
  const answer = (part, ids) => JSON.stringify({ issues: part.map(({ id, key, fields }) => ({
    id, key, fields: Object.fromEntries(ids.filter((f) => f in fields).map((f) => [f, fields[f]])),
  })) });
  const read = (issues, ids) => {
    let n = 0;
    for (const { fields } of issues) {
      for (const id of ids) {
        const value = fields[id];
        if (typeof value === 'string' && !Number.isNaN(jiraInstant(value))) n += 1;
      }
    }
    return n;
  };
  window.benchLoaded = (ids) => {
    const [issues, slim] = [[], createSlimmer(ids)];
    const load = { slimMs: 0, readMs: 0, datetimes: 0 };
    for (let first = 0; first < beans.length; first += 1000) {
      const received = JSON.parse(answer(beans.slice(first, first + 1000), ids)).issues;
      load.slimMs += time(() => { for (const bean of received) issues.push(slim(bean)); });
    }
    // The same texts read again in one go, away from the parsing's garbage collections.
    load.readMs = time(() => { load.datetimes = read(issues, ids); });
    return { issues, load };
  };
}
"""


def print_load(name, load, args):
    """Print what the loader spent on a benchmark's issues: once per load, not per report."""
    print(
        f"{name} load: slimming {args.issues} issues {load['slimMs']:.1f} ms; reading "
        f"their {load['datetimes']} datetimes alone {load['readMs']:.1f} ms (once per load)"
    )


# Times both in the page; each run of each is timed alone, alternating, after the same warm-up.
ENGINE_JS = """
async ({ config, runs }) => {
  const at = (path) => new URL(path, document.baseURI).href;
  const { FIELDS } = await import(at('static/js/demo/data.js'));
  const { computeReport, reportFields, fieldValue } = await import(at('static/js/engine/report.js'));
  const fields = new Map(FIELDS.map((f) => [f.id, f]));
  const ids = reportFields(config);
  const { issues, load } = window.benchLoaded(ids);
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
    top: result.groups.length, fields: ids.length, multiValued: result.multiValued, load };
}
"""

# computeSeries against the plain pass over the fields it reads, timed the same way.
SERIES_JS = """
async ({ timeSeries, timeZone, runs }) => {
  const at = (path) => new URL(path, document.baseURI).href;
  const { FIELDS } = await import(at('static/js/demo/data.js'));
  const { reportFields, fieldValue } = await import(at('static/js/engine/report.js'));
  const { computeSeries } = await import(at('static/js/engine/series.js'));
  const fields = new Map(FIELDS.map((f) => [f.id, f]));
  const ids = reportFields({ timeSeries });
  const { issues, load } = window.benchLoaded(ids);
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
    totals: result.series.map((s) => s.total), load };
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
    print_load("time series", got["load"], args)
    print("computeSeries ms: " + ", ".join(f"{ms:.1f}" for ms in got["seriesMs"]))
    print("plain pass ms:    " + ", ".join(f"{ms:.1f}" for ms in got["plainMs"]))
    print(
        f"SUMMARY series: computeSeries {series:.1f} ms vs plain pass {plain:.1f} ms "
        f"(medians of {args.runs}) = {ratio:.1f}x "
        f"[{verdict(ratio <= SERIES_TARGET)} <= {SERIES_TARGET:g}x]"
    )


# computePivot against the plain pass over the fields it reads, timed the same way.
PIVOT_JS = """
async ({ pivot, timeZone, runs }) => {
  const at = (path) => new URL(path, document.baseURI).href;
  const { FIELDS } = await import(at('static/js/demo/data.js'));
  const { fieldValue, reportFields } = await import(at('static/js/engine/report.js'));
  const { computePivot } = await import(at('static/js/engine/pivot.js'));
  const fields = new Map(FIELDS.map((f) => [f.id, f]));
  const ids = reportFields({ pivot });
  const { issues, load } = window.benchLoaded(ids);
  const plain = () => {
    let present = 0;
    for (const issue of issues) {
      for (const id of ids) if (fieldValue(issue, id) != null) present += 1;
    }
    return present;
  };
  const run = () => computePivot(pivot, issues, fields, { locale: 'en-US', timeZone });
  const time = (fn) => { const start = performance.now(); fn(); return performance.now() - start; };
  for (let n = 0; n < 2; n += 1) { plain(); run(); }
  const plainMs = [], pivotMs = [];
  for (let n = 0; n < runs; n += 1) { plainMs.push(time(plain)); pivotMs.push(time(run)); }
  const result = run();
  return { plainMs, pivotMs, rows: result.rows.length, columns: result.columns.length,
    total: result.total.value, load };
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
    print_load("pivot", got["load"], args)
    print("computePivot ms:  " + ", ".join(f"{ms:.1f}" for ms in got["pivotMs"]))
    print("plain pass ms:    " + ", ".join(f"{ms:.1f}" for ms in got["plainMs"]))
    print(
        f"SUMMARY pivot: computePivot {pivot:.1f} ms vs plain pass {plain:.1f} ms "
        f"(medians of {args.runs}) = {ratio:.1f}x "
        f"[{verdict(ratio <= PIVOT_TARGET)} <= {PIVOT_TARGET:g}x]"
    )


def print_pivot_figures(figures, args):
    """Print the pivots measured without a target, one line each."""
    for pivot, got in zip(PIVOT_FIGURES, figures, strict=True):
        plain, ms = median(got["plainMs"]), median(got["pivotMs"])
        print(
            f"pivot {pivot['rows']} x {pivot['columns']} (count, no target): {ms:.1f} ms vs "
            f"plain pass {plain:.1f} ms (medians of {args.runs}) = {ms / plain:.1f}x; "
            f"{got['rows']} rows, {got['columns']} columns"
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
        page.evaluate(ISSUES_JS, {"issues": args.issues})
        got = page.evaluate(ENGINE_JS, {"config": REPORT, "runs": args.runs})
        series = page.evaluate(
            SERIES_JS,
            {"timeSeries": SERIES, "timeZone": SERIES_ZONE, "runs": args.runs},
        )
        pivots = [
            page.evaluate(
                PIVOT_JS, {"pivot": pivot, "timeZone": SERIES_ZONE, "runs": args.runs}
            )
            for pivot in [PIVOT, *PIVOT_FIGURES]
        ]
    plain, engine = median(got["plainMs"]), median(got["engineMs"])
    ratio = engine / plain
    print(
        f"engine: {args.issues} issues, {got['fields']} fields; filter keeps {got['rows']}; "
        f"{got['groups']} groups ({got['top']} at the top level)"
    )
    print_load("engine", got["load"], args)
    print("computeReport ms: " + ", ".join(f"{ms:.1f}" for ms in got["engineMs"]))
    print("plain pass ms:    " + ", ".join(f"{ms:.1f}" for ms in got["plainMs"]))
    print(
        f"SUMMARY engine: computeReport {engine:.1f} ms vs plain pass {plain:.1f} ms "
        f"(medians of {args.runs}) = {ratio:.1f}x [{verdict(ratio <= TARGET)} <= {TARGET:g}x]"
    )
    print_series(series, args)
    print_pivot(pivots[0], args)
    print_pivot_figures(pivots[1:], args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
