// The optimised engine against a plain reference on generated issues, and its lazy group rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeReport, reportFields } from '../../static/js/engine/report.js';
import { computeSeries } from '../../static/js/engine/series.js';
import { computePivot } from '../../static/js/engine/pivot.js';
import { createSlimmer } from '../../static/js/jira/slim.js';
import { fieldValue, kindSpec } from '../../static/js/engine/fields.js';
import { FIELDS, generateIssues } from '../../static/js/demo/data.js';
import { jiraInstant, parseDateTime } from '../../static/js/engine/formats.js';

process.env.TZ = 'UTC';
const ISSUES = generateIssues({ issues: 3000, seed: 11, now: Date.parse('2026-10-01T00:00:00Z') });
const FIELD_MAP = new Map(FIELDS.map((f) => [f.id, f]));
const collator = new Intl.Collator('en-US', { numeric: true });

// The reference: the engine's rules written as plainly as possible.
const spec = (id) => kindSpec(FIELD_MAP.get(id) ?? { id });
const itemsOf = (issue, id) => spec(id).items(fieldValue(issue, id));
const keysOf = (issue, id) => {
  const items = itemsOf(issue, id);
  return items.length ? [...new Set(items.map(spec(id).key))] : [''];
};

function compareBy(rule) {
  const s = spec(rule.field);
  const dir = rule.direction === 'desc' ? -1 : 1;
  return (a, b) => {
    const [x, y] = [itemsOf(a, rule.field)[0], itemsOf(b, rule.field)[0]];
    if ((x === undefined) !== (y === undefined)) return x === undefined ? 1 : -1;
    if (x === undefined) return 0;
    const diff = s.numeric ? s.num(x) - s.num(y) : s.rank(x, {}) - s.rank(y, {})
      || collator.compare(s.label(x, 'en-US'), s.label(y, 'en-US'));
    return dir * diff;
  };
}

function aggregateOf(rows, { field, function: fn }) {
  const s = spec(field);
  if (fn === 'distinct') return new Set(rows.flatMap((r) => itemsOf(r, field).map(s.key))).size;
  if (fn === 'count') return rows.filter((r) => itemsOf(r, field).length).length;
  const nums = rows.map((r) => itemsOf(r, field)).filter((i) => i.length).map((i) => s.num(i[0]))
    .filter((n) => !Number.isNaN(n));
  if (fn === 'sum') return nums.reduce((t, n) => t + n, 0);
  if (!nums.length) return null;
  return { avg: nums.reduce((t, n) => t + n, 0) / nums.length, min: Math.min(...nums),
    max: Math.max(...nums) }[fn];
}

function groupsOf(rows, levels, aggs, depth = 0) {
  if (depth === levels.length) return [];
  const id = levels[depth];
  const buckets = new Map();
  for (const row of rows) for (const key of keysOf(row, id)) {
    if (!buckets.has(key)) buckets.set(key, []);
    buckets.get(key).push(row);
  }
  const s = spec(id);
  const sample = (key, members) => itemsOf(members[0], id).find((item) => s.key(item) === key);
  const made = [...buckets].map(([key, members]) => {
    const item = key ? sample(key, members) : undefined;
    return { key, members, rank: item === undefined ? 0 : s.rank(item, {}),
      label: item === undefined ? s.empty : s.label(item, 'en-US') };
  });
  made.sort((a, b) => (!a.key !== !b.key ? (a.key ? -1 : 1) : a.rank - b.rank
    || (s.numeric ? 0 : collator.compare(a.label, b.label))));
  return made.map((g) => [g.key, g.label, g.members.map((r) => r.key).join(),
    aggs.map((a) => aggregateOf(g.members, a)), groupsOf(g.members, levels, aggs, depth + 1)]);
}

function reference(config) {
  const passes = (issue) => (config.filters ?? [])
    .every((f) => keysOf(issue, f.field).some((k) => f.values.includes(k)));
  let rows = ISSUES.filter(passes);
  for (const rule of [...(config.sort ?? [])].reverse()) rows = rows.sort(compareBy(rule));
  const aggs = config.aggregations ?? [];
  return { rows: rows.map((r) => r.key), totals: aggs.map((a) => aggregateOf(rows, a)),
    groups: groupsOf(rows, config.groupBy ?? [], aggs) };
}

function shape(result) {
  const groups = (list) => list.map((g) => [g.key, g.label, g.rows.map((r) => r.key).join(),
    g.values.map((v) => v.value), groups(g.children)]);
  return { rows: result.rows.map((r) => r.key), totals: result.totals.values.map((v) => v.value),
    groups: groups(result.groups) };
}

const CONFIGS = {
  'a filter, 2 sort keys, 3 levels, every aggregation': {
    filters: [{ field: 'issuetype', values: ['10001', '10004'] }],
    sort: [{ field: 'priority', direction: 'asc' }, { field: 'created', direction: 'desc' }],
    groupBy: ['project', 'status', 'assignee'],
    aggregations: ['count', 'sum', 'avg', 'min', 'max'].map((fn) => ({ field: 'customfield_10016',
      function: fn })).concat([{ field: 'created', function: 'max' },
      { field: 'labels', function: 'distinct' }, { field: 'duedate', function: 'min' }]),
  },
  'multi-valued groups, text and date sorts': {
    sort: [{ field: 'summary', direction: 'desc' }, { field: 'duedate', direction: 'asc' }],
    groupBy: ['labels', 'fixVersions'],
    aggregations: [{ field: 'timeoriginalestimate', function: 'sum' }],
  },
  'empty values in filters, sorts and groups': {
    filters: [{ field: 'assignee', values: ['', '5b10ac8d82e05b22cc7d4e11'] }],
    sort: [{ field: 'resolution', direction: 'desc' }, { field: 'key', direction: 'asc' }],
    groupBy: ['resolutiondate', 'customfield_10020'],
  },
  'numbers as groups, no sort': { groupBy: ['customfield_10016', 'timeoriginalestimate'] },
};

for (const [name, config] of Object.entries(CONFIGS)) {
  test(`the engine agrees with the reference: ${name}`, () => {
    const result = computeReport({ columns: ['key'], ...config }, ISSUES, FIELD_MAP,
      { locale: 'en-US' });
    assert.deepEqual(shape(result), reference(config));
  });
}

test('issues as loaded (slimmed, datetimes read once) give the results Jira\'s beans give', () => {
  const timeSeries = { dates: ['created', 'resolutiondate'], interval: 'week', cumulative: true,
    value: { function: 'sum', field: 'customfield_10016' } };
  const pivot = { rows: 'assignee', columns: 'status', value: { function: 'sum',
    field: 'customfield_10016' } };
  const configs = [...Object.values(CONFIGS), { groupBy: [{ field: 'created', interval: 'week' },
    'updated'], sort: [{ field: 'resolutiondate', direction: 'asc' }] }, { timeSeries, pivot }];
  const options = { locale: 'en-US', timeZone: 'Europe/Berlin' };
  let timed = 0;
  for (const config of configs) {
    const loaded = ISSUES.map(createSlimmer(['key', ...reportFields(config)]));
    timed += loaded.filter((issue) => issue.times).length;
    const report = (issues) => shape(computeReport({ columns: ['key'], ...config }, issues,
      FIELD_MAP, options));
    assert.deepEqual(report(loaded), report(ISSUES));
    if (!config.timeSeries) continue;
    const series = (issues) => computeSeries(timeSeries, issues, FIELD_MAP, options);
    assert.deepEqual(series(loaded), series(ISSUES));
    const cells = (issues) => computePivot(pivot, issues, FIELD_MAP, options);
    assert.deepEqual(JSON.stringify(cells(loaded)), JSON.stringify(cells(ISSUES)));
  }
  assert.ok(timed >= 3 * ISSUES.length, 'datetimes are read at load');
});

test('group rows are made when first read, and are the same array after', () => {
  const { groups } = computeReport({ groupBy: ['status'] }, ISSUES, FIELD_MAP);
  const descriptor = Object.getOwnPropertyDescriptor(groups[0], 'rows');
  assert.equal(typeof descriptor?.get, 'function');
  assert.ok(descriptor?.enumerable);
  assert.equal(groups[0].rows, groups[0].rows);
  assert.equal(groups[0].rows.length, groups[0].count);
  assert.deepEqual(JSON.parse(JSON.stringify(groups[0])).rows.length, groups[0].count);
});

test('Jira datetimes read digit by digit match Date.parse', () => {
  const portable = (s) => Date.parse(`${s.slice(0, -2)}:${s.slice(-2)}`);
  for (const text of ['2026-09-14T10:02:34.255+0200', '2024-02-29T23:59:59.999-1130',
    '1969-12-31T23:59:59.000+0000', '0400-03-01T00:00:00.000+0000', '2026-04-31T12:00:00.000+0000',
    '2026-01-01T24:00:00.000+0000', '2026-13-01T10:00:00.000+0000', '2026-01-01T10:60:00.000+0000']) {
    assert.equal(Object.is(parseDateTime(text), portable(text)), true, text);
  }
  assert.equal(parseDateTime('2026-09-14T10:02:34Z'), Date.parse('2026-09-14T10:02:34Z'));
  assert.ok(Number.isNaN(parseDateTime('not a date')));
  for (const issue of ISSUES.slice(0, 500)) {
    assert.equal(parseDateTime(issue.fields.created), portable(issue.fields.created));
  }
});

test('datetimes read at load: Jira\'s own format only, as parsing reads it', () => {
  for (const text of ['2026-09-14T10:02:34.255+0200', '2024-02-29T23:59:59.999-1130']) {
    assert.equal(jiraInstant(text), parseDateTime(text), text);
  }
  for (const text of ['2026-09-14T10:02:34Z', '2026-09-14', '2026-13-01T10:00:00.000+0000',
    '2026-09-14T10:02:34.255+02:00', ' 2026-09-14T10:02:34.255+0200', 'not a date', '']) {
    assert.ok(Number.isNaN(jiraInstant(text)), text);
  }
});
