"""Load time: naive search paging against two-phase loading, on the demo's fake Jira.

Two-phase loading runs under both of Jira's bulkfetch rules: 1,000 issues a call for lean
requests (Atlassian's 2026 documentation), and 100 a call whatever the fields (the OpenAPI
spec; the demo's `?bulk100=1`), where the page's first load learns the cap from a 400.

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
ID_PAGE, LANES = 5000, 5
# name: (page query, issues a bulkfetch call, target: two-phase at most 1/N of naive)
RULES = {"lean": ("", 1000, 5), "strict": ("?bulk100=1", 100, 4)}

# Drives static/js/jira/jira.js in the page through one host kept for the page, as the app keeps
# one (what the loader learns of Jira's rules stays with it); counts the requests, the 400s
# and the most in flight at once.
LOAD_JS = """
async ({jql, fields, strategy}) => {
  const at = (path) => new URL(path, document.baseURI).href;
  const { loadIssues } = await import(at('static/js/jira/jira.js'));
  const { connectHost } = await import(at('static/js/host/host.js'));
  const bench = window.__bench ??= { host: connectHost(window.AP) };
  bench.counted ??= { ...bench.host, requestJira: (path, init) => bench.count(path, init) };
  const seen = { requests: 0, refused: 0, inFlight: 0, maxInFlight: 0, byPath: {} };
  bench.count = async (path, init) => {
    seen.requests += 1;
    seen.byPath[path] = (seen.byPath[path] ?? 0) + 1;
    seen.maxInFlight = Math.max(seen.maxInFlight, ++seen.inFlight);
    try {
      const response = await bench.host.requestJira(path, init);
      if (response.status === 400) seen.refused += 1;
      return response;
    } finally { seen.inFlight -= 1; }
  };
  const start = performance.now();
  const result = await loadIssues(bench.counted, { jql, fields, strategy });
  const ms = performance.now() - start;
  const keys = result.issues.map((i) => i.key);
  const expected = (await loadIssues(bench.host, { jql, fields: ['key'], strategy: 'paged',
    total: 0 })).issues.map((i) => i.key);
  const ordered = keys.length === expected.length && keys.every((k, n) => k === expected[n]);
  return { ms, issues: keys.length, strategy: result.strategy, ordered, ...seen };
}
"""


def lower_bound_ms(issues, latency_ms, batch):
    """The fastest the latency model allows: sequential id pages, then bulk rounds."""
    id_pages = max(1, math.ceil(issues / ID_PAGE))
    rounds = math.ceil(math.ceil(issues / batch) / LANES)
    return (id_pages + rounds) * latency_ms, id_pages, rounds


def run_load(page, strategy, label=""):
    """One load in the page, after a garbage collection; prints and returns its figures."""
    heap_used(page.context.new_cdp_session(page))
    args = {"jql": JQL, "fields": FIELDS, "strategy": strategy}
    got = page.evaluate(LOAD_JS, args)
    print(
        f"  {label or strategy:9} {got['ms']:9.0f} ms  issues={got['issues']}  "
        f"requests={got['requests']}  400s={got['refused']}  "
        f"max in flight={got['maxInFlight']}  JQL order kept={got['ordered']}  "
        f"by path={got['byPath']}"
    )
    return got


def measure_rule(browser, base, rule, runs):
    """A fresh page under one bulkfetch rule: a first load (not counted), then `runs`."""
    query, batch, _ = RULES[rule]
    print(f"rule {rule}: {batch} issues a bulkfetch call (page /demo{query})")
    page = open_demo(browser, base, query=query)
    first = run_load(page, "two-phase", "first")
    fast = [run_load(page, "two-phase") for _ in range(runs)]
    return page, first, fast


def summarize(rule, args, first, fast, naive):
    """Print one rule's figures and its SUMMARY line."""
    _, batch, target = RULES[rule]
    two_phase = median([r["ms"] for r in fast])
    bound, id_pages, rounds = lower_bound_ms(args.issues, args.latency_ms, batch)
    ratio, over = naive["ms"] / two_phase, two_phase / bound
    ok = all(r["ordered"] and r["maxInFlight"] <= 6 for r in [first, *fast, naive])
    clean = not any(r["refused"] for r in fast)
    print(
        f"lower bound ({rule}): ({id_pages} id pages + {rounds} bulk rounds of {LANES} "
        f"lanes) x {args.latency_ms} ms = {bound} ms; two-phase is {over:.2f}x of it; "
        f"first load of the page {first['ms']:.0f} ms with {first['refused']} 400s"
    )
    print(
        f"SUMMARY load ({rule}): two-phase {two_phase:.0f} ms vs naive {naive['ms']:.0f} ms "
        f"= 1/{ratio:.1f} [{verdict(ratio >= target)} <= 1/{target}]; {over:.2f}x lower "
        f"bound {bound} ms [{verdict(over <= 1.3)} <= 1.3x]; order and <= 6 in flight "
        f"[{verdict(ok)}]; later loads without a 400 [{verdict(clean)}]"
    )


def main(argv=None):
    """Run the benchmark under both rules and print the figures and a summary per rule."""
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
        measured = {rule: measure_rule(browser, base, rule, args.runs) for rule in RULES}
        print("naive paging (search/jql only, the same under both rules):")
        naive = run_load(measured["lean"][0], "paged")
    for rule, (_, first, fast) in measured.items():
        summarize(rule, args, first, fast, naive)
    return 0


if __name__ == "__main__":
    sys.exit(main())
