// The demo's fake Jira against the real API's shapes and limits: paging, bulkfetch, counts, 429s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFakeJira } from '../../static/js/demo/fake-jira.js';
import { generateIssues } from '../../static/js/demo/data.js';

const JIRA = createFakeJira({ issues: 6000, seed: 3 });
const SEARCH = '/rest/api/3/search/jql';
const BULK = '/rest/api/3/issue/bulkfetch';
const LEAN = { fields: ['summary'] };
const ids = (n, from = 10001) => Array.from({ length: n }, (_, i) => String(from + i));

/** POST `body` as JSON; the status and parsed answer. */
async function post(url, body, jira = JIRA) {
  const answer = await jira.handle({ method: 'POST', url, body: JSON.stringify(body) });
  return { status: answer.status, body: JSON.parse(answer.body), headers: answer.headers };
}

/** Every page of a search, following nextPageToken. */
async function walk(body) {
  const pages = [];
  let token;
  do {
    const { status, body: page } = await post(SEARCH, { ...body, nextPageToken: token });
    assert.equal(status, 200);
    pages.push(page);
    token = page.nextPageToken;
  } while (token);
  return pages;
}

test('pages hold 100 issues with fields, 5,000 with ids only, 50 by default', async () => {
  const jql = 'created <= now()';
  const withFields = await post(SEARCH, { jql, fields: ['summary'], maxResults: 5000 });
  assert.equal(withFields.body.issues.length, 100);
  const all = await post(SEARCH, { jql, fields: ['id', 'key'], maxResults: 9000 });
  assert.equal(all.body.issues.length, 5000);
  assert.equal((await post(SEARCH, { jql: 'project = RPT' })).body.issues.length, 50);
});

test('tokens chain pages; the last page has isLast and no token; no total or startAt', async () => {
  const jql = 'project = OPS ORDER BY key';
  const pages = await walk({ jql, fields: ['summary'], maxResults: 100 });
  const count = JIRA.dataset().filter((i) => i.key.startsWith('OPS-')).length;
  assert.equal(pages.length, Math.ceil(count / 100));
  assert.deepEqual(pages.map((p) => p.isLast), pages.map((_, n) => n === pages.length - 1));
  assert.ok(pages.slice(0, -1).every((p) => typeof p.nextPageToken === 'string'));
  assert.deepEqual(Object.keys(pages.at(-1)).sort(), ['isLast', 'issues']);
  const keys = pages.flatMap((p) => p.issues.map((i) => i.key));
  assert.deepEqual(keys, Array.from({ length: count }, (_, n) => `OPS-${n + 1}`));
  const ignored = await post(SEARCH, { jql, fields: ['summary'], maxResults: 100, startAt: 300 });
  assert.deepEqual(ignored.body, pages[0]);
  const bad = await post(SEARCH, { jql, nextPageToken: 'not-a-token' });
  assert.equal(bad.status, 400);
});

test('issues carry only the requested fields, null or [] when empty; ids by default', async () => {
  const jql = 'assignee is EMPTY AND labels is EMPTY';
  const { body } = await post(SEARCH, { jql, maxResults: 3 });
  assert.deepEqual(Object.keys(body.issues[0]), ['id']);
  const fields = ['assignee', 'labels', 'customfield_10016', 'no_such_field'];
  const full = await post(SEARCH, { jql, fields });
  const issue = full.body.issues[0];
  assert.deepEqual(Object.keys(issue), ['expand', 'id', 'self', 'key', 'fields']);
  assert.equal(issue.self, `https://demo.atlassian.net/rest/api/3/issue/${issue.id}`);
  assert.deepEqual(Object.keys(issue.fields).sort(), ['assignee', 'customfield_10016', 'labels']);
  assert.equal(issue.fields.assignee, null);
  assert.deepEqual(issue.fields.labels, []);
  const key = await post(SEARCH, { jql: 'project = RPT', fields: 'key', maxResults: 1 });
  assert.deepEqual(Object.keys(key.body.issues[0]), ['id', 'key']);
});

test('the GET form of search answers like the POST form', async () => {
  const query = `jql=${encodeURIComponent('project = WEB')}&fields=summary,status&maxResults=7`;
  const url = `${SEARCH}?${query}`;
  const answer = await JIRA.handle({ method: 'GET', url });
  const body = { jql: 'project = WEB', fields: ['summary', 'status'], maxResults: 7 };
  assert.deepEqual(JSON.parse(answer.body), (await post(SEARCH, body)).body);
});

test('approximate-count is the number of matching issues', async () => {
  const jql = 'project = RPT AND type = Bug';
  const { body } = await post('/rest/api/3/search/approximate-count', { jql });
  const expected = JIRA.dataset()
    .filter((i) => i.fields.project.key === 'RPT' && i.fields.issuetype.name === 'Bug').length;
  assert.deepEqual(body, { count: expected });
});

test('bulkfetch answers in ascending id order and leaves unknown issues out', async () => {
  const issueIdsOrKeys = ['10050', 'RPT-2', 'nope-9', '10003', '10050'];
  const { status, body } = await post(BULK, { issueIdsOrKeys, fields: ['summary', 'status'] });
  assert.equal(status, 200);
  const rpt2 = JIRA.dataset().find((i) => i.key === 'RPT-2');
  const wanted = ['10003', '10050', rpt2.id].sort((a, b) => a - b);
  assert.deepEqual(body.issues.map((i) => i.id), wanted);
  assert.deepEqual(body.issueErrors, []);
  assert.deepEqual(Object.keys(body.issues[0].fields).sort(), ['status', 'summary']);
});

test('bulkfetch serves 1,000 only to lean requests, else 100', async () => {
  const lean = { fields: ['summary', 'customfield_10016'] };
  const ok = await post(BULK, { issueIdsOrKeys: ids(1000), ...lean });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.issues.length, 1000);
  assert.equal((await post(BULK, { issueIdsOrKeys: ids(1001), fields: ['summary'] })).status, 400);
  assert.equal((await post(BULK, { issueIdsOrKeys: ids(100) })).status, 200);
  const refused = [{}, { fields: ['summary', 'comment'] }, { fields: ['*all'] },
    { fields: ['-summary'] }, { fields: ['summary'], expand: ['changelog'] }, { fields: ids(101) }];
  for (const shape of refused) {
    const answer = await post(BULK, { issueIdsOrKeys: ids(101), ...shape });
    assert.equal(answer.status, 400, JSON.stringify(shape).slice(0, 60));
    assert.match(answer.body.errorMessages[0], /at most 100 issues/);
  }
});

// The OpenAPI spec of POST /rest/api/3/issue/bulkfetch allows 100 issues a call and answers
// 400 beyond; `strictBulk` (the demo's ?bulk100=1) is a site that keeps to it.
test('with strictBulk, bulkfetch allows 100 issues a call whatever the fields', async () => {
  const jira = createFakeJira({ issues: 300, strictBulk: true });
  const lean = { fields: ['summary', 'customfield_10016'] };
  const refused = await post(BULK, { issueIdsOrKeys: ids(101), ...lean }, jira);
  assert.equal(refused.status, 400);
  assert.deepEqual(refused.body.errors, {});
  assert.match(refused.body.errorMessages[0], /at most 100 issues/);
  const ok = await post(BULK, { issueIdsOrKeys: ids(100), ...lean }, jira);
  assert.deepEqual([ok.status, ok.body.issues.length], [200, 100]);
});

// BulkIssueResults.issueErrors in the spec: issues Jira could not return "due to a retriable
// error or payload constraint", each an IssueError {id, errorMessage}.
test('with issueErrors: 3, each call\'s 3 lowest ids fail every time, the next 3 once', async () => {
  const jira = createFakeJira({ issues: 50, issueErrors: 3 });
  const idsOf = (list) => list.map((entry) => entry.id);
  const first = (await post(BULK, { issueIdsOrKeys: ids(10).reverse(), ...LEAN }, jira)).body;
  assert.deepEqual(idsOf(first.issueErrors), ids(6));
  assert.ok(first.issueErrors.every((entry) => typeof entry.errorMessage === 'string'));
  assert.deepEqual(idsOf(first.issues), ids(4, 10007));
  const retry = (await post(BULK, { issueIdsOrKeys: ids(6), ...LEAN }, jira)).body;
  assert.deepEqual([idsOf(retry.issueErrors), idsOf(retry.issues)], [ids(3), ids(3, 10004)]);
  const again = (await post(BULK, { issueIdsOrKeys: ids(10), ...LEAN }, jira)).body;
  assert.deepEqual([idsOf(again.issueErrors), idsOf(again.issues)], [ids(3), ids(7, 10004)]);
  assert.deepEqual((await post(BULK, { issueIdsOrKeys: ids(10), ...LEAN })).body.issueErrors, []);
});

test('the same seed gives the same data; another seed gives other data', () => {
  const now = Date.UTC(2026, 9, 1);
  const a = generateIssues({ issues: 300, seed: 11, now });
  assert.deepEqual(generateIssues({ issues: 300, seed: 11, now }), a);
  assert.notDeepEqual(generateIssues({ issues: 300, seed: 12, now }), a);
  assert.deepEqual(createFakeJira({ issues: 300, seed: 11, now }).dataset(), a);
});

test('20,000 issues are generated in well under a second', () => {
  // The best of three runs, so that a busy machine does not decide the result.
  const times = [1, 2, 3].map((seed) => {
    const started = performance.now();
    assert.equal(generateIssues({ issues: 20000, seed }).length, 20000);
    return performance.now() - started;
  });
  assert.ok(Math.min(...times) < 1000, `${Math.min(...times)} ms`);
});

test('injected 429s carry Retry-After if given, X-RateLimit-Reset, RateLimit-Reason', async () => {
  const jira = createFakeJira({ issues: 10 });
  jira.inject429(2, { retryAfter: 3 });
  jira.inject429(1, { reason: 'jira-quota-global-based' });
  const answers = [];
  for (let n = 0; n < 4; n += 1) answers.push(await jira.handle({ url: '/rest/api/3/field' }));
  assert.deepEqual(answers.map((a) => a.status), [429, 429, 429, 200]);
  assert.equal(answers[0].headers['Retry-After'], '3');
  assert.equal(answers[0].headers['RateLimit-Reason'], 'jira-burst-based');
  assert.ok(Date.parse(answers[0].headers['X-RateLimit-Reset']) > Date.now());
  assert.deepEqual(JSON.parse(answers[0].body), { errorMessages: ['Rate limit exceeded.'] });
  assert.equal(answers[2].headers['Retry-After'], undefined);
  assert.equal(answers[2].headers['RateLimit-Reason'], 'jira-quota-global-based');
  assert.equal(new Date(answers[2].headers['X-RateLimit-Reset']).getUTCMinutes(), 0);
  assert.deepEqual(jira.log.map((e) => e.status), [429, 429, 429, 200]);
});

test('jql/parse returns the structure, or Jira\'s errors', async () => {
  const queries = ['universe = 1', 'project = RPT ORDER BY key DESC', 'project = '];
  const { body } = await post('/rest/api/3/jql/parse?validation=strict', { queries });
  const universe = "Field 'universe' does not exist or you do not have permission to view it.";
  assert.deepEqual(body.queries[0], { query: 'universe = 1', errors: [universe] });
  assert.deepEqual(body.queries[1].structure.orderBy,
    { fields: [{ field: { name: 'key', property: [] }, direction: 'desc' }] });
  assert.match(body.queries[2].errors[0], /^Error in the JQL Query: Expecting either a value/);
  const lax = await post('/rest/api/3/jql/parse?validation=none', { queries: ['universe = 1'] });
  assert.ok(lax.body.queries[0].structure && !lax.body.queries[0].errors);
});

test('the field list has story points, a select field and realistic system fields', async () => {
  const fields = JSON.parse((await JIRA.handle({ url: '/rest/api/3/field' })).body);
  const byId = new Map(fields.map((f) => [f.id, f]));
  assert.deepEqual(byId.get('customfield_10016').schema,
    { type: 'number', custom: 'com.pyxis.greenhopper.jira:jsw-story-points', customId: 10016 });
  assert.equal(byId.get('customfield_10020').schema.type, 'option');
  assert.deepEqual(byId.get('labels').schema, { type: 'array', items: 'string', system: 'labels' });
  const shape = ['id', 'key', 'name', 'custom', 'orderable', 'navigable', 'searchable',
    'clauseNames'];
  const optional = ['untranslatedName', 'schema'];
  for (const f of fields) {
    assert.deepEqual(Object.keys(f).filter((k) => !optional.includes(k)), shape);
  }
});

test('unknown routes answer 404, bad JSON 400, both as errorMessages', async () => {
  const missing = await JIRA.handle({ url: '/rest/api/3/nothing' });
  assert.equal(missing.status, 404);
  assert.ok(JSON.parse(missing.body).errorMessages.length);
  assert.match(missing.headers['Content-Type'], /^application\/json/);
  const bad = await JIRA.handle({ method: 'POST', url: SEARCH, body: '{"jql": ' });
  assert.equal(bad.status, 400);
});

test('the configuration loads once, on the first request; latency delays answers', async () => {
  let loads = 0;
  const jira = createFakeJira(async () => ({ issues: 20, latencyMs: 40, seed: 2, now: loads++ }));
  assert.deepEqual(jira.dataset(), []);
  const started = Date.now();
  const answers = await Promise.all([1, 2].map(() => jira.handle({ url: '/rest/api/3/field' })));
  assert.ok(Date.now() - started >= 39);
  assert.deepEqual(answers.map((a) => a.status), [200, 200]);
  assert.equal(loads, 1);
  assert.equal(jira.dataset().length, 20);
});

test('myself answers the demo user with a time zone, which the client asks for once', async () => {
  // The OpenAPI spec's User (GET /rest/api/3/myself): accountId, displayName, timeZone, …
  const { userTimeZone } = await import('../../static/js/jira/jira.js');
  const asked = [];
  const host = { requestJira: async (path) => {
    asked.push(path);
    const answer = await JIRA.handle({ method: 'GET', url: path });
    return { status: answer.status, ok: answer.status === 200, body: JSON.parse(answer.body),
      headers: { get: () => null } };
  } };
  assert.equal(await userTimeZone(host), 'Europe/Berlin');
  assert.equal(await userTimeZone(host), 'Europe/Berlin');
  assert.deepEqual(asked, ['/rest/api/3/myself']);
  const me = (await JIRA.handle({ method: 'GET', url: '/rest/api/3/myself' })).body;
  assert.equal(JSON.parse(me).accountId, '5b10a2844c20165700ede21g');
});
