// The report list asks again with the ETag it holds (If-None-Match) and keeps the list per host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forgeHost } from '../../static/js/host/forge-host.js';
import { ApiError, listReports } from '../../static/js/server/api.js';

const PLAN = { id: 'r1', name: 'Plan', canEdit: true, canDelete: true, canShare: true };
const BUGS = { id: 'r2', name: 'Bugs', canEdit: false, canDelete: false, canShare: false };

/** A host whose server gives the answers in turn and records every request's options. */
function serverHost(...answers) {
  const sent = [];
  const requestServer = async (path, options) => {
    sent.push({ path, ifNoneMatch: options?.headers?.['If-None-Match'] ?? null });
    const { status, etag = null, body = null } = answers.shift();
    const headers = { get: (name) => (name.toLowerCase() === 'etag' ? etag : null) };
    return { status, ok: status >= 200 && status < 300, headers, body };
  };
  return { sent, host: { requestServer } };
}

const listed = (etag, ...reports) => ({ status: 200, etag, body: { reports } });
const unchanged = (etag) => ({ status: 304, etag });

test('the first list is asked for plainly, the next with the first answer\'s ETag', async () => {
  const { host, sent } = serverHost(listed('"a"', PLAN), unchanged('"a"'));
  await listReports(host);
  await listReports(host);
  assert.deepEqual(sent, [{ path: 'api/reports', ifNoneMatch: null },
    { path: 'api/reports', ifNoneMatch: '"a"' }]);
});

test('a 304 gives back the list kept from the last 200', async () => {
  const { host } = serverHost(listed('"a"', PLAN, BUGS), unchanged('"a"'));
  const first = await listReports(host);
  const again = await listReports(host);
  assert.deepEqual(again, [PLAN, BUGS]);
  assert.equal(again, first);
});

test('a 200 with a new tag replaces the kept list and its tag', async () => {
  const { host, sent } = serverHost(listed('"a"', PLAN), listed('"b"', BUGS), unchanged('"b"'));
  await listReports(host);
  assert.deepEqual(await listReports(host), [BUGS]);
  assert.deepEqual(await listReports(host), [BUGS]);
  assert.deepEqual(sent.map((request) => request.ifNoneMatch), [null, '"a"', '"b"']);
});

test('an error answer still throws an ApiError, and the kept list stays', async () => {
  const refused = { status: 403, body: { error: 'Not for you.', status: 403 } };
  const { host, sent } = serverHost(listed('"a"', PLAN), refused, unchanged('"a"'));
  await listReports(host);
  await assert.rejects(listReports(host), (error) => error instanceof ApiError
    && error.status === 403 && error.message === 'Not for you.');
  assert.deepEqual(await listReports(host), [PLAN]);
  assert.deepEqual(sent.map((request) => request.ifNoneMatch), [null, '"a"', '"a"']);
});

test('a 304 to a request that named no tag is an error, not an empty list', async () => {
  const { host } = serverHost(unchanged('"a"'));
  await assert.rejects(listReports(host), (error) => error instanceof ApiError
    && error.status === 304 && error.message === 'The server answered 304.');
});

test('an answer without an ETag is not kept: the next request names none', async () => {
  const { host, sent } = serverHost(listed('"a"', PLAN), listed(null, BUGS), listed('"c"'));
  await listReports(host);
  await listReports(host);
  assert.deepEqual(await listReports(host), []);
  assert.deepEqual(sent.map((request) => request.ifNoneMatch), [null, '"a"', null]);
});

test('separate hosts keep separate lists and tags', async () => {
  const one = serverHost(listed('"one"', PLAN), unchanged('"one"'));
  const two = serverHost(listed('"two"', BUGS), unchanged('"two"'));
  await listReports(one.host);
  await listReports(two.host);
  assert.deepEqual(await listReports(one.host), [PLAN]);
  assert.deepEqual(await listReports(two.host), [BUGS]);
  assert.deepEqual(one.sent.map((request) => request.ifNoneMatch), [null, '"one"']);
  assert.deepEqual(two.sent.map((request) => request.ifNoneMatch), [null, '"two"']);
});

// @forge/bridge 7.2.0, out/invoke-endpoint/invoke-endpoint.js: the input (headers included)
// goes to Forge as it is. Forge itself treats a 3xx from the remote as an error (invokeRemote
// page), so the Forge host sends no If-None-Match and every list comes as a 200.
test('on Forge, the list is asked for without If-None-Match and each 200 replaces it',
  async () => {
    const inputs = [];
    const answers = [
      { status: 200, headers: { etag: '"f"' }, body: { reports: [PLAN] } },
      { status: 200, headers: { etag: '"g"' }, body: { reports: [] } },
    ];
    const bridge = { invokeRemote: async (input) => {
      inputs.push(input);
      return answers.shift();
    } };
    const host = forgeHost(/** @type {any} */ (bridge));
    assert.deepEqual(await listReports(host), [PLAN]);
    assert.deepEqual(await listReports(host), []);
    assert.deepEqual(inputs, [{ path: '/api/reports', method: 'GET' },
      { path: '/api/reports', method: 'GET' }]);
  });

test('on Forge, other headers go with the JSON content type of a body', async () => {
  const inputs = [];
  const bridge = { invokeRemote: async (input) => {
    inputs.push(input);
    return { status: 200, headers: { ETag: '"x"' }, body: {} };
  } };
  await forgeHost(/** @type {any} */ (bridge)).requestServer('api/x',
    { method: 'PUT', body: { a: 1 }, headers: { 'If-None-Match': '"x"', 'X-Note': 'n' } });
  assert.deepEqual(inputs, [{ path: '/api/x', method: 'PUT', body: { a: 1 },
    headers: { 'X-Note': 'n', 'Content-Type': 'application/json' } }]);
});
