// The table's visible lines (flattening of groups) and the window of lines to render.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { covers, lineAt, pathOf, visibleLines, windowOf } from '../../static/js/view/lines.js';

const issue = (n) => ({ id: String(n), key: `RPT-${n}` });
const leaf = (key, rows, depth = 1) => ({ key, depth, children: [], rows });
const RESULT = {
  rows: [1, 2, 3, 4, 5].map(issue),
  groups: [
    { key: 'a', children: [leaf('x', [issue(1), issue(2)]), leaf('y', [issue(3)])],
      rows: [issue(1), issue(2), issue(3)] },
    { key: 'b', children: [leaf('x', [issue(4), issue(5)])], rows: [issue(4), issue(5)] },
  ],
};
const all = () => true;
const none = () => false;

/** Every line as a short text, for comparing whole lists. */
function describe(lines) {
  return Array.from({ length: lines.count }, (_, n) => {
    const line = lineAt(lines, n);
    return line.kind === 'group' ? `${'  '.repeat(line.depth)}[${line.keys.join('/')}]`
      : `${'  '.repeat(line.depth)}${line.issue.key}`;
  });
}

test('without groups every row is a line, in order', () => {
  const lines = visibleLines({ rows: RESULT.rows, groups: [] }, none);
  assert.equal(lines.count, 5);
  assert.deepEqual(describe(lines), ['RPT-1', 'RPT-2', 'RPT-3', 'RPT-4', 'RPT-5']);
  assert.equal(lineAt(lines, 3).path, pathOf([]));
  assert.equal(lines.segments.length, 1);
});

test('collapsed groups show their headers only', () => {
  const lines = visibleLines(RESULT, none);
  assert.deepEqual(describe(lines), ['[a]', '[b]']);
});

test('expanded groups show subgroups, and rows under the last level only', () => {
  const lines = visibleLines(RESULT, all);
  assert.deepEqual(describe(lines), [
    '[a]', '  [a/x]', '    RPT-1', '    RPT-2', '  [a/y]', '    RPT-3',
    '[b]', '  [b/x]', '    RPT-4', '    RPT-5',
  ]);
  const row = lineAt(lines, 8);
  assert.deepEqual([row.path, row.depth], [pathOf(['b', 'x']), 2]);
});

test('a collapsed subgroup hides its rows but its parent still shows it', () => {
  const open = new Set([pathOf(['a']), pathOf(['b']), pathOf(['b', 'x'])]);
  const lines = visibleLines(RESULT, (path) => open.has(path));
  assert.deepEqual(describe(lines), [
    '[a]', '  [a/x]', '  [a/y]', '[b]', '  [b/x]', '    RPT-4', '    RPT-5',
  ]);
});

test('runs of rows cost one segment each, however many issues they hold', () => {
  const rows = Array.from({ length: 100000 }, (_, n) => issue(n));
  const lines = visibleLines({ rows, groups: [leaf('big', rows, 0)] }, all);
  assert.equal(lines.count, 100001);
  assert.equal(lines.segments.length, 2);
  assert.equal(lineAt(lines, 100000).issue.key, 'RPT-99999');
  assert.equal(lineAt(lines, 0).kind, 'group');
});

test('an empty result has no lines', () => {
  assert.equal(visibleLines({ rows: [], groups: [] }, all).count, 0);
});

test('the window covers the lines in view plus the overscan on each side', () => {
  const view = { rowHeight: 36, height: 360, count: 1000, overscan: 5 };
  assert.deepEqual(windowOf({ ...view, offset: 0 }), { start: 0, end: 16, first: 0, last: 11 });
  assert.deepEqual(windowOf({ ...view, offset: 3600 }),
    { start: 95, end: 116, first: 100, last: 111 });
  assert.deepEqual(windowOf({ ...view, offset: 36000 }),
    { start: 994, end: 1000, first: 999, last: 1000 });
});

test('the window never holds more than max lines, even in a very tall view', () => {
  const range = windowOf({ offset: 0, height: 100000, rowHeight: 36, count: 100000, max: 150 });
  assert.equal(range.end - range.start, 150);
});

test('the window is empty without lines and clamps odd offsets', () => {
  assert.deepEqual(windowOf({ offset: -50, height: 500, rowHeight: 36, count: 0 }),
    { start: 0, end: 0, first: 0, last: 0 });
  const range = windowOf({ offset: -50, height: 0, rowHeight: 36, count: 10, overscan: 2 });
  assert.deepEqual(range, { start: 0, end: 3, first: 0, last: 1 });
});

test('rendered lines cover a window while what is in view stays inside them', () => {
  const rendered = { start: 90, end: 130 };
  assert.ok(covers(rendered, { start: 95, end: 125, first: 100, last: 120 }));
  assert.ok(!covers(rendered, { start: 110, end: 145, first: 115, last: 135 }));
  assert.ok(!covers({ start: 0, end: 0 }, { start: 0, end: 10, first: 0, last: 5 }));
});
