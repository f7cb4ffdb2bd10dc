// The admin page's calls to our server: paths, methods, bodies, and errors as ApiError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignOwner, listAllReports, removeReport } from '../../static/js/admin/api.js';
import { ApiError } from '../../static/js/server/api.js';

/** A host whose server answers `answer` and records every call. */
function serverHost(answer) {
  const calls = [];
  const requestServer = async (path, options = {}) => {
    calls.push({ path, ...options });
    const { status, body } = answer;
    return { status, ok: status >= 200 && status < 300, headers: { get: () => null }, body };
  };
  return { calls, host: { requestServer } };
}

const REPORT = { id: 'a/b', name: 'Plan', owner: null, visibility: 'site', editors: 'site',
  version: 3 };

test('the list is every report the admin route answers', async () => {
  const { host, calls } = serverHost({ status: 200, body: { reports: [REPORT] } });
  assert.deepEqual(await listAllReports(host), [REPORT]);
  assert.deepEqual(calls, [{ path: 'api/admin/reports' }]);
});

test('an owner change sends the owner and the version it was listed at', async () => {
  const { host, calls } = serverHost({ status: 200, body: { ...REPORT, owner: 'u1', version: 4 } });
  assert.equal((await assignOwner(host, 'a/b', 'u1', 3)).owner, 'u1');
  assert.deepEqual(calls, [{ path: 'api/admin/reports/a%2Fb', method: 'PUT',
    body: { owner: 'u1', version: 3 } }]);
});

test('a delete goes to the admin route of the report', async () => {
  const { host, calls } = serverHost({ status: 204, body: null });
  await removeReport(host, 'a/b');
  assert.deepEqual(calls, [{ path: 'api/admin/reports/a%2Fb', method: 'DELETE' }]);
});

test('refusals and stale versions become ApiErrors with their status and the stored report',
  async () => {
    const refused = serverHost({ status: 403,
      body: { error: 'Only a Jira administrator can do this.', status: 403 } });
    await assert.rejects(listAllReports(refused.host), (error) => error instanceof ApiError
      && error.status === 403 && error.message === 'Only a Jira administrator can do this.');
    const current = { ...REPORT, version: 5 };
    const stale = serverHost({ status: 409, body: { error: 'Changed.', status: 409, current } });
    await assert.rejects(assignOwner(stale.host, 'a/b', 'u1', 3),
      (error) => error instanceof ApiError && error.status === 409 && error.current === current);
    const bare = serverHost({ status: 502, body: null });
    await assert.rejects(removeReport(bare.host, 'a/b'),
      (error) => error instanceof ApiError && error.message === 'The server answered 502.');
  });
