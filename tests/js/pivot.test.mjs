// Pivot cases: cells, totals, "Other", row and column order, sum and avg, multi-value, empty.
// @ts-check
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {computePivot} from '../../static/js/engine/pivot.js';

process.env.TZ = 'UTC';  // the browser's zone here; the user's Jira zone is given apart

const FIELDS = new Map([
  ['status', {type: 'status', system: 'status'}],
  ['assignee', {type: 'user', system: 'assignee'}],
  ['priority', {type: 'priority', system: 'priority'}],
  ['labels', {type: 'array', items: 'string', system: 'labels'}],
  ['created', {type: 'datetime', system: 'created'}],
  ['customfield_10016', {type: 'number', custom: 'com.pyxis.greenhopper.jira:jsw-story-points',
    customId: 10016}],
].map(([id, schema]) => [id, {id, name: id, schema}]));

const category = {new: 2, indeterminate: 4, done: 3};
const status = (id, name, key) => ({id, name, statusCategory: {id: category[key], key}});
const STATUS = {todo: status('1', 'To Do', 'new'), doing: status('3', 'In Progress',
  'indeterminate'), done: status('10001', 'Done', 'done')};
const user = (accountId, displayName) => ({accountId, displayName});
const [MIA, TOM, ANA] = [user('a-mia', 'Mia'), user('a-tom', 'Tom'), user('a-ana', 'Ana')];
const PRIORITY = Object.fromEntries(['Highest', 'High', 'Medium', 'Low']
  .map((name, i) => [name, {id: String(i + 1), name}]));

let next = 1;
/** An issue with the given fields (the rest empty). */
const issue = (fields) => ({id: String(next), key: `RPT-${next++}`, fields: {status: STATUS.todo,
  assignee: null, priority: PRIORITY.Medium, labels: [], customfield_10016: null, ...fields}});
const pivot = (config, issues, options = {}) => computePivot(config, issues, FIELDS, options);
const labels = (headers) => headers.map((h) => h.label);
const counts = (result) => result.cells.map((row) => row.map((cell) => cell.count));

const TEAM = [
  issue({assignee: MIA, status: STATUS.done, customfield_10016: 3}),
  issue({assignee: MIA, status: STATUS.done, customfield_10016: 5}),
  issue({assignee: MIA, status: STATUS.todo}),
  issue({assignee: TOM, status: STATUS.doing, customfield_10016: 8}),
  issue({assignee: null, status: STATUS.todo, customfield_10016: 1}),
  issue({assignee: TOM, status: STATUS.done, customfield_10016: 2}),
];

test('count cells, a Total per row and per column, and a grand total', () => {
  const result = pivot({rows: 'assignee', columns: 'status'}, TEAM);
  assert.deepEqual(labels(result.rows), ['Mia', 'Tom', 'Unassigned']);
  assert.deepEqual(labels(result.columns), ['To Do', 'In Progress', 'Done']);
  assert.deepEqual(counts(result), [[1, 0, 2], [0, 1, 1], [1, 0, 0]]);
  assert.deepEqual(result.rows.map((r) => r.total.value), [3, 2, 1]);
  assert.deepEqual(result.columns.map((c) => c.total.value), [2, 1, 3]);
  assert.deepEqual(result.total, {count: 6, value: 6});
  assert.equal(result.other, false);
  assert.equal(result.multiValued, false);
});

test('headers carry the field and raw value drill-down writes; empty has no item', () => {
  const result = pivot({rows: 'assignee', columns: 'status'}, TEAM);
  assert.deepEqual(result.rows[0].level, {field: 'assignee', key: 'a-mia', item: MIA});
  assert.deepEqual(result.rows[2].level, {field: 'assignee', key: '', item: undefined});
  assert.deepEqual(result.columns[2].level, {field: 'status', key: '10001', item: STATUS.done});
});

test('sum adds a number field (0 when none); avg is over the issues that have a number', () => {
  const sum = pivot({rows: 'assignee', columns: 'status',
    value: {function: 'sum', field: 'customfield_10016'}}, TEAM);
  assert.deepEqual(sum.cells[0].map((c) => c.value), [0, 0, 8]);
  assert.deepEqual(sum.total, {count: 6, value: 19});
  const avg = pivot({rows: 'assignee', columns: 'status',
    value: {function: 'avg', field: 'customfield_10016'}}, TEAM);
  assert.deepEqual(avg.cells[0].map((c) => c.value), [null, null, 4]);
  assert.deepEqual(avg.rows.map((r) => r.total.value), [4, 5, 1]);
  assert.equal(avg.total.value, 19 / 5);
});

test('rows and columns follow the field order: priority scheme, status category', () => {
  const issues = [issue({priority: PRIORITY.Low, status: STATUS.done}),
    issue({priority: PRIORITY.Highest, status: STATUS.doing}),
    issue({priority: PRIORITY.High, status: STATUS.todo})];
  const result = pivot({rows: 'priority', columns: 'status'}, issues,
    {priorityOrder: ['1', '2', '3', '4']});
  assert.deepEqual(labels(result.rows), ['Highest', 'High', 'Low']);
  assert.deepEqual(labels(result.columns), ['To Do', 'In Progress', 'Done']);
  const backwards = pivot({rows: 'priority', columns: 'status'}, issues,
    {priorityOrder: ['4', '3', '2', '1']});
  assert.deepEqual(labels(backwards.rows), ['Low', 'High', 'Highest']);
});

test('ordered by total, largest first, ties keeping the field order', () => {
  const result = pivot({rows: 'assignee', columns: 'status'}, [...TEAM, issue({assignee: ANA}),
    issue({assignee: ANA}), issue({assignee: ANA}), issue({assignee: ANA})],
  {order: {rows: 'total', columns: 'total'}});
  assert.deepEqual(labels(result.rows), ['Ana', 'Mia', 'Tom', 'Unassigned']);
  assert.deepEqual(labels(result.columns), ['To Do', 'Done', 'In Progress']);
  assert.deepEqual(result.cells[0].map((c) => c.count), [4, 0, 0]);
});

test('maxColumns shows the largest columns and folds the rest into Other', () => {
  const issues = ['a', 'a', 'a', 'b', 'b', 'c', 'd'].map((label) => issue({labels: [label]}));
  const result = pivot({rows: 'status', columns: 'labels', maxColumns: 2},
    [...issues, issue({labels: []})]);
  assert.deepEqual(labels(result.columns), ['a', 'b', 'Other']);
  assert.equal(result.other, true);
  assert.deepEqual(counts(result), [[3, 2, 3]]);
  assert.deepEqual(result.columns[2].total, {count: 3, value: 3});
  assert.deepEqual(result.columns[2].level, {field: 'labels', key: '',
    other: {shown: [{key: 'a', item: 'a'}, {key: 'b', item: 'b'}], empty: true}});
  assert.equal(result.total.count, 8);
});

test('Other says when the empty value is shown rather than folded', () => {
  const issues = [issue({}), issue({}), issue({}), issue({labels: ['x']}), issue({labels: ['y']})];
  const result = pivot({rows: 'status', columns: 'labels', maxColumns: 1}, issues);
  assert.deepEqual(labels(result.columns), ['(none)', 'Other']);
  assert.deepEqual(result.columns[1].level.other, {shown: [], empty: false});
  assert.equal(result.columns[1].total.count, 2);
});

test('multi-value fields count an issue under each value, and totals once', () => {
  const issues = [issue({assignee: MIA, labels: ['api', 'ux']}),
    issue({assignee: MIA, labels: ['api']}), issue({assignee: TOM, labels: ['ux', 'ux']})];
  const result = pivot({rows: 'assignee', columns: 'labels'}, issues);
  assert.equal(result.multiValued, true);
  assert.deepEqual(labels(result.columns), ['api', 'ux']);
  assert.deepEqual(counts(result), [[2, 1], [0, 1]]);
  assert.deepEqual(result.rows.map((r) => r.total.count), [2, 1]);
  assert.deepEqual(result.columns.map((c) => c.total.count), [2, 2]);
  assert.equal(result.total.count, 3);
});

test('Other holds the issues under none of the shown columns', () => {
  const issues = [issue({labels: ['a']}), issue({labels: ['a']}), issue({labels: ['a', 'c']}),
    issue({labels: ['b']}), issue({labels: ['c']})];
  const result = pivot({rows: 'status', columns: 'labels', maxColumns: 1}, issues);
  assert.deepEqual(labels(result.columns), ['a', 'Other']);
  assert.deepEqual(counts(result), [[3, 2]]);
});

test('no issues make no rows or columns, and zero totals', () => {
  const result = pivot({rows: 'assignee', columns: 'status',
    value: {function: 'avg', field: 'customfield_10016'}}, []);
  assert.deepEqual([result.rows, result.columns, result.cells], [[], [], []]);
  assert.deepEqual(result.total, {count: 0, value: null});
});

test('a datetime pivots by the day in the user\'s Jira time zone, which drill-down reads', () => {
  const issues = ['2026-01-31T14:00:00.000+0000', '2026-01-31T16:00:00.000+0000']
    .map((created) => issue({created}));
  const result = pivot({rows: 'created', columns: 'status'}, issues, {timeZone: 'Asia/Tokyo'});
  assert.deepEqual(result.rows.map((r) => r.key), ['2026-01-31', '2026-02-01']);
  assert.deepEqual(result.rows.map((r) => r.level.key), ['2026-01-31', '2026-02-01']);
  assert.deepEqual(counts(result), [[1], [1]]);
});
