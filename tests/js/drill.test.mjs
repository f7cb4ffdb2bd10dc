// Drill-down JQL: every field kind, quoting, ORDER BY, "Other", ranges, and the demo's Jira agreeing.
// @ts-check
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';

import {FIELDS as DEMO_FIELDS, generateIssues, mulberry32} from '../../static/js/demo/data.js';
import {parseJql, tokenize} from '../../static/js/demo/jql.js';
import {compileQuery} from '../../static/js/demo/jql-eval.js';
import {
  clauseName, drillJql, groupLevels, issueSearchUrl, levelJql, otherLevel, pivotLevels, quoteJql,
  rangeLevel, stripOrderBy,
} from '../../static/js/engine/drill.js';
import {computePivot} from '../../static/js/engine/pivot.js';
import {computeReport, groupKeys} from '../../static/js/engine/report.js';

process.env.TZ = 'UTC';  // datetimes group by local day; the demo's Jira reads JQL dates in UTC

/** Fields as GET /rest/api/3/field describes them, one or more per kind the engine knows. */
const FIELDS = new Map([
  ['summary', {type: 'string', system: 'summary'}],
  ['description', {type: 'string', system: 'description'}],
  ['customfield_10019', {type: 'any', custom: 'com.pyxis.greenhopper.jira:gh-lexo-rank',
    customId: 10019}],
  ['customfield_10016', {type: 'number', custom: 'x:float', customId: 10016}],
  ['timeoriginalestimate', {type: 'number', system: 'timeoriginalestimate'}],
  ['aggregatetimespent', {type: 'number', system: 'aggregatetimespent'}],
  ['workratio', {type: 'number', system: 'workratio'}],
  ['duedate', {type: 'date', system: 'duedate'}],
  ['created', {type: 'datetime', system: 'created'}],
  ['assignee', {type: 'user', system: 'assignee'}],
  ['customfield_10060', {type: 'array', items: 'user', custom: 'x:multiuserpicker',
    customId: 10060}],
  ['customfield_10070', {type: 'option', custom: 'x:select', customId: 10070}],
  ['customfield_10021', {type: 'array', items: 'option', custom: 'x:multicheckboxes',
    customId: 10021}],
  ['customfield_10071', {type: 'option-with-child', custom: 'x:cascadingselect',
    customId: 10071}],
  ['labels', {type: 'array', items: 'string', system: 'labels'}],
  ['components', {type: 'array', items: 'component', system: 'components'}],
  ['fixVersions', {type: 'array', items: 'version', system: 'fixVersions'}],
  ['priority', {type: 'priority', system: 'priority'}],
  ['status', {type: 'status', system: 'status'}],
  ['issuetype', {type: 'issuetype', system: 'issuetype'}],
  ['project', {type: 'project', system: 'project'}],
  ['resolution', {type: 'resolution', system: 'resolution'}],
  ['progress', {type: 'progress', system: 'progress'}],
  ['votes', {type: 'votes', system: 'votes'}],
  ['watches', {type: 'watches', system: 'watches'}],
  ['comment', {type: 'comments-page', system: 'comment'}],
  ['customfield_10020', {type: 'array', items: 'json',
    custom: 'com.pyxis.greenhopper.jira:gh-sprint', customId: 10020}],
].map(([id, schema]) => [id, {id, name: id, schema}]));
FIELDS.set('issuekey', {id: 'issuekey', name: 'Key'});

const HARD = 'Team "A" \\ Ünïcode 日本語 (x) AND order by';
const HARD_JQL = '"Team \\"A\\" \\\\ Ünïcode 日本語 (x) AND order by"';
const MIA = {accountId: '5b10a2844c20165700ede21g', displayName: 'Mia'};

/** [field, value on the issue, the group's condition]: the group made by the engine itself. */
const KINDS = [
  ['issuekey', null, 'key = "RPT-1"'],
  ['customfield_10016', 5, 'cf[10016] = 5'],
  ['customfield_10016', -2.5, 'cf[10016] = -2.5'],
  ['timeoriginalestimate', 28800, 'originalEstimate = 480'],  // JQL durations are minutes
  ['workratio', 50, 'workRatio = 50'],
  ['duedate', '2026-10-15', 'due = "2026-10-15"'],
  ['created', '2026-09-14T23:02:34.255-0200',
    'created >= "2026-09-15 00:00" AND created < "2026-09-16 00:00"'],
  ['assignee', MIA, 'assignee = "5b10a2844c20165700ede21g"'],
  ['customfield_10060', [MIA], 'cf[10060] = "5b10a2844c20165700ede21g"'],
  ['customfield_10070', {id: '1', value: HARD}, `cf[10070] = ${HARD_JQL}`],
  ['customfield_10021', [{id: '2', value: 'Ja'}], 'cf[10021] = "Ja"'],
  ['customfield_10071', {id: '3', value: 'EMEA', child: {id: '4', value: 'Köln'}},
    'cf[10071] IN cascadeOption("EMEA", "Köln")'],
  ['customfield_10071', {id: '3', value: 'EMEA'}, 'cf[10071] IN cascadeOption("EMEA", none)'],
  ['labels', ['c:\\temp"x'], 'labels = "c:\\\\temp\\"x"'],
  ['components', [{id: '10100', name: 'API'}], 'component = 10100'],
  ['fixVersions', [{id: '10200', name: '2.3.0'}], 'fixVersion = 10200'],
  ['priority', {id: '2', name: 'High'}, 'priority = "High"'],
  ['status', {id: '3', name: 'Готово', statusCategory: {key: 'done'}}, 'status = "Готово"'],
  ['issuetype', {id: '10004', name: 'バグ'}, 'issuetype = "バグ"'],
  ['project', {id: '10000', key: 'RPT', name: 'Reporting'}, 'project = "RPT"'],
  ['resolution', {id: '10001', name: "Won't Do"}, 'resolution = "Won\'t Do"'],
  ['votes', {votes: 3}, 'votes = 3'],
  ['watches', {watchCount: 2}, 'watchers = 2'],
  ['customfield_10020', [{id: 8, name: 'Sprint 8', state: 'active'}], 'cf[10020] = 8'],
  ['resolution', null, 'resolution IS EMPTY'],
  ['labels', [], 'labels IS EMPTY'],
  ['assignee', null, 'assignee IS EMPTY'],
  ['created', null, 'created IS EMPTY'],
];
/** Kinds JQL cannot match exactly by value: the drill-down is left out (null). */
const NO_JQL = [['summary', 'Fix login'], ['description', {type: 'doc', content: [{type: 'text', text: 'x'}]}],
  ['customfield_10019', '0|i007c3:'], ['aggregatetimespent', 3600],
  ['progress', {progress: 1, total: 2}], ['comment', {total: 4}],
  ['timeoriginalestimate', 90]];

/** The condition drill-down writes for the one group the engine makes of one issue. */
function groupCondition(id, value) {
  const one = {id: '1', key: 'RPT-1', fields: {[id]: value}};
  const [group] = computeReport({groupBy: [id]}, [one], FIELDS).groups;
  return drillJql('', groupLevels([group]), FIELDS);
}

describe('a group of each field kind', () => {
  for (const [id, value, expected] of KINDS) {
    test(`${id} ${JSON.stringify(value)} → ${expected}`, () => {
      assert.equal(groupCondition(id, value), expected);
    });
  }
  for (const [id, value] of NO_JQL) {
    test(`${id} ${JSON.stringify(value)} has no exact JQL`, () => {
      assert.equal(groupCondition(id, value), null);
    });
  }
});

test('quoted values read back as they were, whatever their characters', () => {
  for (const value of [HARD, 'a\\', '\\"', "it's", '', 'x = y OR key = RPT-1', '🚀 ☃']) {
    const [field, op, literal] = tokenize(`labels = ${quoteJql(value)}`);
    assert.deepEqual([field.text, op.text, literal.type, literal.text],
      ['labels', '=', 'string', value]);
  }
});

test('control characters are escaped as JQL spells them', () => {
  assert.equal(quoteJql('a\nb\tc\rd\u0001'), '"a\\nb\\tc\\rd\\u0001"');
});

test('clause names: cf[N] for custom fields, JQL names for system fields', () => {
  const names = ['issuekey', 'key', 'fixVersions', 'components', 'labels', 'duedate',
    'customfield_10020', 'parent', 'aggregatetimespent'].map((id) =>
    clauseName(FIELDS.get(id) ?? {id}));
  assert.deepEqual(names, ['key', 'key', 'fixVersion', 'component', 'labels', 'due', 'cf[10020]',
    'parent', null]);
});

describe('ORDER BY is cut from the base JQL, never inside a quoted string', () => {
  const cases = [
    ['project = RPT ORDER BY created DESC', 'project = RPT'],
    ['project = RPT order\n by key', 'project = RPT'],
    ['summary ~ "order by" ORDER BY key', 'summary ~ "order by"'],
    ["summary ~ 'x \\' order by y' order by key", "summary ~ 'x \\' order by y'"],
    ['summary ~ "a \\" order by b"', 'summary ~ "a \\" order by b"'],
    ['(status = Done)order by key', '(status = Done)'],
    ['labels = reorder', 'labels = reorder'],
    ['ORDER BY key', ''],
  ];
  for (const [jql, base] of cases) test(jql, () => assert.equal(stripOrderBy(jql), base));
});

test('levels follow the parenthesised base JQL, joined by AND', () => {
  const levels = [{field: 'status', key: '3', item: {name: 'Done'}},
    {field: 'assignee', key: '', item: undefined}];
  assert.equal(drillJql('project = A OR type = Bug ORDER BY key', levels, FIELDS),
    '(project = A OR type = Bug) AND status = "Done" AND assignee IS EMPTY');
  assert.equal(drillJql('  ', levels.slice(1), FIELDS), 'assignee IS EMPTY');
  assert.equal(drillJql('x = 1', [], FIELDS), '(x = 1)');
  assert.equal(drillJql('x = 1', [{field: 'summary', key: 'a', item: 'a'}], FIELDS), null);
});

test('date buckets and ranges are wall-clock bounds, end exclusive', () => {
  const bucket = (field, key) => levelJql({field, key, item: {text: key, time: 0}},
    FIELDS.get(field));
  assert.equal(bucket('created', '2026-W05'),
    'created >= "2026-01-26 00:00" AND created < "2026-02-02 00:00"');
  assert.equal(bucket('duedate', '2026-Q1'), 'due >= "2026-01-01 00:00" AND due < "2026-04-01 00:00"');
  assert.equal(bucket('created', '2026'),
    'created >= "2026-01-01 00:00" AND created < "2027-01-01 00:00"');
  const month = rangeLevel('resolutiondate', {start: '2026-01-01 00:00', end: '2026-02-01 00:00'});
  assert.equal(drillJql('project = RPT', [month], FIELDS),
    '(project = RPT) AND resolved >= "2026-01-01 00:00" AND resolved < "2026-02-01 00:00"');
});

describe('"Other" is none of the shown values, and empty when that was folded in', () => {
  const other = (field, shown, empty) => levelJql({field, key: '', other: {shown, empty}},
    FIELDS.get(field));
  const [todo, done] = [{key: '1', item: {name: 'To Do'}}, {key: '3', item: {name: 'Done'}}];
  test('NOT IN', () => assert.equal(other('status', [todo, done], false),
    'status NOT IN ("To Do", "Done")'));
  test('OR IS EMPTY, parenthesised', () => assert.equal(other('assignee',
    [{key: MIA.accountId, item: MIA}], true),
  '(assignee NOT IN ("5b10a2844c20165700ede21g") OR assignee IS EMPTY)'));
  test('only the empty value shown', () => assert.equal(other('labels', [], false),
    'labels IS NOT EMPTY'));
  test('dates outside each shown range', () => assert.equal(other('created',
    [{key: '2026-01-31', item: {}}], true), '((created < "2026-01-31 00:00" OR created >= '
    + '"2026-02-01 00:00") OR created IS EMPTY)'));
  test('cascading options cannot be listed', () => assert.equal(other('customfield_10071',
    [{key: '3', item: {value: 'EMEA'}}], false), null));
});

test('the search link carries the JQL url-encoded', () => {
  assert.equal(issueSearchUrl('https://x.atlassian.net/', 'project = "Ü&" AND a ~ "#1"'),
    'https://x.atlassian.net/issues/?jql=project%20%3D%20%22%C3%9C%26%22%20AND%20a%20~%20%22%231%22');
});

// Property: over the demo site's issues, for random reports (seeded, so a failure repeats),
// the demo Jira given a group's or pivot cell's drill-down JQL finds exactly its issues.
const NOW = Date.UTC(2026, 5, 1);
const DEMO = generateIssues({issues: 250, seed: 5, now: NOW});
const DEMO_MAP = new Map(DEMO_FIELDS.map((f) => [f.id, f]));
const KNOWN = new Set(DEMO.flatMap((i) => [i.id, i.key]));
const ENV = {now: NOW, hasIssue: (/** @type {string} */ ref) => KNOWN.has(ref.toUpperCase())};
const BASES = ['project in (RPT, OPS, WEB) ORDER BY created DESC', 'status != Done',
  'summary ~ "order by" OR priority = High order by key', 'labels in (backend, ux) OR type = Bug'];
// Every demo field a report can group by; text fields have no exact JQL (tested above).
const POOL = DEMO_FIELDS.map((f) => f.id).filter((id) => id !== 'summary' && id !== 'description');
const NUMBERS = ['customfield_10016', 'timeoriginalestimate'];
/** Date fields grouped by calendar bucket, beside the plain fields (a datetime per day). */
const BUCKETS = [{field: 'created', interval: 'week'}, {field: 'resolutiondate', interval: 'month'},
  {field: 'duedate', interval: 'quarter'}, {field: 'updated', interval: 'year'},
  {field: 'duedate', interval: 'week'}, {field: 'created', interval: 'day'}];
const CONFIGS = 10;

/** Sorted keys of the demo issues a JQL finds; it must be valid to the demo Jira. */
function search(jql) {
  const compiled = compileQuery(parseJql(jql), ENV);
  assert.deepEqual(compiled.errors, [], jql);
  return compiled.run(DEMO).map((i) => i.key).sort();
}

const sortedKeys = (issues) => issues.map((i) => i.key).sort();
/** A seeded draw: pick(list), and some(list, most) distinct items. */
function drawer(seed) {
  const rand = mulberry32(seed);
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const some = (list, most) => [...new Set(Array.from({length: 1 + Math.floor(rand() * most)},
    () => pick(list)))];
  return {rand, pick, some};
}
/** The base JQL's issues, in the demo's order. */
const baseIssues = (base) => {
  const keys = new Set(search(base));
  return DEMO.filter((i) => keys.has(i.key));
};

test('every group\'s drill-down, and a chart\'s Other, finds exactly its issues', () => {
  const {pick, some} = drawer(2026);
  for (let n = 0; n < CONFIGS; n++) {
    const [base, groupBy] = [pick(BASES), some([...POOL, ...BUCKETS], 3)];
    const {groups} = computeReport({groupBy}, baseIssues(base), DEMO_MAP, {timeZone: 'UTC'});
    const walk = (list, path) => list.forEach((group) => {
      const jql = drillJql(base, groupLevels([...path, group]), DEMO_MAP);
      assert.ok(jql, `${group.field} ${group.key}`);
      assert.deepEqual(search(jql), sortedKeys(group.rows), jql);
      walk(group.children, [...path, group]);
    });
    walk(groups, []);
    checkOther(base, groups);
  }
});

/** A chart's "Other" bar after its first two: the issues in none of the bars shown. */
function checkOther(base, groups) {
  const [shown, rest] = [groups.slice(0, 2), groups.slice(2)];
  if (!rest.length) return;
  const level = otherLevel(groups[0].field, shown, rest.some((g) => g.item === undefined));
  const jql = drillJql(base, [level], DEMO_MAP);
  const inShown = new Set(shown.flatMap((g) => g.rows));
  assert.ok(jql);
  assert.deepEqual(search(jql), sortedKeys(baseIssues(base).filter((i) => !inShown.has(i))), jql);
}

/** Whether an issue counts under a pivot header, by the field's group keys (the oracle). */
function under(issue, fieldId, header, shownKeys) {
  if (!header) return true;
  const keys = groupKeys(issue, DEMO_MAP.get(fieldId)).map((k) => k.key);
  return header.level.other ? !keys.some((k) => shownKeys.has(k)) : keys.includes(header.key);
}

test('every pivot cell\'s and total\'s drill-down finds exactly the issues counted there', () => {
  const {rand, pick} = drawer(11);
  for (let n = 0; n < CONFIGS; n++) {
    const config = {rows: pick(POOL), columns: pick(POOL), maxColumns: 1 + Math.floor(rand() * 6),
      value: pick([{function: 'count', field: null}, {function: 'sum', field: pick(NUMBERS)},
        {function: 'avg', field: pick(NUMBERS)}])};
    const base = pick(BASES);
    const issues = baseIssues(base);
    const result = computePivot(config, issues, DEMO_MAP, {timeZone: 'UTC',
      order: {rows: pick(['total', 'field']), columns: pick(['total', 'field'])}});
    const shown = new Set(result.columns.filter((c) => !c.level.other).map((c) => c.key));
    const check = (row, column, count) => {
      const jql = drillJql(base, pivotLevels(row, column), DEMO_MAP);
      const expected = issues.filter((i) => under(i, config.rows, row, shown)
        && under(i, config.columns, column, shown));
      assert.equal(count, expected.length, jql);
      assert.deepEqual(search(jql), sortedKeys(expected), jql);
    };
    result.rows.forEach((row, r) => {
      result.columns.forEach((column, c) => check(row, column, result.cells[r][c].count));
      check(row, null, row.total.count);
    });
    result.columns.forEach((column) => check(null, column, column.total.count));
    check(null, null, result.total.count);
  }
});
