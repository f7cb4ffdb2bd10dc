// Engine cases: field kinds, cells, group keys, sorting, filters, grouping, aggregation.
// @ts-check
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';

import {
  cellText, computeReport, fieldKind, fieldValue, groupKeys, reportFields, statusCategory,
} from '../../static/js/engine/report.js';

process.env.TZ = 'UTC';  // datetimes are bucketed by local day; pin "local" for these cases

const SITE = 'https://example.atlassian.net';

/** Fields as GET /rest/api/3/field describes them (schemas as in the reference's example). */
const FIELDS = new Map([
  ['summary', {type: 'string', system: 'summary'}],
  ['description', {type: 'string', system: 'description'}],
  ['customfield_10050', {type: 'string',
    custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textarea'}],
  ['status', {type: 'status', system: 'status'}],
  ['assignee', {type: 'user', system: 'assignee'}],
  ['priority', {type: 'priority', system: 'priority'}],
  ['customfield_10016', {type: 'number', custom: 'com.pyxis.greenhopper.jira:jsw-story-points'}],
  ['created', {type: 'datetime', system: 'created'}],
  ['duedate', {type: 'date', system: 'duedate'}],
  ['labels', {type: 'array', items: 'string', system: 'labels'}],
  ['components', {type: 'array', items: 'component', system: 'components'}],
  ['fixVersions', {type: 'array', items: 'version', system: 'fixVersions'}],
  ['timeoriginalestimate', {type: 'number', system: 'timeoriginalestimate'}],
  ['aggregatetimespent', {type: 'number', system: 'aggregatetimespent'}],
  ['workratio', {type: 'number', system: 'workratio'}],
  ['customfield_10060', {type: 'array', items: 'user', custom: 'x:multiuserpicker'}],
  ['customfield_10070', {type: 'option', custom: 'x:select'}],
  ['customfield_10071', {type: 'option-with-child', custom: 'x:cascadingselect'}],
  ['customfield_10021', {type: 'array', items: 'option', custom: 'x:multicheckboxes'}],
  ['issuetype', {type: 'issuetype', system: 'issuetype'}],
  ['project', {type: 'project', system: 'project'}],
  ['resolution', {type: 'resolution', system: 'resolution'}],
  ['progress', {type: 'progress', system: 'progress'}],
  ['votes', {type: 'votes', system: 'votes'}],
  ['watches', {type: 'watches', system: 'watches'}],
  ['customfield_10020', {type: 'array', items: 'json',
    custom: 'com.pyxis.greenhopper.jira:gh-sprint'}],
  ['comment', {type: 'comments-page', system: 'comment'}],
  ['worklog', {type: 'array', items: 'worklog', system: 'worklog'}],
  ['attachment', {type: 'array', items: 'attachment', system: 'attachment'}],
  ['issuelinks', {type: 'array', items: 'issuelinks', system: 'issuelinks'}],
  ['customfield_10019', {type: 'any', custom: 'com.pyxis.greenhopper.jira:gh-lexo-rank'}],
].map(([id, schema]) => [id, {id, name: id, schema}]));
FIELDS.set('issuekey', {id: 'issuekey', name: 'Key'});

const field = (id) => FIELDS.get(id) ?? {id, name: id};

const STATUS = {
  todo: {name: 'To Do', id: '1', category: [2, 'new']},
  backlog: {name: 'Backlog', id: '10000', category: [2, 'new']},
  progress: {name: 'In Progress', id: '3', category: [4, 'indeterminate']},
  done: {name: 'Done', id: '10001', category: [3, 'done']},
};
const status = ({name, id, category: [catId, key]}) => ({
  self: `${SITE}/rest/api/3/status/${id}`, description: '', iconUrl: `${SITE}/`, name, id,
  statusCategory: {self: `${SITE}/rest/api/3/statuscategory/${catId}`, id: catId, key,
    colorName: 'yellow', name},
});
const user = (accountId, displayName) => ({
  self: `${SITE}/rest/api/3/user?accountId=${accountId}`, accountId, accountType: 'atlassian',
  active: true, displayName, timeZone: 'Europe/Berlin', avatarUrls: {'48x48': 'https://a/x.png'},
});
const MIA = user('5b10a2844c20165700ede21g', 'Mia Krystof');
const TOM = user('5b10ac8d82e05b22cc7d4ef5', 'Tom Ng');
const PRIORITY = Object.fromEntries(['Highest', 'High', 'Medium', 'Low', 'Lowest']
  .map((name, i) => [name, {self: `${SITE}/rest/api/3/priority/${i + 1}`,
    iconUrl: `${SITE}/images/icons/priorities/${name.toLowerCase()}.svg`, name,
    id: String(i + 1)}]));

/** An IssueBean shaped like the reference example (RPT-42), with fields overridden. */
function issue(n, fields = {}) {
  return {
    expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
    id: String(10000 + n), key: `RPT-${n}`, self: `${SITE}/rest/api/3/issue/${10000 + n}`,
    fields: {
      status: status(STATUS.progress), assignee: MIA, priority: PRIORITY.High,
      customfield_10016: 5.0, created: '2026-09-14T10:02:34.255+0200', labels: ['backend', 'q4'],
      components: [{self: `${SITE}/rest/api/3/component/10100`, id: '10100', name: 'API'}],
      fixVersions: [{self: `${SITE}/rest/api/3/version/10200`, id: '10200', name: '2.3.0',
        archived: false, released: false, releaseDate: '2026-11-30'}],
      timeoriginalestimate: 28800, ...fields,
    },
  };
}

const keys = (rows) => rows.map((r) => r.key);
const run = (config, issues, options) => computeReport(config, issues, FIELDS, options);
const spaces = (s) => s.replace(/[^\S\n]/g, ' ');  // ICU puts narrow no-break spaces in times

describe('fieldKind', () => {
  const cases = {
    summary: 'string', description: 'adf', customfield_10050: 'adf', status: 'status',
    assignee: 'user', priority: 'priority', customfield_10016: 'number', created: 'datetime',
    duedate: 'date', labels: 'strings', components: 'components', fixVersions: 'versions',
    timeoriginalestimate: 'duration', aggregatetimespent: 'duration', workratio: 'number',
    customfield_10060: 'users', customfield_10070: 'option', customfield_10071: 'cascade',
    customfield_10021: 'options', issuetype: 'issuetype', project: 'project',
    resolution: 'resolution', progress: 'progress', votes: 'votes', watches: 'watches',
    customfield_10020: 'sprint', comment: 'count', worklog: 'count', attachment: 'count',
    issuelinks: 'count', customfield_10019: 'any', issuekey: 'string', key: 'string',
    customfield_99999: 'any',
  };
  for (const [id, kind] of Object.entries(cases)) {
    test(`${id} is ${kind}`, () => assert.equal(fieldKind(field(id)), kind));
  }

  test('old sprint fields typed as array of strings are still sprints', () => {
    const sprint = {id: 'cf', schema: {type: 'array', items: 'string',
      custom: 'com.pyxis.greenhopper.jira:gh-sprint'}};
    assert.equal(fieldKind(sprint), 'sprint');
  });
});

/** [field id, value, cell text (en-US), [key, label] of its groups in group order]. */
const ADF = {type: 'doc', version: 1, content: [
  {type: 'paragraph', content: [{type: 'text', text: 'Hello '},
    {type: 'text', text: 'world', marks: [{type: 'strong'}]}, {type: 'hardBreak'},
    {type: 'text', text: 'line 2'}]},
  {type: 'bulletList', content: [{type: 'listItem', content: [
    {type: 'paragraph', content: [{type: 'text', text: 'item'}]}]}]},
  {type: 'paragraph', content: [{type: 'mention', attrs: {id: 'x', text: '@Mia Krystof'}},
    {type: 'text', text: ' thanks '},
    {type: 'emoji', attrs: {shortName: ':smile:', text: '😄'}}]},
]};
const ADF_TEXT = 'Hello world\nline 2\nitem\n@Mia Krystof thanks 😄';
const SPRINTS = [{id: 7, name: 'Sprint 7', state: 'closed', boardId: 1},
  {id: 8, name: 'Sprint 8', state: 'active', boardId: 1}];
const CELL_CASES = [
  ['summary', 'Fix login', 'Fix login', [['Fix login', 'Fix login']]],
  ['summary', null, '', [['', '(none)']]],
  ['description', ADF, ADF_TEXT, [[ADF_TEXT, ADF_TEXT]]],
  ['customfield_10050', {type: 'doc', version: 1, content: []}, '', [['', '(none)']]],
  ['customfield_10016', 5, '5', [['5', '5']]],
  ['customfield_10016', 1234.5, '1,234.5', [['1234.5', '1,234.5']]],
  ['customfield_10016', null, '', [['', '(none)']]],
  ['timeoriginalestimate', 214200, '1w 2d 3h 30m', [['214200', '1w 2d 3h 30m']]],
  ['timeoriginalestimate', 28800, '1d', [['28800', '1d']]],
  ['aggregatetimespent', 0, '0m', [['0', '0m']]],
  ['workratio', -1, '', [['', '(none)']]],
  ['duedate', '2026-10-15', 'Oct 15, 2026', [['2026-10-15', 'Oct 15, 2026']]],
  ['created', '2026-09-14T01:30:00.000+0200', 'Sep 13, 2026, 11:30 PM',
    [['2026-09-13', 'Sep 13, 2026']]],
  ['assignee', MIA, 'Mia Krystof', [[MIA.accountId, 'Mia Krystof']]],
  ['assignee', null, '', [['', 'Unassigned']]],
  ['customfield_10060', [MIA, TOM], 'Mia Krystof, Tom Ng',
    [[MIA.accountId, 'Mia Krystof'], [TOM.accountId, 'Tom Ng']]],
  ['customfield_10060', [], '', [['', 'Unassigned']]],
  ['customfield_10070', {self: 'x', value: 'Red', id: '10001'}, 'Red', [['10001', 'Red']]],
  ['customfield_10071', {value: 'EMEA', id: '1', child: {value: 'Berlin', id: '2'}},
    'EMEA › Berlin', [['1:2', 'EMEA › Berlin']]],
  ['customfield_10071', {value: 'EMEA', id: '1'}, 'EMEA', [['1', 'EMEA']]],
  ['customfield_10021', [{value: 'Impediment', id: '10019'}, {value: 'Blocked', id: '10020'}],
    'Impediment, Blocked', [['10020', 'Blocked'], ['10019', 'Impediment']]],
  ['labels', ['backend', 'q4'], 'backend, q4', [['backend', 'backend'], ['q4', 'q4']]],
  ['labels', [], '', [['', '(none)']]],
  ['components', [{id: '10100', name: 'API'}, {id: '10101', name: 'UI'}], 'API, UI',
    [['10100', 'API'], ['10101', 'UI']]],
  ['fixVersions', [{id: '10200', name: '2.3.0', releaseDate: '2026-11-30'}], '2.3.0',
    [['10200', '2.3.0']]],
  ['priority', PRIORITY.High, 'High', [['2', 'High']]],
  ['status', status(STATUS.progress), 'In Progress', [['3', 'In Progress']]],
  ['issuetype', {id: '10001', name: 'Story', subtask: false, hierarchyLevel: 0}, 'Story',
    [['10001', 'Story']]],
  ['project', {id: '10000', key: 'RPT', name: 'Reports'}, 'Reports', [['10000', 'Reports']]],
  ['resolution', {id: '10000', name: 'Done'}, 'Done', [['10000', 'Done']]],
  ['resolution', null, 'Unresolved', [['', 'Unresolved']]],
  ['progress', {progress: 3600, total: 14400}, '25%', [['25', '25%']]],
  ['progress', {progress: 0, total: 0}, '', [['', '(none)']]],
  ['votes', {votes: 3, hasVoted: false}, '3', [['3', '3']]],
  ['watches', {watchCount: 2, isWatching: true}, '2', [['2', '2']]],
  ['customfield_10020', SPRINTS, 'Sprint 8', [['7', 'Sprint 7'], ['8', 'Sprint 8']]],
  ['customfield_10020', ['com.atlassian.greenhopper.service.sprint.Sprint@1f[id=3,rapidViewId=1,'
    + 'state=CLOSED,name=Sprint 3,startDate=2026-01-01]'], 'Sprint 3', [['3', 'Sprint 3']]],
  ['comment', {comments: [{id: '1'}], maxResults: 1, total: 3, startAt: 0}, '3', [['3', '3']]],
  ['worklog', {worklogs: [{id: '1'}, {id: '2'}], maxResults: 20, total: 2}, '2', [['2', '2']]],
  ['attachment', [{id: '1'}, {id: '2'}], '2', [['2', '2']]],
  ['issuelinks', [], '0', [['0', '0']]],
  ['customfield_10019', '1|i007c3:', '1|i007c3:', [['1|i007c3:', '1|i007c3:']]],
  ['customfield_99999', {a: [1, 'b']}, '{"a":[1,"b"]}', [['{"a":[1,"b"]}', '{"a":[1,"b"]}']]],
];

describe('cellText and groupKeys per field type', () => {
  for (const [id, value, text, groups] of CELL_CASES) {
    test(`${id} ${JSON.stringify(value)?.slice(0, 40)}`, () => {
      const row = issue(1, {[id]: value});
      assert.equal(spaces(cellText(fieldValue(row, id), field(id), 'en-US')), text);
      const got = groupKeys(row, field(id));
      assert.deepEqual(new Set(got.map((g) => g.key)), new Set(groups.map(([key]) => key)));
      // groupKeys labels use the runtime locale; computeReport's use the given one
      const report = run({groupBy: [id]}, [row], {locale: 'en-US'});
      assert.deepEqual(report.groups.map((g) => [g.key, spaces(g.label)]), groups);
    });
  }

  test('group labels follow the runtime locale, like cells without a locale', () => {
    const due = field('duedate');
    const [group] = groupKeys(issue(1, {duedate: '2026-10-15'}), due);
    assert.equal(group.label, cellText('2026-10-15', due));
    assert.equal(cellText('2026-10-15', due, 'de-DE'), '15.10.2026');
  });

  test('string labels are exactly the values', () => {
    const got = groupKeys(issue(1, {customfield_10060: [MIA, TOM]}), field('customfield_10060'));
    assert.deepEqual(got, [{key: MIA.accountId, label: 'Mia Krystof'},
      {key: TOM.accountId, label: 'Tom Ng'}]);
  });

  test('the issue key is a column', () => {
    const rpt = issue(42);
    assert.equal(fieldValue(rpt, 'key'), 'RPT-42');
    assert.equal(cellText(fieldValue(rpt, 'issuekey'), field('issuekey')), 'RPT-42');
    assert.deepEqual(groupKeys(rpt, {id: 'key'}), [{key: 'RPT-42', label: 'RPT-42'}]);
  });

  test('statusCategory gives the lozenge colour key', () => {
    assert.equal(statusCategory(status(STATUS.todo)), 'new');
    assert.equal(statusCategory(status(STATUS.progress)), 'indeterminate');
    assert.equal(statusCategory(status(STATUS.done)), 'done');
    assert.equal(statusCategory(null), '');
    assert.equal(statusCategory({name: 'X', statusCategory: {key: 'undefined'}}), '');
  });
});

describe('sorting', () => {
  const points = [5, null, 2, 8, 3].map((p, i) => issue(i + 1, {customfield_10016: p}));

  test('numbers ascending, empty last', () => {
    const {rows} = run({sort: [{field: 'customfield_10016', direction: 'asc'}]}, points);
    assert.deepEqual(keys(rows), ['RPT-3', 'RPT-5', 'RPT-1', 'RPT-4', 'RPT-2']);
  });

  test('numbers descending, empty still last', () => {
    const {rows} = run({sort: [{field: 'customfield_10016', direction: 'desc'}]}, points);
    assert.deepEqual(keys(rows), ['RPT-4', 'RPT-1', 'RPT-5', 'RPT-3', 'RPT-2']);
  });

  test('datetimes chronologically across offsets, dates by day', () => {
    const issues = [
      issue(1, {created: '2026-09-14T10:00:00.000+0200', duedate: '2026-10-02'}),
      issue(2, {created: '2026-09-14T09:30:00.000+0000', duedate: null}),
      issue(3, {created: '2026-09-14T08:30:00.000+0100', duedate: '2026-09-30'}),
    ];
    const byCreated = run({sort: [{field: 'created', direction: 'asc'}]}, issues);
    assert.deepEqual(keys(byCreated.rows), ['RPT-3', 'RPT-1', 'RPT-2']);
    const byDue = run({sort: [{field: 'duedate', direction: 'desc'}]}, issues);
    assert.deepEqual(keys(byDue.rows), ['RPT-1', 'RPT-3', 'RPT-2']);
  });

  test('priority by id by default and by the scheme order when given', () => {
    const issues = ['Medium', 'Highest', 'Lowest', 'High']
      .map((name, i) => issue(i + 1, {priority: PRIORITY[name]}));
    const sort = [{field: 'priority', direction: 'asc'}];
    assert.deepEqual(keys(run({sort}, issues).rows), ['RPT-2', 'RPT-4', 'RPT-1', 'RPT-3']);
    const reversed = run({sort}, issues, {priorityOrder: ['5', '4', '3', '2', '1']});
    assert.deepEqual(keys(reversed.rows), ['RPT-3', 'RPT-1', 'RPT-4', 'RPT-2']);
  });

  test('status by category, then name', () => {
    const issues = [STATUS.done, STATUS.todo, STATUS.progress, STATUS.backlog]
      .map((s, i) => issue(i + 1, {status: status(s)}));
    const {rows} = run({sort: [{field: 'status', direction: 'asc'}]}, issues);
    assert.deepEqual(keys(rows), ['RPT-4', 'RPT-2', 'RPT-3', 'RPT-1']);
  });

  test('strings by locale, with numbers inside compared numerically', () => {
    const issues = [issue(10), issue(9), issue(100), issue(1, {summary: 'x'})];
    const {rows} = run({sort: [{field: 'key', direction: 'asc'}]}, issues);
    assert.deepEqual(keys(rows), ['RPT-1', 'RPT-9', 'RPT-10', 'RPT-100']);
    const names = ['banana', 'Apple', 'cherry', null].map((s, i) => issue(i + 1, {summary: s}));
    const bySummary = run({sort: [{field: 'summary', direction: 'desc'}]}, names);
    assert.deepEqual(keys(bySummary.rows), ['RPT-3', 'RPT-1', 'RPT-2', 'RPT-4']);
  });

  test('two keys: status ascending, then points descending', () => {
    const issues = [[STATUS.done, 3], [STATUS.todo, 1], [STATUS.done, 8], [STATUS.todo, 5]]
      .map(([s, p], i) => issue(i + 1, {status: status(s), customfield_10016: p}));
    const sort = [{field: 'status', direction: 'asc'},
      {field: 'customfield_10016', direction: 'desc'}];
    assert.deepEqual(keys(run({sort}, issues).rows), ['RPT-4', 'RPT-2', 'RPT-3', 'RPT-1']);
  });

  test('stable: equal keys keep the input (JQL) order in both directions', () => {
    const issues = [7, 3, 9, 1, 5].map((n) => issue(n, {customfield_10016: n % 2 ? 1 : 2}));
    for (const direction of ['asc', 'desc']) {
      const {rows} = run({sort: [{field: 'assignee', direction}]}, issues);
      assert.deepEqual(keys(rows), ['RPT-7', 'RPT-3', 'RPT-9', 'RPT-1', 'RPT-5']);
    }
  });

  test('no sort rules keep the input order', () => {
    const issues = [issue(3), issue(1), issue(2)];
    assert.deepEqual(keys(run({}, issues).rows), ['RPT-3', 'RPT-1', 'RPT-2']);
  });
});

describe('filters', () => {
  const issues = [
    issue(1, {status: status(STATUS.todo), assignee: MIA, labels: ['backend']}),
    issue(2, {status: status(STATUS.todo), assignee: TOM, labels: ['q4', 'ui']}),
    issue(3, {status: status(STATUS.done), assignee: MIA, labels: ['q4']}),
    issue(4, {status: status(STATUS.todo), assignee: null, labels: []}),
  ];

  test('one filter keeps the issues whose key is listed', () => {
    const {rows} = run({filters: [{field: 'status', values: ['1']}]}, issues);
    assert.deepEqual(keys(rows), ['RPT-1', 'RPT-2', 'RPT-4']);
  });

  test('several filters must all pass', () => {
    const filters = [{field: 'status', values: ['1']},
      {field: 'assignee', values: [MIA.accountId, '']}];
    assert.deepEqual(keys(run({filters}, issues).rows), ['RPT-1', 'RPT-4']);
  });

  test('a multi-valued field passes when any of its values is listed', () => {
    const {rows} = run({filters: [{field: 'labels', values: ['q4']}]}, issues);
    assert.deepEqual(keys(rows), ['RPT-2', 'RPT-3']);
  });

  test('the empty key selects issues without a value', () => {
    const {rows} = run({filters: [{field: 'labels', values: ['']}]}, issues);
    assert.deepEqual(keys(rows), ['RPT-4']);
  });
});

describe('grouping', () => {
  // status › assignee › priority, story points summed and averaged per group
  const ROWS = [
    [STATUS.progress, MIA, 'High', 5], [STATUS.todo, TOM, 'Low', 3],
    [STATUS.progress, MIA, 'Low', 2], [STATUS.done, null, 'High', 8],
    [STATUS.progress, TOM, 'High', 1], [STATUS.todo, null, 'High', null],
    [STATUS.progress, MIA, 'High', 13], [STATUS.todo, TOM, 'Low', 1],
  ];
  const issues = ROWS.map(([s, a, p, pts], i) =>
    issue(i + 1, {status: status(s), assignee: a, priority: PRIORITY[p], customfield_10016: pts}));
  const config = {
    groupBy: ['status', 'assignee', 'priority'],
    sort: [{field: 'customfield_10016', direction: 'desc'}],
    aggregations: [{field: 'customfield_10016', function: 'sum'},
      {field: 'customfield_10016', function: 'avg'}, {field: 'key', function: 'count'}],
  };
  const values = (g) => g.values.map((v) => v.value);
  const outline = (groups) => groups.map((g) => [g.label, g.count, values(g)]);

  test('top level: status by category, counts and aggregates', () => {
    const {groups, totals, multiValued} = run(config, issues);
    assert.deepEqual(outline(groups), [
      ['To Do', 3, [4, 2, 3]], ['In Progress', 4, [21, 5.25, 4]], ['Done', 1, [8, 8, 1]],
    ]);
    assert.deepEqual(totals, {count: 8, values: [
      {field: 'customfield_10016', function: 'sum', value: 33},
      {field: 'customfield_10016', function: 'avg', value: 33 / 7},
      {field: 'key', function: 'count', value: 8}]});
    assert.equal(multiValued, false);
  });

  test('second and third levels, with the empty group last', () => {
    const [todo, inProgress] = run(config, issues).groups;
    assert.deepEqual(outline(todo.children), [['Tom Ng', 2, [4, 2, 2]],
      ['Unassigned', 1, [0, null, 1]]]);
    assert.deepEqual(outline(inProgress.children), [['Mia Krystof', 3, [20, 20 / 3, 3]],
      ['Tom Ng', 1, [1, 1, 1]]]);
    const mia = inProgress.children[0];
    assert.deepEqual(outline(mia.children), [['High', 2, [18, 9, 2]], ['Low', 1, [2, 2, 1]]]);
    assert.deepEqual(mia.children.map((g) => [g.field, g.key, g.depth]),
      [['priority', '2', 2], ['priority', '4', 2]]);
    assert.deepEqual(mia.children[0].children, []);
  });

  test('group rows are the sorted issues of the group', () => {
    const [, inProgress] = run(config, issues).groups;
    assert.deepEqual(keys(inProgress.rows), ['RPT-7', 'RPT-1', 'RPT-3', 'RPT-5']);
    assert.deepEqual(keys(inProgress.children[0].children[0].rows), ['RPT-7', 'RPT-1']);
    assert.deepEqual([inProgress.field, inProgress.key, inProgress.depth], ['status', '3', 0]);
  });

  test('only three levels are used', () => {
    const {groups} = run({groupBy: ['status', 'assignee', 'priority', 'labels']}, issues);
    assert.deepEqual(groups[0].children[0].children[0].children, []);
  });

  test('priority groups follow the scheme order, numbers and dates ascend', () => {
    const order = {priorityOrder: ['4', '2']};
    assert.deepEqual(run({groupBy: ['priority']}, issues, order).groups.map((g) => g.label),
      ['Low', 'High']);
    assert.deepEqual(run({groupBy: ['customfield_10016']}, issues).groups.map((g) => g.key),
      ['1', '2', '3', '5', '8', '13', '']);
    const days = ['2026-09-14T01:00:00.000+0200', '2026-09-01T12:00:00.000+0000', null,
      '2026-09-14T08:00:00.000+0000'].map((created, i) => issue(i + 1, {created}));
    const byDay = run({groupBy: ['created']}, days).groups;
    assert.deepEqual(byDay.map((g) => [g.key, g.count]),
      [['2026-09-01', 1], ['2026-09-13', 1], ['2026-09-14', 1], ['', 1]]);
  });

  test('label groups ordered by locale, case-insensitively', () => {
    const issues2 = [['beta'], ['Alpha'], [], ['gamma', 'alpha2']]
      .map((labels, i) => issue(i + 1, {labels}));
    const {groups} = run({groupBy: ['labels']}, issues2);
    assert.deepEqual(groups.map((g) => g.label), ['Alpha', 'alpha2', 'beta', 'gamma', '(none)']);
  });

  test('versions group by release date (not by name), undated last', () => {
    const v = (id, name, releaseDate) => ({id, name, releaseDate});
    const issues2 = [[v('1', '1.0', null)], [v('2', '2.9', '2026-12-01')],
      [v('3', '2.10', '2026-11-01')]].map((fixVersions, i) => issue(i + 1, {fixVersions}));
    const {groups} = run({groupBy: ['fixVersions']}, issues2);
    assert.deepEqual(groups.map((g) => g.label), ['2.10', '2.9', '1.0']);
  });
});

describe('multi-valued grouping', () => {
  const issues = [
    issue(1, {labels: ['backend', 'q4'], customfield_10016: 5}),
    issue(2, {labels: ['q4'], customfield_10016: 3}),
    issue(3, {labels: [], customfield_10016: 2}),
  ];
  const config = {groupBy: ['labels'],
    aggregations: [{field: 'customfield_10016', function: 'sum'}]};

  test('an issue sits in each of its groups; totals count it once', () => {
    const {groups, totals, multiValued} = run(config, issues);
    assert.deepEqual(groups.map((g) => [g.key, g.count, g.values[0].value, keys(g.rows)]), [
      ['backend', 1, 5, ['RPT-1']], ['q4', 2, 8, ['RPT-1', 'RPT-2']], ['', 1, 2, ['RPT-3']]]);
    const groupSum = groups.reduce((sum, g) => sum + g.values[0].value, 0);
    assert.equal(groupSum, 15);
    assert.deepEqual(totals, {count: 3,
      values: [{field: 'customfield_10016', function: 'sum', value: 10}]});
    assert.equal(multiValued, true);
  });

  test('a repeated value does not count an issue twice in one group', () => {
    const {groups, multiValued} = run(config, [issue(1, {labels: ['q4', 'q4']})]);
    assert.deepEqual(groups.map((g) => [g.key, g.count]), [['q4', 1]]);
    assert.equal(multiValued, false);
  });

  test('multi-valued at the second level', () => {
    const {groups, multiValued} = run({groupBy: ['assignee', 'labels']}, issues);
    assert.deepEqual(groups.map((g) => [g.label, g.count]), [['Mia Krystof', 3]]);
    assert.deepEqual(groups[0].children.map((g) => [g.label, g.count]),
      [['backend', 1], ['q4', 2], ['(none)', 1]]);
    assert.equal(multiValued, true);
  });
});

describe('aggregations', () => {
  const issues = [
    issue(1, {customfield_10016: 5, duedate: '2026-10-15', created: '2026-09-14T10:00:00.000+0200',
      assignee: MIA, labels: ['a', 'b']}),
    issue(2, {customfield_10016: 2.5, duedate: null, created: '2026-09-01T08:00:00.000+0000',
      assignee: TOM, labels: ['b']}),
    issue(3, {customfield_10016: null, duedate: '2026-08-01',
      created: '2026-09-20T00:00:00.000+0000',
      assignee: MIA, labels: []}),
    issue(4, {customfield_10016: 0, duedate: null, created: '2026-09-02T00:00:00.000+0000',
      assignee: null, labels: ['c']}),
  ];
  const value = (field, fn, list = issues) =>
    run({aggregations: [{field, function: fn}]}, list).totals.values[0].value;

  test('count counts issues with a value', () => {
    assert.equal(value('customfield_10016', 'count'), 3);
    assert.equal(value('assignee', 'count'), 3);
    assert.equal(value('labels', 'count'), 3);
    assert.equal(value('key', 'count'), 4);
  });

  test('sum and avg of numbers skip empty values', () => {
    assert.equal(value('customfield_10016', 'sum'), 7.5);
    assert.equal(value('customfield_10016', 'avg'), 2.5);
  });

  test('min and max of numbers, dates and datetimes (epoch ms)', () => {
    assert.equal(value('customfield_10016', 'min'), 0);
    assert.equal(value('customfield_10016', 'max'), 5);
    assert.equal(value('duedate', 'min'), Date.UTC(2026, 7, 1));
    assert.equal(value('duedate', 'max'), Date.UTC(2026, 9, 15));
    assert.equal(value('created', 'min'), Date.UTC(2026, 8, 1, 8));
    assert.equal(value('created', 'max'), Date.UTC(2026, 8, 20));
  });

  test('distinct counts distinct non-empty group keys', () => {
    assert.equal(value('assignee', 'distinct'), 2);
    assert.equal(value('labels', 'distinct'), 3);
    assert.equal(value('customfield_10016', 'distinct'), 3);
  });

  test('no numeric values: sum 0, avg/min/max null; non-numeric fields likewise', () => {
    const none = [issue(1, {customfield_10016: null}), issue(2, {customfield_10016: null})];
    assert.equal(value('customfield_10016', 'sum', none), 0);
    for (const fn of ['avg', 'min', 'max']) {
      assert.equal(value('customfield_10016', fn, none), null);
    }
    assert.equal(value('assignee', 'sum'), 0);
    assert.equal(value('assignee', 'max'), null);
  });

  test('durations, votes and progress aggregate as numbers', () => {
    const list = [issue(1, {timeoriginalestimate: 3600, votes: {votes: 2},
      progress: {progress: 1, total: 4}}), issue(2, {timeoriginalestimate: 7200, votes: {votes: 5},
      progress: {progress: 3, total: 4}})];
    assert.equal(value('timeoriginalestimate', 'sum', list), 10800);
    assert.equal(value('votes', 'max', list), 5);
    assert.equal(value('progress', 'avg', list), 50);
  });
});

describe('empty results', () => {
  const config = {
    groupBy: ['status', 'assignee'], sort: [{field: 'created', direction: 'asc'}],
    aggregations: [{field: 'customfield_10016', function: 'sum'},
      {field: 'customfield_10016', function: 'avg'}, {field: 'key', function: 'count'},
      {field: 'labels', function: 'distinct'}],
  };
  const empty = {rows: [], groups: [], multiValued: false, totals: {count: 0, values: [
    {field: 'customfield_10016', function: 'sum', value: 0},
    {field: 'customfield_10016', function: 'avg', value: null},
    {field: 'key', function: 'count', value: 0},
    {field: 'labels', function: 'distinct', value: 0}]}};

  test('no issues at all', () => {
    assert.deepEqual(run(config, []), empty);
  });

  test('every issue filtered out', () => {
    const filters = [{field: 'status', values: ['does-not-exist']}];
    assert.deepEqual(run({...config, filters}, [issue(1), issue(2)]), empty);
  });

  test('no groupBy gives no groups but still rows and totals', () => {
    const result = run({aggregations: [{field: 'customfield_10016', function: 'sum'}]},
      [issue(1), issue(2)]);
    assert.deepEqual(result.groups, []);
    assert.deepEqual(result.totals.values.map((v) => v.value), [10]);
    assert.equal(result.rows.length, 2);
  });
});

describe('reportFields', () => {
  test('the sorted union of every field the report uses', () => {
    const config = {
      columns: ['summary', 'status', 'assignee'], sort: [{field: 'created', direction: 'desc'}],
      groupBy: ['status', 'labels'], filters: [{field: 'priority', values: ['1']}],
      aggregations: [{field: 'customfield_10016', function: 'sum'},
        {field: 'assignee', function: 'distinct'}],
    };
    assert.deepEqual(reportFields(config), ['assignee', 'created', 'customfield_10016', 'labels',
      'priority', 'status', 'summary']);
  });

  test('only columns', () => {
    assert.deepEqual(reportFields({columns: ['summary', 'key', 'summary']}), ['key', 'summary']);
  });
});

describe('date buckets in groups', () => {
  const created = ['2026-03-31T23:30:00.000+0000', '2026-01-05T09:00:00.000+0100',
    '2025-12-31T20:00:00.000-0500', null, '2026-02-10T10:00:00.000+0000', 'not a date']
    .map((value, i) => issue(i + 1, {created: value}));
  const by = (groupBy, issues, options) => run({groupBy}, issues, options).groups
    .map((g) => [g.label, g.count]);

  test('a datetime grouped by month, quarter and year, in time order, empty dates last', () => {
    const month = [{field: 'created', interval: 'month'}];
    assert.deepEqual(by(month, created, {timeZone: 'UTC'}),
      [['2026-01', 2], ['2026-02', 1], ['2026-03', 1], ['(none)', 2]]);
    assert.deepEqual(by([{field: 'created', interval: 'quarter'}], created, {timeZone: 'UTC'}),
      [['2026-Q1', 4], ['(none)', 2]]);
    assert.deepEqual(by([{field: 'created', interval: 'year'}], created,
      {timeZone: 'Asia/Kolkata'}), [['2026', 4], ['(none)', 2]]);
  });

  test('buckets follow the user time zone, not the browser one', () => {
    const quarter = [{field: 'created', interval: 'quarter'}];
    assert.deepEqual(by(quarter, created, {timeZone: 'Europe/Berlin'}),
      [['2026-Q1', 3], ['2026-Q2', 1], ['(none)', 2]]);
    assert.deepEqual(by([{field: 'created', interval: 'year'}], created,
      {timeZone: 'America/Los_Angeles'}), [['2025', 1], ['2026', 3], ['(none)', 2]]);
  });

  test('ISO weeks label with the week-year; a date field is its own day', () => {
    const due = ['2027-01-01', '2026-12-27', '2026-12-28', null]
      .map((duedate, i) => issue(i + 1, {duedate}));
    assert.deepEqual(by([{field: 'duedate', interval: 'week'}], due,
      {timeZone: 'Pacific/Kiritimati'}), [['2026-W52', 1], ['2026-W53', 2], ['(none)', 1]]);
    assert.deepEqual(by([{field: 'duedate', interval: 'day'}], due).map(([label]) => label),
      ['2026-12-27', '2026-12-28', '2027-01-01', '(none)']);
  });

  test('a plain date field still groups per day; an interval on other kinds is ignored', () => {
    const plain = run({groupBy: ['created']}, created, {timeZone: 'UTC'}).groups;
    assert.deepEqual(plain.map((g) => g.key),
      ['2026-01-01', '2026-01-05', '2026-02-10', '2026-03-31', '']);
    assert.deepEqual(by([{field: 'status', interval: 'month'}], created), [['In Progress', 6]]);
  });

  test('a plain datetime groups by the user time zone day, as its drill-down reads it', () => {
    const late = [issue(1, {created: '2026-01-31T23:30:00.000+0000'})];
    assert.deepEqual(run({groupBy: ['created']}, late, {timeZone: 'Asia/Tokyo'}).groups
      .map((g) => g.key), ['2026-02-01']);
    assert.deepEqual(run({groupBy: ['created']}, late, {timeZone: 'UTC'}).groups
      .map((g) => g.key), ['2026-01-31']);
  });

  test('a loaded datetime\'s instant (its times) decides its bucket, not its text', () => {
    // slim.js keeps the instant beside the text; were the text parsed again: January.
    const loaded = [{...issue(1, {created: '2026-01-31T10:00:00.000+0000'}),
      times: {created: Date.parse('2026-02-02T10:00:00.000Z')}}];
    const keys = {day: '2026-02-02', week: '2026-W06', month: '2026-02'};
    for (const [interval, key] of Object.entries(keys)) {
      const {groups} = run({groupBy: [{field: 'created', interval}]}, loaded, {timeZone: 'UTC'});
      assert.deepEqual(groups.map((g) => [g.key, g.label, g.count]), [[key, key, 1]]);
    }
  });

  test('bucket levels nest and carry the field id', () => {
    const {groups} = run({groupBy: ['status', {field: 'created', interval: 'month'}]}, created,
      {timeZone: 'UTC'});
    assert.deepEqual(groups[0].children.map((g) => [g.field, g.key, g.count]), [
      ['created', '2026-01', 2], ['created', '2026-02', 1], ['created', '2026-03', 1],
      ['created', '', 2]]);
  });

  test('reportFields reads bucketed levels, pivots and time series', () => {
    const config = {columns: ['summary'], groupBy: [{field: 'created', interval: 'week'}],
      pivot: {rows: 'assignee', columns: 'status', value: {function: 'count', field: null}},
      timeSeries: {dates: ['created', 'resolutiondate'], interval: 'month', cumulative: false,
        value: {function: 'sum', field: 'customfield_10016'}}};
    assert.deepEqual(reportFields(config), ['assignee', 'created', 'customfield_10016',
      'resolutiondate', 'status', 'summary']);
  });
});
