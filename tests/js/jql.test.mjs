// The demo Jira's JQL: parsing, each operator, precedence, ORDER BY and Jira's error messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_USER, generateIssues } from '../../static/js/demo/data.js';
import { JqlError, parseJql } from '../../static/js/demo/jql.js';
import { compileQuery } from '../../static/js/demo/jql-eval.js';
import { createFakeJira } from '../../static/js/demo/fake-jira.js';

const ISSUES = generateIssues({ issues: 1500, seed: 7 });
const KNOWN = new Set(ISSUES.flatMap((i) => [i.id, i.key]));
const ENV = { now: Date.now(), hasIssue: (ref) => KNOWN.has(ref.toUpperCase()) };
const DAY = 86_400_000;

/** Keys of the issues `jql` matches, in JQL order. */
function keys(jql) {
  const compiled = compileQuery(parseJql(jql), ENV);
  assert.deepEqual(compiled.errors, []);
  return compiled.run(ISSUES).map((i) => i.key);
}

/** Keys of the issues `keep` accepts, in the default order (created DESC). */
function expected(keep) {
  return ISSUES.filter(keep).sort((a, b) => Date.parse(fix(b.fields.created))
    - Date.parse(fix(a.fields.created))).map((i) => i.key);
}

const fix = (datetime) => datetime.replace(/(\d\d)(\d\d)$/, '$1:$2');
const errorsOf = (jql) => compileQuery(parseJql(jql), ENV).errors;
/** The JqlError message that parsing `jql` throws. */
function syntaxError(jql) {
  try {
    parseJql(jql);
  } catch (err) {
    assert.ok(err instanceof JqlError);
    return err.message;
  }
  return assert.fail(`no syntax error in ${jql}`);
}
const rpt = (i) => i.fields.project.key === 'RPT';
const labels = (i) => i.fields.labels;

test('parse gives the jql/parse structure', () => {
  assert.deepEqual(parseJql('project = RPT AND status in (Done, "In Review") ORDER BY key DESC'), {
    where: { operator: 'and', clauses: [
      { field: { name: 'project', property: [] }, operator: '=', operand: { value: 'RPT' } },
      { field: { name: 'status', property: [] }, operator: 'in',
        operand: { values: [{ value: 'Done' }, { value: 'In Review' }] } }] },
    orderBy: { fields: [{ field: { name: 'key', property: [] }, direction: 'desc' }] },
  });
});

test('= and != compare by name, key or id; != leaves out empty values', () => {
  assert.deepEqual(keys('project = RPT'), expected(rpt));
  assert.deepEqual(keys('project = Reporting'), expected(rpt));
  assert.deepEqual(keys('project = 10000'), expected(rpt));
  assert.deepEqual(keys('assignee != currentUser()'),
    expected((i) => i.fields.assignee && i.fields.assignee.accountId !== DEMO_USER.accountId));
});

test('in and not in take lists; not in leaves out empty values', () => {
  const done = (i) => ['Done', 'In Review'].includes(i.fields.status.name);
  assert.deepEqual(keys('status in (Done, "In Review")'), expected(done));
  assert.deepEqual(keys('labels not in (backend, ux)'),
    expected((i) => labels(i).length > 0 && !labels(i).some((l) => ['backend', 'ux'].includes(l))));
  assert.deepEqual(keys('assignee in (currentUser(), EMPTY)'),
    expected((i) => !i.fields.assignee || i.fields.assignee.accountId === DEMO_USER.accountId));
});

test('~ finds every word, case-insensitive, in summary, description and text', () => {
  assert.deepEqual(keys('summary ~ "CSV export"'),
    expected((i) => /csv/i.test(i.fields.summary) && /export/i.test(i.fields.summary)));
  assert.deepEqual(keys('text ~ "expected"'),
    expected((i) => JSON.stringify(i.fields.description ?? '').toLowerCase().includes('expected')));
  assert.deepEqual(keys('summary !~ csv'), expected((i) => !/csv/i.test(i.fields.summary)));
});

test('<, >, <= and >= compare numbers, dates and priorities', () => {
  const points = (i) => i.fields.customfield_10016;
  const some = (i) => points(i) !== null;
  assert.deepEqual(keys('"Story point estimate" < 3'), expected((i) => some(i) && points(i) < 3));
  assert.deepEqual(keys('cf[10016] >= 8'), expected((i) => points(i) >= 8));
  assert.deepEqual(keys('customfield_10016 <= 2'), expected((i) => some(i) && points(i) <= 2));
  assert.deepEqual(keys('created > -30d'),
    expected((i) => Date.parse(fix(i.fields.created)) > ENV.now - 30 * DAY));
  assert.deepEqual(keys('duedate <= "2026-03-01"'),
    expected((i) => i.fields.duedate !== null && i.fields.duedate <= '2026-03-01'));
  assert.deepEqual(keys('priority > Medium'),
    expected((i) => ['1', '2'].includes(i.fields.priority.id)));
});

test('is EMPTY, is not EMPTY and = EMPTY; resolution = Unresolved', () => {
  assert.deepEqual(keys('assignee is EMPTY'), expected((i) => i.fields.assignee === null));
  assert.deepEqual(keys('labels is not EMPTY'), expected((i) => labels(i).length > 0));
  assert.deepEqual(keys('Team = EMPTY'), expected((i) => i.fields.customfield_10020 === null));
  assert.deepEqual(keys('resolution = Unresolved'), expected((i) => i.fields.resolution === null));
});

test('fields answer to their name, id and clause names', () => {
  const story = keys('"Story point estimate" = 5');
  assert.ok(story.length > 0);
  for (const name of ['cf[10016]', 'customfield_10016', '"story point estimate"']) {
    assert.deepEqual(keys(`${name} = 5`), story);
  }
  assert.deepEqual(keys('type = Bug'), keys('issuetype = Bug'));
  assert.deepEqual(keys('statusCategory = Done'), expected((i) => i.fields.status.name === 'Done'));
});

test('NOT binds tighter than AND, and AND tighter than OR', () => {
  const bug = (i) => i.fields.issuetype.name === 'Bug';
  const done = (i) => i.fields.status.name === 'Done';
  assert.deepEqual(keys('project = RPT OR type = Bug AND status = Done'),
    expected((i) => rpt(i) || (bug(i) && done(i))));
  assert.deepEqual(keys('(project = RPT OR type = Bug) AND status = Done'),
    expected((i) => (rpt(i) || bug(i)) && done(i)));
  assert.deepEqual(keys('NOT project = RPT AND type = Bug'), expected((i) => !rpt(i) && bug(i)));
  assert.deepEqual(keys('NOT (project = RPT AND type = Bug)'),
    expected((i) => !(rpt(i) && bug(i))));
  assert.deepEqual(keys('project = RPT && !(type = Bug) || status = Done'),
    expected((i) => (rpt(i) && !bug(i)) || done(i)));
});

test('ORDER BY sorts by several keys and directions, empty values last ascending', () => {
  const order = keys('project = RPT ORDER BY priority DESC, duedate ASC, key');
  const rank = (i) => Number(i.fields.priority.id);
  const due = (i) => i.fields.duedate ?? '9999';
  const byKey = (a, b) => Number(a.key.split('-')[1]) - Number(b.key.split('-')[1]);
  const sorted = ISSUES.filter(rpt)
    .sort((a, b) => rank(a) - rank(b) || due(a).localeCompare(due(b)) || byKey(a, b));
  assert.deepEqual(order, sorted.map((i) => i.key));
  const points = keys('project = RPT ORDER BY cf[10016] DESC')
    .map((k) => ISSUES.find((i) => i.key === k));
  assert.equal(points[0].fields.customfield_10016, null);
  assert.equal(points.at(-1).fields.customfield_10016, 1);
});

test('without ORDER BY, issues come newest first', () => {
  assert.deepEqual(keys('project in (RPT, OPS, WEB)'), expected(() => true));
});

test('syntax errors are worded as Jira words them, with the place', () => {
  assert.equal(syntaxError('project = '), 'Error in the JQL Query: Expecting either a value, '
    + 'list or function before the end of the query.');
  assert.equal(syntaxError('project = RPT status = Done'), 'Error in the JQL Query: Expecting '
    + "either 'OR' or 'AND' but got 'status'. (line 1, character 15)");
  assert.match(syntaxError('project RPT'),
    /^Error in the JQL Query: Expecting operator but got 'RPT'\./);
  assert.match(syntaxError('summary ~ "open'), /The quoted string 'open' has not been completed\./);
  assert.match(syntaxError('summary ~ 50%'), /The character '%' is a reserved JQL character\./);
  assert.match(syntaxError('status = and'), /You must surround 'and' in quotation marks/);
  assert.match(syntaxError('(project = RPT'), /Expecting '\)' before the end of the query\./);
  assert.match(syntaxError('project = RPT ORDER key'), /Expecting 'BY' but got 'key'/);
});

test('unknown fields, values, functions and operators give Jira\'s messages', () => {
  assert.deepEqual(errorsOf('universe = 42'),
    ["Field 'universe' does not exist or you do not have permission to view it."]);
  assert.deepEqual(errorsOf('status = Nope'),
    ["The value 'Nope' does not exist for the field 'status'."]);
  assert.deepEqual(errorsOf('assignee = whoAmI()'), ["Unable to find JQL function 'whoAmI()'."]);
  assert.deepEqual(errorsOf('status ~ Done'),
    ["The operator '~' is not supported by the 'status' field."]);
  assert.deepEqual(errorsOf('project = RPT ORDER BY nothing'),
    ["Field 'nothing' does not exist or you do not have permission to view it."]);
  assert.match(errorsOf('created > soon')[0],
    /^Date value 'soon' for field 'created' is invalid\./);
  assert.match(errorsOf('status in Done')[0], /does not support the non-list value 'Done'/);
});

test('unbounded JQL and more than 7 ORDER BY fields are refused with 400', async () => {
  const jira = createFakeJira({ issues: 50 });
  const search = async (jql) => {
    const body = JSON.stringify({ jql, fields: ['id'] });
    const answer = await jira.handle({ method: 'POST', url: '/rest/api/3/search/jql', body });
    return [answer.status, JSON.parse(answer.body)];
  };
  const unbounded = 'Unbounded JQL queries are not allowed here. Please add a search restriction '
    + 'to your query.';
  assert.deepEqual(await search('ORDER BY key'), [400, { errorMessages: [unbounded], errors: {} }]);
  assert.deepEqual(await search(''), (await search('order by created')));
  const eight = 'project = RPT ORDER BY key, created, updated, priority, status, duedate, '
    + 'summary, labels';
  assert.deepEqual(await search(eight),
    [400, { errorMessages: ['JQL can be ordered by at most 7 fields.'], errors: {} }]);
  assert.equal((await search(eight.replace(', labels', '')))[0], 200);
  assert.deepEqual((await search('status = and'))[0], 400);
});

test('datetime literals are read in the searching user\'s time zone, dates as they are', () => {
  // contracts.md: Jira reads "2026-01-01 00:00" in the user's zone, the one buckets use.
  const berlin = { ...ENV, timeZone: DEMO_USER.timeZone };
  const run = (jql, env) => compileQuery(parseJql(jql), env).run(ISSUES).length;
  const from = (instant) => ISSUES.filter((i) => Date.parse(fix(i.fields.created)) >= instant);
  const created = Date.parse(fix(ISSUES[0].fields.created));
  const wall = new Date(created - (created % 60_000) + 30 * 60_000);  // 30 min later, in UTC
  const jql = `created >= "${wall.toISOString().slice(0, 16).replace('T', ' ')}"`;
  const berlinOffset = new Intl.DateTimeFormat('en', { timeZone: 'Europe/Berlin',
    timeZoneName: 'shortOffset' }).formatToParts(wall).find((p) => p.type === 'timeZoneName');
  const hours = Number(berlinOffset.value.replace('GMT', ''));  // +1 in winter, +2 in summer
  assert.equal(run(jql, berlin), from(wall.getTime() - hours * 3_600_000).length);
  assert.equal(run(jql, ENV), from(wall.getTime()).length);
  assert.notEqual(run(jql, berlin), run(jql, ENV));
  const due = ISSUES.filter((i) => i.fields.duedate && i.fields.duedate >= '2026-01-01');
  assert.equal(run('due >= "2026-01-01"', berlin), due.length);
});
