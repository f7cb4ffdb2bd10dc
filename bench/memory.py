"""Memory: JavaScript heap held per loaded issue, measured in headless Chromium.

Run: python bench/memory.py [--issues 100000]
"""

import argparse
import sys

from common import (
    chromium,
    create_report,
    demo_server,
    heap_used,
    open_demo,
    open_report,
    print_machine,
    verdict,
)

# 6 Jira fields (the issue key is always there), grouped by one of them.
REPORT = {
    "name": "Memory benchmark",
    "jql": "project in (RPT, OPS, WEB) ORDER BY created DESC",
    "columns": [
        "key",
        "summary",
        "status",
        "assignee",
        "priority",
        "created",
        "customfield_10016",
    ],
    "groupBy": ["status"],
    "aggregations": [{"field": "customfield_10016", "function": "sum"}],
}
TARGET_BYTES = 1.5 * 1024

# Makes the fake Jira generate its dataset (it does so on the first request).
DATASET_JS = """
async () => { await window.demoJira.handle({ url: '/rest/api/3/field' });
  return window.demoJira.dataset().length; }
"""
HELD_JS = """
async () => {
  const state = await import(new URL('static/js/view/state.js', document.baseURI).href);
  const held = state.current();
  return { issues: held?.issues.length ?? 0, rows: document.querySelectorAll('tr').length };
}
"""


def mb(size):
    """Bytes as MB text."""
    return f"{size / 1048576:.1f} MB"


def main(argv=None):
    """Run the benchmark and print its figures and a summary line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--issues", type=int, default=100000)
    parser.add_argument("--latency-ms", type=int, default=20)
    args = parser.parse_args(argv)
    with demo_server(args.issues, args.latency_ms) as base, chromium() as browser:
        print_machine(browser)
        page = open_demo(browser, base)
        report_id = create_report(page, REPORT)
        cdp = page.context.new_cdp_session(page)
        empty = heap_used(cdp)
        print(f"dataset: {page.evaluate(DATASET_JS)} issues in the fake Jira")
        baseline = heap_used(cdp)
        open_report(page, base, report_id)
        cdp = page.context.new_cdp_session(page)
        page.evaluate(DATASET_JS)
        held = page.evaluate(HELD_JS)
        loaded = heap_used(cdp)
    per_issue = (loaded - baseline) / max(held["issues"], 1)
    print(
        f"heap: page {mb(empty)}; with the fake Jira's dataset {mb(baseline)}; "
        f"after loading {held['issues']} issues ({len(REPORT['columns']) - 1} fields) "
        f"{mb(loaded)}; table rows in the DOM {held['rows']}"
    )
    print(
        f"held by the report: {mb(loaded - baseline)} = {per_issue:.0f} bytes per issue"
    )
    print(
        f"SUMMARY memory: {per_issue:.0f} B/issue for {held['issues']} issues "
        f"[{verdict(per_issue < TARGET_BYTES)} < {TARGET_BYTES:.0f} B]"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
