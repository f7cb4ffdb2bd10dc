// Time series: counts and sums per bucket of one or two dates, ranges, cumulative totals, zones.
// @ts-check
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {computeSeries} from '../../static/js/engine/series.js';

/** Fields as GET /rest/api/3/field describes them. */
const FIELDS = new Map([
  ['created', 'Created', {type: 'datetime', system: 'created'}],
  ['resolutiondate', 'Resolved', {type: 'datetime', system: 'resolutiondate'}],
  ['duedate', 'Due date', {type: 'date', system: 'duedate'}],
  ['customfield_10016', 'Story points', {type: 'number',
    custom: 'com.pyxis.greenhopper.jira:jsw-story-points'}],
  ['summary', 'Summary', {type: 'string', system: 'summary'}],
].map(([id, name, schema]) => [id, {id, name, schema}]));

/** @param {number} n @param {Record<string, any>} fields */
const issue = (n, fields) => ({id: String(10000 + n), key: `RPT-${n}`, fields});
/** @param {Record<string, any>[]} list */
const issues = (list) => list.map((fields, i) => issue(i + 1, fields));
const COUNT = {function: 'count', field: null};
/** @param {Partial<import('../../static/js/engine/series.js').TimeSeries>} parts */
const series = (parts) => ({dates: ['created'], interval: 'month', cumulative: false,
  value: COUNT, ...parts});
/** @param {import('../../static/js/engine/series.js').SeriesResult} result */
const table = (result) => result.buckets.map((b) => [b.label, ...b.values]);

const CREATED_RESOLVED = issues([
  {created: '2026-01-15T10:00:00.000+0000', resolutiondate: '2026-04-02T10:00:00.000+0000'},
  {created: '2026-01-20T10:00:00.000+0000', resolutiondate: null},
  {created: '2025-11-30T10:00:00.000+0000', resolutiondate: '2026-01-03T10:00:00.000+0000'},
  {created: '2026-03-01T10:00:00.000+0000', resolutiondate: '2026-03-09T10:00:00.000+0000'},
]);

test('two series share one range, from the earliest date to the latest; gaps are 0', () => {
  const result = computeSeries(series({dates: ['created', 'resolutiondate']}),
    CREATED_RESOLVED, FIELDS, {timeZone: 'UTC'});
  assert.deepEqual(result.series.map((s) => [s.field, s.name, s.total]),
    [['created', 'Created', 4], ['resolutiondate', 'Resolved', 3]]);
  assert.deepEqual(table(result), [['2025-11', 1, 0], ['2025-12', 0, 0], ['2026-01', 2, 1],
    ['2026-02', 0, 0], ['2026-03', 1, 1], ['2026-04', 0, 1]]);
  assert.deepEqual(result.buckets[1].bounds, {start: '2025-12-01 00:00', end: '2026-01-01 00:00'});
  assert.equal(result.buckets[1].key, '2025-12');
});

test('cumulative series carry running totals; totals stay the plain sums', () => {
  const result = computeSeries(series({dates: ['created', 'resolutiondate'], cumulative: true,
    interval: 'quarter'}), CREATED_RESOLVED, FIELDS, {timeZone: 'UTC'});
  assert.deepEqual(table(result), [['2025-Q4', 1, 0], ['2026-Q1', 4, 2], ['2026-Q2', 4, 3]]);
  assert.deepEqual(result.series.map((s) => s.total), [4, 3]);
  assert.equal(result.cumulative, true);
});

test('a number field is summed per ISO week; issues without it add nothing', () => {
  const points = issues([
    {resolutiondate: '2026-12-31T12:00:00.000+0000', customfield_10016: 5},
    {resolutiondate: '2027-01-03T12:00:00.000+0000', customfield_10016: 3.5},
    {resolutiondate: '2027-01-04T12:00:00.000+0000', customfield_10016: null},
    {resolutiondate: '2026-12-20T12:00:00.000+0000', customfield_10016: 2},
    {resolutiondate: null, customfield_10016: 100},
  ]);
  const result = computeSeries(series({dates: ['resolutiondate'], interval: 'week',
    value: {function: 'sum', field: 'customfield_10016'}}), points, FIELDS, {timeZone: 'UTC'});
  assert.deepEqual(table(result), [['2026-W51', 2], ['2026-W52', 0], ['2026-W53', 8.5],
    ['2027-W01', 0]]);
  assert.equal(result.valueField, 'customfield_10016');
  assert.equal(result.series[0].total, 10.5);
});

test('datetimes fall on their day in the user zone, across DST and half-hour offsets', () => {
  const night = issues([{created: '2026-03-28T23:30:00.000+0000'},
    {created: '2026-03-29T22:30:00.000+0000'}, {created: '2026-10-25T22:30:00.000+0000'},
    {created: '2026-10-25T23:00:00.000+0000'}]);
  const day = (timeZone) => table(computeSeries(series({interval: 'day'}), night, FIELDS,
    {timeZone})).filter(([, n]) => n).map(([label, n]) => `${label}:${n}`);
  assert.deepEqual(day('Europe/Berlin'),
    ['2026-03-29:1', '2026-03-30:1', '2026-10-25:1', '2026-10-26:1']);
  assert.deepEqual(day('America/New_York'),
    ['2026-03-28:1', '2026-03-29:1', '2026-10-25:2']);
  assert.deepEqual(day('Asia/Kolkata'),
    ['2026-03-29:1', '2026-03-30:1', '2026-10-26:2']);
});

test('quarters and years turn over at local midnight; a date field is its own day', () => {
  const edge = issues([{created: '2026-03-31T18:29:00.000+0000', duedate: '2026-03-31'},
    {created: '2026-03-31T18:30:00.000+0000', duedate: '2026-04-01'}]);
  const quarters = (dates) => table(computeSeries(series({dates, interval: 'quarter'}), edge,
    FIELDS, {timeZone: 'Asia/Kolkata'}));
  assert.deepEqual(quarters(['created']), [['2026-Q1', 1], ['2026-Q2', 1]]);
  assert.deepEqual(quarters(['duedate']), [['2026-Q1', 1], ['2026-Q2', 1]]);
  const pacific = computeSeries(series({dates: ['duedate'], interval: 'day'}), edge, FIELDS,
    {timeZone: 'Pacific/Kiritimati'});
  assert.deepEqual(table(pacific), [['2026-03-31', 1], ['2026-04-01', 1]]);
});

test('no dated issue gives named series and no buckets', () => {
  const result = computeSeries(series({dates: ['created', 'resolutiondate']}),
    issues([{created: null}, {summary: 'x'}]), FIELDS, {timeZone: 'UTC'});
  assert.deepEqual(result.buckets, []);
  assert.deepEqual(result.series.map((s) => [s.name, s.total]), [['Created', 0], ['Resolved', 0]]);
  assert.deepEqual(computeSeries(series({}), [], FIELDS).buckets, []);
});

test('the zone used is reported, the browser one when the user has none', () => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  assert.equal(computeSeries(series({}), CREATED_RESOLVED, FIELDS).timeZone, zone);
  assert.equal(computeSeries(series({}), CREATED_RESOLVED, FIELDS,
    {timeZone: 'Asia/Kolkata'}).timeZone, 'Asia/Kolkata');
});

test('an instant the loader read (the issue\'s times) is used, not the text read again', () => {
  // A loaded issue keeps its text for display and its instant for counting (slim.js); were
  // the text parsed again, this issue would fall in January.
  const loaded = [{...issue(1, {created: '2026-01-31T10:00:00.000+0000'}),
    times: {created: Date.parse('2026-02-02T10:00:00.000Z')}}];
  assert.deepEqual(table(computeSeries(series({}), loaded, FIELDS, {timeZone: 'UTC'})),
    [['2026-02', 1]]);
});
