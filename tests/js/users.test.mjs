// Users from Jira: loadUsers' batches and failures, searchUsers, the fake user/bulk and search.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadUsers, searchUsers } from '../../static/js/jira/jira.js';
import { createFakeJira } from '../../static/js/demo/fake-jira.js';
import { DEMO_USER, USERS } from '../../static/js/demo/data.js';

const USER_BULK = '/rest/api/3/user/bulk';
// Backoffs take no time: every sleep ends at once.
const CLOCK = { now: () => 0, sleep: async () => {}, random: () => 0.5 };
const FAKE = createFakeJira({ issues: 10 });

function response(status, body) {
  return { status, ok: status >= 200 && status < 300, headers: { get: () => null }, body };
}

/** A host whose Jira names every account "Name <id>" and records the paths it was sent. */
function namingHost(answer = (ids) => response(200, { isLast: true,
  values: ids.map((accountId) => ({ accountId, displayName: `Name ${accountId}` })) })) {
  const paths = [];
  const requestJira = async (path) => {
    paths.push(path);
    return answer(new URL(path, 'https://x').searchParams.getAll('accountId'), path);
  };
  return { paths, requestJira };
}

/** A host in front of the demo's fake Jira, as the demo's AP.request is. */
const fakeHost = {
  requestJira: async (path) => {
    const answer = await FAKE.handle({ method: 'GET', url: path });
    return response(answer.status, JSON.parse(answer.body));
  },
};

const GET = async (query) => {
  const answer = await FAKE.handle({ method: 'GET', url: `${USER_BULK}?${query}` });
  return { status: answer.status, body: JSON.parse(answer.body) };
};

test('loadUsers asks for 200 distinct ids a call and maps them to display names', async () => {
  const ids = Array.from({ length: 450 }, (_, n) => `acc${n}`);
  const host = namingHost();
  const names = await loadUsers(host, [...ids, 'acc0', '', 'acc1'], { clock: CLOCK });
  assert.equal(names.size, 450);
  assert.equal(names.get('acc449'), 'Name acc449');
  const sizes = host.paths.map((p) => new URL(p, 'https://x').searchParams.getAll('accountId'));
  assert.deepEqual(sizes.map((batch) => batch.length), [200, 200, 50]);
  assert.ok(host.paths.every((p) => p.startsWith(`${USER_BULK}?`) && p.includes('maxResults=200')));
});

test('loadUsers asks nothing for no ids', async () => {
  const host = namingHost();
  assert.equal((await loadUsers(host, [])).size, 0);
  assert.deepEqual(host.paths, []);
});

test('loadUsers follows pages of one batch until isLast', async () => {
  const host = namingHost((ids, path) => {
    const start = Number(new URL(path, 'https://x').searchParams.get('startAt'));
    const values = ids.slice(start, start + 2).map((accountId) => ({ accountId,
      displayName: accountId.toUpperCase() }));
    return response(200, { startAt: start, isLast: start + 2 >= ids.length, values });
  });
  const names = await loadUsers(host, ['a', 'b', 'c'], { clock: CLOCK });
  assert.deepEqual([...names], [['a', 'A'], ['b', 'B'], ['c', 'C']]);
  assert.equal(host.paths.length, 2);
});

test('a 403, an error or no network gives an empty map, never a rejection', async () => {
  const refused = namingHost(() => response(403, { errorMessages: ['No permission.'] }));
  assert.equal((await loadUsers(refused, ['a'], { clock: CLOCK })).size, 0);
  const broken = namingHost(() => response(500, null));
  assert.equal((await loadUsers(broken, ['a'], { clock: CLOCK })).size, 0);
  const offline = { requestJira: async () => { throw new Error('offline'); } };
  assert.equal((await loadUsers(offline, ['a'], { clock: CLOCK })).size, 0);
  const odd = namingHost(() => response(200, { values: 'nope' }));
  assert.equal((await loadUsers(odd, ['a'], { clock: CLOCK })).size, 0);
});

test('a failed batch leaves out only its own people; 429s are retried', async () => {
  let calls = 0;
  const host = namingHost((ids) => {
    calls += 1;
    if (calls === 1) return response(429, null);
    if (ids.includes('acc0')) return response(200, { isLast: true,
      values: ids.map((accountId) => ({ accountId, displayName: 'x' })) });
    return response(403, null);
  });
  const ids = Array.from({ length: 250 }, (_, n) => `acc${n}`);
  const names = await loadUsers(host, ids, { clock: CLOCK });
  assert.equal(names.size, 200);
  assert.equal(host.paths.length, 3);
});

test('the fake Jira answers user/bulk with Jira\'s page shape; unknown ids are left out', async () => {
  const { status, body } = await GET(`accountId=${DEMO_USER.accountId}&accountId=nobody`);
  assert.equal(status, 200);
  assert.deepEqual(Object.keys(body).sort(),
    ['isLast', 'maxResults', 'self', 'startAt', 'total', 'values']);
  assert.equal(body.isLast, true);
  assert.equal(body.total, 1);
  assert.deepEqual(body.values, [DEMO_USER]);
  assert.equal(body.values[0].accountId, '5b10a2844c20165700ede21g');
  assert.equal(typeof body.values[0].displayName, 'string');
  assert.equal(typeof body.values[0].active, 'boolean');
});

test('the fake user/bulk pages by maxResults (10 by default) and refuses no ids', async () => {
  const all = USERS.map((user) => `accountId=${user.accountId}`).join('&');
  const first = await GET(`${all}&maxResults=3`);
  assert.equal(first.body.values.length, 3);
  assert.equal(first.body.isLast, false);
  assert.match(first.body.nextPage, /startAt=3/);
  const rest = await GET(`${all}&startAt=3`);
  assert.equal(rest.body.values.length, USERS.length - 3);
  assert.equal(rest.body.isLast, true);
  const none = await GET('maxResults=5');
  assert.equal(none.status, 400);
  assert.ok(none.body.errorMessages.length);
});

test('loadUsers against the fake Jira names the demo user', async () => {
  const names = await loadUsers(fakeHost, [DEMO_USER.accountId, 'nobody'], { clock: CLOCK });
  assert.deepEqual([...names], [[DEMO_USER.accountId, DEMO_USER.displayName]]);
});

// user/search, as the Jira Cloud platform OpenAPI spec describes GET /rest/api/3/user/search
// (findUsers): an array of User; query matches a prefix of the name; 50 a page by default.
const SEARCH = async (query) => {
  const answer = await FAKE.handle({ method: 'GET', url: `/rest/api/3/user/search?${query}` });
  return { status: answer.status, body: JSON.parse(answer.body) };
};

test('the fake user/search matches a prefix of the name or of one of its words', async () => {
  const byFirst = await SEARCH('query=dan');
  assert.equal(byFirst.status, 200);
  assert.ok(Array.isArray(byFirst.body));
  assert.deepEqual(byFirst.body.map((user) => user.displayName), ['Daniel Okafor', 'Daniel Ortiz']);
  const byLast = await SEARCH('query=KRYS');
  assert.deepEqual(byLast.body, [DEMO_USER]);
  assert.deepEqual((await SEARCH('query=rystof')).body, []);
  assert.deepEqual((await SEARCH('query=Mia%20K')).body, [DEMO_USER]);
});

test('the fake user/search answers User objects with accountType and active', async () => {
  const { body } = await SEARCH('query=&maxResults=1000');
  const types = new Set(body.map((user) => user.accountType));
  assert.deepEqual([...types].sort(), ['app', 'atlassian', 'customer']);
  assert.ok(body.some((user) => user.active === false));
  for (const user of body) {
    assert.deepEqual(Object.keys(user).filter((key) => ['accountId', 'accountType',
      'displayName', 'active', 'self'].includes(key)).sort(),
    ['accountId', 'accountType', 'active', 'displayName', 'self']);
  }
});

test('the fake user/search pages by startAt and maxResults, 50 by default', async () => {
  const all = (await SEARCH('query=')).body;
  assert.equal(all.length, USERS.length + 2);
  const page = await SEARCH('query=&startAt=2&maxResults=3');
  assert.deepEqual(page.body, all.slice(2, 5));
  const exact = await SEARCH(`accountId=${USERS[3].accountId}`);
  assert.deepEqual(exact.body, [USERS[3]]);
});

test('the fake user/search refuses no query and query with accountId, as Jira does', async () => {
  const none = await SEARCH('maxResults=5');
  assert.equal(none.status, 400);
  assert.ok(none.body.errorMessages[0].includes('query'));
  const both = await SEARCH(`query=mia&accountId=${DEMO_USER.accountId}`);
  assert.equal(both.status, 400);
  assert.deepEqual((await SEARCH('property=team.name%3Dx')).body, []);
});

test('searchUsers keeps only active people and asks user/search for 50', async () => {
  const paths = [];
  const host = { requestJira: async (path) => {
    paths.push(path);
    return fakeHost.requestJira(path);
  } };
  const dans = await searchUsers(host, '  Dan ', { clock: CLOCK });
  assert.deepEqual(dans, [{ accountId: USERS[1].accountId, displayName: 'Daniel Okafor' }]);
  assert.deepEqual(paths, ['/rest/api/3/user/search?query=Dan&maxResults=50']);
  assert.deepEqual(await searchUsers(host, 'Automation', { clock: CLOCK }), []);
  assert.deepEqual(await searchUsers(host, 'Tom', { clock: CLOCK }), []);  // inactive
  assert.deepEqual(await searchUsers(host, '   ', { clock: CLOCK }), []);
  assert.equal(paths.length, 3);
});

test('searchUsers names a person whose name Jira hides by their account id', async () => {
  const host = namingHost(() => response(200, [
    { accountId: 'a1', accountType: 'atlassian', active: true, displayName: null },
    { accountId: 'a2', accountType: 'atlassian', active: true, displayName: '<b>B</b>' },
    { accountType: 'atlassian', active: true }, 'nonsense']));
  assert.deepEqual(await searchUsers(host, 'x', { clock: CLOCK }),
    [{ accountId: 'a1', displayName: 'a1' }, { accountId: 'a2', displayName: '<b>B</b>' }]);
});

test('searchUsers rejects when Jira refuses, so the picker can say so', async () => {
  const refused = namingHost(() => response(400, { errorMessages: ['Bad query.'] }));
  await assert.rejects(searchUsers(refused, 'x', { clock: CLOCK }), { name: 'JiraError' });
});
