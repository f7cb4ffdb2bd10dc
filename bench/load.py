"""Load time: naive search paging against two-phase loading, on the demo's fake Jira.

Run: python bench/load.py [--issues 20000] [--latency-ms 150] [--runs 3]
"""

import argparse
import math
import sys

from common import (
    chromium,
    demo_server,
    heap_used,
    median,
    open_demo,
    print_machine,
    verdict,
)

JQL = "project in (RPT, OPS, WEB) ORDER BY created DESC"
FIELDS = ["summary", "status", "assignee", "priority", "customfield_10016", "created"]
ID_PAGE, BULK_BATCH, LANES = 5000, 1000, 5

# Drives static/js/jira.js in the page; counts the requests and the most in flight at once.
LOAD_JS = """
async ({jql, fields, strategy}) => {
  const at = (path) => new URL(path, document.baseURI).href;
  const { loadIssues } = await import(at('static/js/jira.js'));
  const { connectHost } = await import(at('static/js/host.js'));
  const host = connectHost(window.AP);
  const seen = { requests: 0, inFlight: 0, maxInFlight: 0, byPath: {} };
  const counted = { ...host, requestJira: async (path, init) => {
    seen.requests += 1;
    seen.byPath[path] = (seen.byPath[path] ?? 0) + 1;
    seen.maxInFlight = Math.max(seen.maxInFlight, ++seen.inFlight);
    try { return await host.requestJira(path, init); } finally { seen.inFlight -= 1; }
  } };
  const start = performance.now();
  const result = await loadIssues(counted, { jql, fields, strategy });
  const ms = performance.now() - start;
  const keys = result.issues.map((i) => i.key);
  const expected = (await loadIssues(host, { jql, fields: ['key'], strategy: 'paged',
    total: 0 })).issues.map((i) => i.key);
  const ordered = keys.length === expected.length && keys.every((k, n) => k === expected[n]);
  return { ms, issues: keys.length, strategy: result.strategy, ordered, ...seen };
}
"""


def lower_bound_ms(issues, latency_ms):
    """The fastest the latency model allows: sequential id pages, then bulk rounds."""
    id_pages = max(1, math.ceil(issues / ID_PAGE))
    rounds = math.ceil(math.ceil(issues / BULK_BATCH) / LANES)
    return (id_pages + rounds) * latency_ms, id_pages, rounds


def run_load(page, strategy):
    """One load in the page, after a garbage collection; prints and returns its figures."""
    heap_used(page.context.new_cdp_session(page))
    args = {"jql": JQL, "fields": FIELDS, "strategy": strategy}
    got = page.evaluate(LOAD_JS, args)
    print(
        f"  {strategy:9} {got['ms']:9.0f} ms  issues={got['issues']}  "
        f"requests={got['requests']}  max in flight={got['maxInFlight']}  "
        f"JQL order kept={got['ordered']}  by path={got['byPath']}"
    )
    return got


def main(argv=None):
    """Run the benchmark and print its figures and a summary line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--issues", type=int, default=20000)
    parser.add_argument("--latency-ms", type=int, default=150)
    parser.add_argument("--runs", type=int, default=3, help="two-phase runs (median)")
    args = parser.parse_args(argv)
    with demo_server(args.issues, args.latency_ms) as base, chromium() as browser:
        print_machine(browser)
        print(
            f"load: {args.issues} issues, {args.latency_ms} ms per request, "
            f"{len(FIELDS)} fields, JQL: {JQL}"
        )
        page = open_demo(browser, base)
        print("warm-up (not counted):")
        run_load(page, "two-phase")
        print("measured:")
        fast = [run_load(page, "two-phase") for _ in range(args.runs)]
        naive = run_load(page, "paged")
    two_phase = median([r["ms"] for r in fast])
    bound, id_pages, rounds = lower_bound_ms(args.issues, args.latency_ms)
    ratio = naive["ms"] / two_phase
    over = two_phase / bound
    ok = all(r["ordered"] and r["maxInFlight"] <= 6 for r in [*fast, naive])
    print(
        f"naive paged: {naive['ms']:.0f} ms; two-phase (median of {args.runs}): "
        f"{two_phase:.0f} ms; speed-up {ratio:.1f}x"
    )
    print(
        f"lower bound: ({id_pages} id pages + {rounds} bulk rounds of {LANES} lanes) x "
        f"{args.latency_ms} ms = {bound} ms; two-phase is {over:.2f}x of it"
    )
    print(
        f"SUMMARY load: two-phase {two_phase:.0f} ms vs naive {naive['ms']:.0f} ms "
        f"= 1/{ratio:.1f} [{verdict(ratio >= 5)} <= 1/5]; {over:.2f}x lower bound "
        f"{bound} ms [{verdict(over <= 1.3)} <= 1.3x]; order and <= 6 in flight "
        f"[{verdict(ok)}]"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
