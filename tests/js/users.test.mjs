// Display names from Jira: loadUsers' batches and failures, and the fake Jira's user/bulk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadUsers } from '../../static/js/jira/jira.js';
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
