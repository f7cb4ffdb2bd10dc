// CSV cases: plain numbers, ISO dates in the user's zone, hours, the pivot matrix, series buckets.
// @ts-check
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {amountOf, csvCell, csvText, csvValue, isoDateTime, pivotLines, seriesLines, tableLines}
  from '../../static/js/view/csv.js';
import {niceTicks} from '../../static/js/view/line-chart.js';
import {computePivot} from '../../static/js/engine/pivot.js';
import {computeReport} from '../../static/js/engine/report.js';
import {computeSeries} from '../../static/js/engine/series.js';

const FIELDS = new Map([
  ['status', 'Status', {type: 'status', system: 'status'}],
  ['assignee', 'Assignee', {type: 'user', system: 'assignee'}],
  ['created', 'Created', {type: 'datetime', system: 'created'}],
  ['resolutiondate', 'Resolved', {type: 'datetime', system: 'resolutiondate'}],
  ['duedate', 'Due date', {type: 'date', system: 'duedate'}],
  ['timespent', 'Time Spent', {type: 'number', system: 'timespent'}],
  ['customfield_10016', 'Story Points', {type: 'number', customId: 10016,
    custom: 'com.atlassian.jira.plugin.system.customfieldtypes:float'}],
].map(([id, name, schema]) => [id, {id, name, schema}]));
const BERLIN = {locale: 'en-US', timeZone: 'Europe/Berlin'};

const status = (name, key) => ({id: name, name, statusCategory: {key}});
const [TODO, DONE] = [status('To Do', 'new'), status('Done', 'done')];
const MIA = {accountId: 'a-mia', displayName: 'Mia Krystof'};
let next = 1;
const issue = (fields) => ({id: String(next), key: `RPT-${next++}`, fields: {status: TODO,
  assignee: null, created: null, resolutiondate: null, duedate: null, timespent: null,
  customfield_10016: null, ...fields}});

test('numbers are plain, text is quoted and formulas are made inert', () => {
  assert.equal(csvCell(-2.5), '-2.5');
  assert.equal(csvCell(1200), '1200');
  assert.equal(csvCell(null), '""');
  assert.equal(csvCell('=SUM(A1)'), '"\'=SUM(A1)"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvText([['a', 1], ['b', 2.5]], ';'), '\uFEFF"a";1\r\n"b";2.5\r\n');
});

test('datetimes are ISO 8601 in the time zone, with its offset', () => {
  const winter = Date.parse('2026-01-31T13:05:00Z');
  assert.equal(isoDateTime(winter, 'Europe/Berlin'), '2026-01-31T14:05:00+01:00');
  assert.equal(isoDateTime(Date.parse('2026-07-01T22:30:00Z'), 'Europe/Berlin'),
    '2026-07-02T00:30:00+02:00');
  assert.equal(isoDateTime(winter, 'Asia/Kolkata'), '2026-01-31T18:35:00+05:30');
  assert.equal(isoDateTime(winter, 'UTC'), '2026-01-31T13:05:00+00:00');
});

test('each kind is written as a spreadsheet reads it', () => {
  const one = issue({created: '2026-01-31T13:05:00.000+0000', duedate: '2026-02-03',
    timespent: 5400, customfield_10016: 8, assignee: MIA});
  const value = (id) => csvValue(one, FIELDS.get(id), BERLIN);
  assert.equal(value('created'), '2026-01-31T14:05:00+01:00');
  assert.equal(value('duedate'), '2026-02-03');
  assert.equal(value('timespent'), 1.5);
  assert.equal(value('customfield_10016'), 8);
  assert.equal(value('assignee'), 'Mia Krystof');
  assert.equal(value('resolutiondate'), null);
});

test('the grouping column appears once; an interval grouping keeps the field column', () => {
  const issues = [issue({status: DONE, customfield_10016: 3}), issue({status: TODO})];
  const config = {columns: ['key', 'status', 'customfield_10016'], groupBy: ['status']};
  const result = computeReport(config, issues, FIELDS);
  const lines = tableLines(config, result, FIELDS, BERLIN);
  assert.deepEqual(lines, [['Status', 'Key', 'Story Points'], ['To Do', issues[1].key, null],
    ['Done', issues[0].key, 3]]);
  const byMonth = {columns: ['created'], groupBy: [{field: 'created', interval: 'month'}]};
  const dated = [issue({created: '2026-01-31T23:30:00.000+0000'})];
  const monthly = tableLines(byMonth, computeReport(byMonth, dated, FIELDS, BERLIN), FIELDS,
    BERLIN);
  assert.deepEqual(monthly, [['Created', 'Key', 'Created'],
    ['2026-02', dated[0].key, '2026-02-01T00:30:00+01:00']]);
});

test('a pivot exports as its matrix, with a Total column and row', () => {
  const issues = [issue({status: DONE, assignee: MIA}), issue({status: TODO, assignee: MIA}),
    issue({status: DONE})];
  const pivot = computePivot({rows: 'assignee', columns: 'status',
    value: {function: 'count', field: null}}, issues, FIELDS);
  assert.deepEqual(pivotLines('Assignee', pivot), [['Assignee', 'To Do', 'Done', 'Total'],
    ['Mia Krystof', 1, 1, 2], ['Unassigned', 0, 1, 1], ['Total', 1, 2, 3]]);
});

test('a pivot summing a duration exports hours', () => {
  const issues = [issue({status: DONE, assignee: MIA, timespent: 5400}),
    issue({status: DONE, assignee: MIA, timespent: 1800})];
  const pivot = computePivot({rows: 'assignee', columns: 'status',
    value: {function: 'sum', field: 'timespent'}}, issues, FIELDS);
  assert.deepEqual(pivotLines('Assignee', pivot, amountOf(FIELDS.get('timespent'))),
    [['Assignee', 'Done', 'Total'], ['Mia Krystof', 2, 2], ['Total', 2, 2]]);
});

test('a time series exports one line per bucket, named after its interval and fields', () => {
  const issues = [issue({created: '2026-01-27T10:00:00.000+0000',
    resolutiondate: '2026-02-10T10:00:00.000+0000'}),
  issue({created: '2026-02-02T10:00:00.000+0000'})];
  const series = (interval) => seriesLines(computeSeries({dates: ['created', 'resolutiondate'],
    interval, cumulative: false, value: {function: 'count', field: null}}, issues, FIELDS,
  {timeZone: 'UTC'}));
  assert.deepEqual(series('week'), [['Week', 'Created', 'Resolved'], ['2026-W05', 1, 0],
    ['2026-W06', 1, 0], ['2026-W07', 0, 1]]);
  assert.deepEqual(series('month').slice(0, 2), [['Month', 'Created', 'Resolved'],
    ['2026-01', 1, 0]]);
  assert.deepEqual(series('quarter'), [['Quarter', 'Created', 'Resolved'], ['2026-Q1', 2, 1]]);
  assert.deepEqual(series('day')[1], ['2026-01-27', 1, 0]);
});

test('axis ticks are round steps from 0 past the largest value', () => {
  assert.deepEqual(niceTicks(12), [0, 5, 10, 15]);
  assert.deepEqual(niceTicks(100), [0, 50, 100]);
  assert.deepEqual(niceTicks(0.3), [0, 0.1, 0.2, 0.3]);
  assert.deepEqual(niceTicks(0), [0, 1]);
  assert.deepEqual(niceTicks(7), [0, 2, 4, 6, 8]);
});
