// Links and places: issue-search links, the host's state of a report, quick filters' rules and
// the drill-down of a filtered view agreeing with the demo's Jira.
// @ts-check
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {FIELDS as DEMO_FIELDS, generateIssues, mulberry32} from '../../static/js/demo/data.js';
import {parseJql} from '../../static/js/demo/jql.js';
import {compileQuery} from '../../static/js/demo/jql-eval.js';
import {groupLevels} from '../../static/js/engine/drill.js';
import {isPlainClick, searchPath, viewJql} from '../../static/js/view/links.js';
import {placeState, readPlace} from '../../static/js/view/place.js';
import {
  choose, filtersFor, filtersText, offeredFields, sameFilters, withValue,
} from '../../static/js/view/quick-filters.js';
import {groupKeys} from '../../static/js/engine/report.js';
import * as state from '../../static/js/view/state.js';

process.env.TZ = 'UTC';  // datetimes group by local day; the demo's Jira reads JQL dates in UTC
// The engine reads the browser's language; node 20 has no navigator.
globalThis.navigator ??= /** @type {any} */ ({language: 'en-US'});

test('the search path is Jira\'s issue search with the JQL as one encoded parameter', () => {
  assert.equal(searchPath('status = "Done" AND labels = "a&b"'),
    '/issues/?jql=status%20%3D%20%22Done%22%20AND%20labels%20%3D%20%22a%26b%22');
});

test('only a plain left click is the page\'s; the browser keeps modified and other buttons', () => {
  const click = (more) => /** @type {MouseEvent} */ ({button: 0, ctrlKey: false,
    metaKey: false, shiftKey: false, altKey: false, ...more});
  assert.equal(isPlainClick(click({})), true);
  for (const more of [{ctrlKey: true}, {metaKey: true}, {shiftKey: true}, {altKey: true},
    {button: 1}]) {
    assert.equal(isPlainClick(click(more)), false, JSON.stringify(more));
  }
});

test('a place survives its state string: &, =, +, spaces, quotes, non-Latin text', () => {
  const filters = [{field: 'status', values: ['10002', '3']},
    {field: 'labels', values: ['a&b=c', 'x+y z', '"quoted"', 'Ünïcödé 日本', '']},
    {field: 'customfield_10020:1', values: ['7']}];
  const place = {report: 'abc123', filters};
  assert.deepEqual(readPlace(placeState(place)), place);
  assert.equal(placeState({report: 'abc', filters: null}), 'report=abc');
});

test('no filters where the report saves some is said, and differs from its saved ones', () => {
  assert.equal(placeState({report: 'r1', filters: []}), 'report=r1&f=');
  assert.deepEqual(readPlace('report=r1&f='), {report: 'r1', filters: []});
  assert.deepEqual(readPlace('report=r1'), {report: 'r1', filters: null});
});

test('the list, an anchor\'s prefix and unknown or broken parameters read safely', () => {
  assert.equal(placeState({report: null, filters: null}), '');
  assert.deepEqual(readPlace(''), {report: null, filters: null});
  assert.deepEqual(readPlace(undefined), {report: null, filters: null});
  assert.deepEqual(readPlace('f.status=1'), {report: null, filters: null});
  assert.deepEqual(readPlace('#!report=r2&f.=x&other=1&f.status=1'),
    {report: 'r2', filters: [{field: 'status', values: ['1']}]});
  assert.deepEqual(readPlace('?report=r3&f.status=%E0%A4'), readPlace('report=r3&f.status=%E0%A4'));
});

test('values are added and taken per field; a field left with none is dropped', () => {
  let filters = withValue([], 'status', '1', true);
  filters = withValue(filters, 'assignee', '', true);
  filters = withValue(filters, 'status', '3', true);
  filters = withValue(filters, 'status', '3', true);
  assert.deepEqual(filters, [{field: 'status', values: ['1', '3']},
    {field: 'assignee', values: ['']}]);
  assert.deepEqual(withValue(filters, 'assignee', '', false), [{field: 'status',
    values: ['1', '3']}]);
  assert.equal(sameFilters(filters, [{field: 'assignee', values: ['']},
    {field: 'status', values: ['3', '1']}]), true);
  assert.equal(sameFilters(filters, [{field: 'status', values: ['1', '3']}]), false);
  assert.equal(sameFilters([{field: 'status', values: []}], []), true);
});

test('the view says which filters are active, or that there are none', () => {
  const names = /** @type {Record<string, string>} */ ({status: 'Status', assignee: 'Assignee'});
  const labels = /** @type {Record<string, string>} */ ({1: 'To Do', 3: 'In Progress',
    '': 'Unassigned'});
  const say = (filters) => filtersText(filters, (f) => names[f], (_, key) => labels[key]);
  assert.equal(say([]), 'No quick filters');
  assert.equal(say([{field: 'status', values: ['1', '3']}, {field: 'assignee', values: ['']}]),
    'Filtered: Status = To Do or In Progress, Assignee = Unassigned');
});

test('quick filters offer the filter fields, then the plain grouping and pivot fields', () => {
  const report = /** @type {any} */ ({filters: [{field: 'labels', values: ['x']}],
    groupBy: ['status', {field: 'created', interval: 'month'}, 'labels', 'assignee'],
    pivot: {rows: 'assignee', columns: 'priority', value: {function: 'count', field: null}}});
  assert.deepEqual(offeredFields(report), ['labels', 'status', 'assignee', 'priority']);
  assert.deepEqual(offeredFields(/** @type {any} */ ({filters: [], groupBy: []})), []);
});

test('a report shows the filters chosen for it until it is saved again', () => {
  const report = /** @type {any} */ ({id: 'q1', version: 3, filters: [
    {field: 'status', values: ['1']}, {field: 'labels', values: []}]});
  assert.deepEqual(filtersFor(report), [{field: 'status', values: ['1']}]);
  choose('q1', 3, []);
  assert.deepEqual(filtersFor(report), []);
  assert.deepEqual(filtersFor({...report, version: 4}), [{field: 'status', values: ['1']}]);
  choose('q1', null, [{field: 'status', values: ['3']}]);  // from a link: any version
  assert.deepEqual(filtersFor({...report, version: 9}), [{field: 'status', values: ['3']}]);
  assert.deepEqual(filtersFor({...report, id: 'other'}), report.filters.slice(0, 1));
});

// Property: a filtered view's drill-down (its JQL, each group's levels, each filter as any of
// its values) makes the demo's Jira find exactly the group's issues.
const NOW = Date.UTC(2026, 5, 1);
const DEMO = generateIssues({issues: 250, seed: 7, now: NOW});
const DEMO_MAP = new Map(DEMO_FIELDS.map((f) => [f.id, f]));
const ENV = {now: NOW, hasIssue: () => false};
const BASE = 'project in (RPT, OPS, WEB) ORDER BY created DESC';
const POOL = ['status', 'assignee', 'labels', 'priority', 'components', 'fixVersions',
  'customfield_10016', 'duedate', 'issuetype', 'reporter'];

/** Sorted keys of the demo issues a JQL finds; it must be valid to the demo Jira. */
function search(jql) {
  const compiled = compileQuery(parseJql(jql), ENV);
  assert.deepEqual(compiled.errors, [], jql);
  return compiled.run(DEMO).map((i) => i.key).sort();
}

/** A seeded report: two or three grouping levels and one or two filters of present values. */
function drawReport(rand, issues, n) {
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const groupBy = [...new Set([pick(POOL), pick(POOL), pick(POOL)])];
  const filters = [...new Set([pick(POOL), pick(POOL)])].map((field) => {
    const keys = [...new Set(issues.map((i) => groupKeys(i, DEMO_MAP.get(field))[0].key))];
    return {field, values: [...new Set([pick(keys), pick(keys), pick(keys)])]};
  });
  return /** @type {any} */ ({id: `p${n}`, jql: BASE, columns: [], sort: [], groupBy, filters,
    aggregations: []});
}

test('every group of a filtered view drills down to exactly its issues', () => {
  const rand = mulberry32(11);
  const issues = DEMO.filter((i) => ['RPT', 'OPS', 'WEB'].includes(i.fields.project.key));
  for (let n = 0; n < 12; n++) {
    const report = drawReport(rand, issues, n);
    state.hold({report, fields: DEMO_MAP, issues});
    const data = /** @type {state.Held} */ (state.current());
    const all = viewJql([]);
    assert.ok(all, JSON.stringify(report.filters));
    assert.deepEqual(search(all), data.result.rows.map((i) => i.key).sort(), all);
    const walk = (list, path) => list.forEach((group) => {
      const jql = viewJql(groupLevels([...path, group]));
      assert.ok(jql, `${group.field} ${group.key}`);
      assert.deepEqual(search(jql), group.rows.map((i) => i.key).sort(), jql);
      walk(group.children, [...path, group]);
    });
    walk(data.result.groups, []);
  }
  state.drop();
});
