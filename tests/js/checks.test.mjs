// Editor checks: the rules for pivot and time-series blocks, and where server messages go.
// @ts-check
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';

import {localProblems, slotFor} from '../../static/js/editor/checks.js';

/** Fields as GET /rest/api/3/field describes them (schemas as in Jira's REST reference). */
const FIELDS = new Map([
  ['summary', {id: 'summary', name: 'Summary', schema: {type: 'string', system: 'summary'}}],
  ['status', {id: 'status', name: 'Status', schema: {type: 'status', system: 'status'}}],
  ['assignee', {id: 'assignee', name: 'Assignee', schema: {type: 'user', system: 'assignee'}}],
  ['created', {id: 'created', name: 'Created', schema: {type: 'datetime', system: 'created'}}],
  ['duedate', {id: 'duedate', name: 'Due date', schema: {type: 'date', system: 'duedate'}}],
  ['customfield_10016', {id: 'customfield_10016', name: 'Story point estimate',
    schema: {type: 'number', custom: 'com.pyxis.greenhopper.jira:jsw-story-points',
      customId: 10016}}],
]);
const BASE = {name: 'Report', columns: ['key']};
const COUNT = {function: 'count', field: null};
const PIVOT = {rows: 'assignee', columns: 'status', value: COUNT, maxColumns: 12};
const SERIES = {dates: ['created'], interval: 'week', cumulative: false, value: COUNT};

/** Only the paths that have problems. @param {Record<string, string[]>} problems */
const found = (problems) => Object.fromEntries(
  Object.entries(problems).filter(([, messages]) => messages.length));

describe('localProblems of a pivot', () => {
  test('a counting pivot of two known fields passes', () => {
    assert.deepEqual(found(localProblems({...BASE, pivot: PIVOT}, FIELDS)), {});
  });

  test('a sum needs a number field, on the value field input', () => {
    const none = {...PIVOT, value: {function: 'sum', field: null}};
    const text = {...PIVOT, value: {function: 'avg', field: 'summary'}};
    assert.deepEqual(found(localProblems({...BASE, pivot: none}, FIELDS)),
      {'pivot.value.field': ['Pick a number field.']});
    assert.deepEqual(found(localProblems({...BASE, pivot: text}, FIELDS)),
      {'pivot.value.field': ['Summary is not a number field.']});
  });

  test('rows, columns and the column limit are checked on their own inputs', () => {
    const pivot = {...PIVOT, rows: null, columns: 'Assignee', maxColumns: 51};
    assert.deepEqual(found(localProblems({...BASE, pivot}, FIELDS)), {
      'pivot.rows': ['Pick the field for the rows.'],
      'pivot.columns': ['No field “Assignee” here. Pick one from the list.'],
      'pivot.maxColumns': ['Enter a whole number from 1 to 50.'],
    });
  });

  test('an absent column limit is the default, an emptied one is refused', () => {
    const {maxColumns, ...absent} = PIVOT;
    assert.deepEqual(found(localProblems({...BASE, pivot: absent}, FIELDS)), {});
    assert.deepEqual(found(localProblems({...BASE, pivot: {...PIVOT, maxColumns: NaN}}, FIELDS)),
      {'pivot.maxColumns': ['Enter a whole number from 1 to 50.']});
    assert.equal(maxColumns, 12);
  });

  test('unknown fields pass when the fields could not be loaded', () => {
    const pivot = {...PIVOT, rows: 'customfield_1', value: {function: 'sum', field: 'x'}};
    assert.deepEqual(found(localProblems({...BASE, pivot}, new Map())), {});
  });
});

describe('localProblems of a time series', () => {
  test('one or two date fields pass, anything else is named', () => {
    const two = {...SERIES, dates: ['created', 'duedate']};
    assert.deepEqual(found(localProblems({...BASE, timeSeries: two}, FIELDS)), {});
    const none = {...SERIES, dates: []};
    const status = {...SERIES, dates: ['created', 'status']};
    assert.deepEqual(found(localProblems({...BASE, timeSeries: none}, FIELDS)),
      {'timeSeries.dates': ['Add a date field, e.g. Created.']});
    assert.deepEqual(found(localProblems({...BASE, timeSeries: status}, FIELDS)),
      {'timeSeries.dates': ['Status is not a date field.']});
  });

  test('a summed series needs a number field', () => {
    const series = {...SERIES, value: {function: 'sum', field: 'created'}};
    assert.deepEqual(found(localProblems({...BASE, timeSeries: series}, FIELDS)),
      {'timeSeries.value.field': ['Created is not a number field.']});
  });
});

describe('slotFor places server messages on their inputs', () => {
  const slots = Object.fromEntries(['groupBy', 'pivot', 'pivot.rows', 'pivot.columns',
    'pivot.maxColumns', 'pivot.value.function', 'pivot.value.field', 'timeSeries',
    'timeSeries.dates', 'timeSeries.interval', 'timeSeries.value.function',
    'timeSeries.value.field'].map((path) => [path, /** @type {any} */ ({})]));
  // The messages as validation.py words them, by the key it answers them under.
  const cases = [
    ['pivot', 'value: field must be a field id', 'pivot.value.field'],
    ['pivot', 'value: function must be one of count, sum, avg', 'pivot.value.function'],
    ['pivot', 'rows and columns must be field ids', 'pivot.rows'],
    ['pivot', 'maxColumns must be a whole number from 1 to 50', 'pivot.maxColumns'],
    ['pivot', 'must be an object with rows, columns, value (optionally maxColumns)', 'pivot'],
    ['timeSeries', 'dates must have 1 to 2 entries', 'timeSeries.dates'],
    ['timeSeries', 'interval must be one of day, week, month, quarter', 'timeSeries.interval'],
    ['timeSeries', 'value: field must be a field id', 'timeSeries.value.field'],
    ['timeSeries', 'cumulative must be true or false', 'timeSeries'],
    ['groupBy', 'entry 1: interval must be one of day, week, month, quarter, year', 'groupBy'],
  ];
  for (const [key, message, slot] of cases) {
    test(`${key}: “${message}”`, () => assert.equal(slotFor(slots, key, message), slot));
  }

  test('a key without a slot has none', () => {
    assert.equal(slotFor({}, 'pivot', 'rows and columns must be field ids'), undefined);
  });
});
