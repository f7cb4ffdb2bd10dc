// The view's sort by a clicked column: the click cycle, the config it computes, aria-sort.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ariaSort, nextSort, sortedConfig } from '../../static/js/view/sorting.js';
import { computeReport } from '../../static/js/engine/report.js';

const POINTS = 'customfield_10016';
const FIELDS = new Map([[POINTS, { id: POINTS, name: 'Story points', schema: { type: 'number' } }]]);
const issue = (n, points) => ({ id: String(n), key: `RPT-${n}`, fields: { [POINTS]: points } });
const ISSUES = [issue(1, 3), issue(2, null), issue(3, 1), issue(4, 8)];

test('a click cycles ascending, descending, then back to the saved sort', () => {
  const first = nextSort(null, POINTS);
  assert.deepEqual(first, { field: POINTS, direction: 'asc' });
  const second = nextSort(first, POINTS);
  assert.deepEqual(second, { field: POINTS, direction: 'desc' });
  assert.equal(nextSort(second, POINTS), null);
});

test('another column starts ascending', () => {
  const sorted = { field: POINTS, direction: 'desc' };
  assert.deepEqual(nextSort(sorted, 'created'), { field: 'created', direction: 'asc' });
});

test('the clicked column leads and the saved rules break ties, the report untouched', () => {
  const report = { columns: [POINTS], sort: [{ field: 'created', direction: 'desc' },
    { field: POINTS, direction: 'asc' }] };
  const config = sortedConfig(report, { field: POINTS, direction: 'desc' });
  assert.deepEqual(config.sort, [{ field: POINTS, direction: 'desc' },
    { field: 'created', direction: 'desc' }]);
  assert.equal(report.sort.length, 2);
  assert.equal(sortedConfig(report, null), report);
});

test('the computed rows follow the view sort, empty values last', () => {
  const keys = (sort) => computeReport(sortedConfig({ columns: [POINTS] }, sort), ISSUES, FIELDS)
    .rows.map((row) => row.key);
  assert.deepEqual(keys({ field: POINTS, direction: 'asc' }), ['RPT-3', 'RPT-1', 'RPT-4', 'RPT-2']);
  assert.deepEqual(keys({ field: POINTS, direction: 'desc' }), ['RPT-4', 'RPT-1', 'RPT-3', 'RPT-2']);
  assert.deepEqual(keys(null), ['RPT-1', 'RPT-2', 'RPT-3', 'RPT-4']);
});

test('aria-sort names the sorted column only', () => {
  const sort = { field: POINTS, direction: 'desc' };
  assert.equal(ariaSort(sort, POINTS), 'descending');
  assert.equal(ariaSort({ ...sort, direction: 'asc' }, POINTS), 'ascending');
  assert.equal(ariaSort(sort, 'created'), null);
  assert.equal(ariaSort(null, POINTS), null);
});
