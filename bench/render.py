"""Rendering: time to the first rows on screen and rows in the DOM, 1,000 against 100,000 issues.

Run: python bench/render.py [--small 1000] [--large 100000]
"""

import argparse
import sys

from common import chromium, demo_server, median, open_demo, print_machine, verdict

COLUMNS = [
    "key",
    "summary",
    "status",
    "assignee",
    "priority",
    "created",
    "customfield_10016",
]
REPORTS = {
    "flat list": {
        "columns": COLUMNS,
        "sort": [{"field": "created", "direction": "desc"}],
    },
    "3 levels, all expanded": {
        "columns": COLUMNS,
        "groupBy": ["project", "status", "assignee"],
        "filters": [{"field": "issuetype", "values": ["10001", "10004", "10002"]}],
        "sort": [{"field": "priority", "direction": "asc"}],
        "aggregations": [{"field": "customfield_10016", "function": "sum"}],
        "expandAll": True,
    },
}
MAX_ROWS = 200

# Holds generated issues as a loaded report (state.hold computes it), then renders the result
# as the view does and waits for the next frame; then scrolls to the middle and expands a group.
RENDER_JS = """
async ({ count, report, expandAll, runs }) => {
  const at = (path) => new URL(path, document.baseURI).href;
  const { generateIssues, FIELDS } = await import(at('static/js/demo/data.js'));
  const state = await import(at('static/js/view/state.js'));
  const { renderResult } = await import(at('static/js/view/result.js'));
  const { connectHost } = await import(at('static/js/host/host.js'));
  const host = connectHost(window.AP);
  const fields = new Map(FIELDS.map((f) => [f.id, f]));
  const issues = generateIssues({ issues: count, seed: 1 });
  const config = { id: 'bench', name: 'Bench', jql: 'project = RPT', filters: [], sort: [],
    groupBy: [], aggregations: [], ...report };
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
  const main = document.querySelector('main') ?? document.body;
  const rows = () => main.querySelectorAll('[data-testid=report-table] tr').length;
  const out = { compute: [], render: [] };
  for (let n = 0; n < runs; n += 1) {
    main.replaceChildren();
    await frame();
    let start = performance.now();
    state.hold({ report: config, fields, issues });
    if (expandAll) state.setAllExpanded(true);
    out.compute.push(performance.now() - start);
    start = performance.now();
    main.replaceChildren(renderResult(host));
    void main.querySelector('[data-testid=report-table] tbody tr')?.getBoundingClientRect();
    await frame();
    out.render.push(performance.now() - start);
  }
  out.lines = state.lines().count;
  out.rows = rows();
  const wrap = main.querySelector('.table-wrap');
  let start = performance.now();
  wrap.scrollTop = wrap.scrollHeight / 2;
  await frame(); await frame();
  out.scroll = performance.now() - start;
  out.rowsAfterScroll = rows();
  out.firstKeyAfterScroll = main.querySelector('tr.issue-row a')?.textContent ?? '';
  wrap.scrollTop = 0;
  await frame();
  const toggle = main.querySelector('[data-testid=group-header] button');
  start = performance.now();
  toggle?.click();
  await frame();
  out.toggle = toggle ? performance.now() - start : null;
  out.rowsAfterToggle = rows();
  return out;
}
"""


def measure(page, count, name, runs):
    """Render one report at one size; prints and returns the medians."""
    report = dict(REPORTS[name])
    expand_all = report.pop("expandAll", False)
    got = page.evaluate(
        RENDER_JS,
        {"count": count, "report": report, "expandAll": expand_all, "runs": runs},
    )
    got["render_ms"], got["compute_ms"] = median(got["render"]), median(got["compute"])
    toggle = "-" if got["toggle"] is None else f"{got['toggle']:.0f} ms"
    print(
        f"  {name:24} {count:>7} issues: first rows {got['render_ms']:6.1f} ms "
        f"(compute before it {got['compute_ms']:6.1f} ms); lines {got['lines']:>7}; rows in "
        f"DOM {got['rows']}, after scrolling to the middle {got['rowsAfterScroll']} "
        f"({got['scroll']:.0f} ms), after a toggle {got['rowsAfterToggle']} ({toggle})"
    )
    return got


def main(argv=None):
    """Run the benchmark and print its figures and a summary line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=100000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    results = {}
    with demo_server(1000, 0) as base, chromium() as browser:
        print_machine(browser)
        page = open_demo(browser, base, viewport={"width": 1280, "height": 900})
        print(f"render (median of {args.runs}; the table scrolls inside a 75vh box):")
        for name in REPORTS:
            for count in (args.small, args.large):
                results[name, count] = measure(page, count, name, args.runs)
    parts, ok_time, ok_rows = [], True, True
    for name in REPORTS:
        small, large = results[name, args.small], results[name, args.large]
        ratio = large["render_ms"] / small["render_ms"]
        most = max(large["rows"], large["rowsAfterScroll"], large["rowsAfterToggle"])
        ok_time, ok_rows = ok_time and ratio <= 2, ok_rows and most <= MAX_ROWS
        parts.append(
            f"{name}: {large['render_ms']:.0f} ms vs {small['render_ms']:.0f} ms "
            f"= {ratio:.2f}x, at most {most} rows"
        )
    print(
        f"SUMMARY render: {'; '.join(parts)} [{verdict(ok_time)} <= 2x] "
        f"[{verdict(ok_rows)} <= {MAX_ROWS} rows]"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
