// The Forge host adapter against a recording stand-in for @forge/bridge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forgeHost } from '../../static/js/host/forge-host.js';

const FIT_REJECTED = 'Remote could not verify the Forge Invocation Token';

/** A bridge that records calls and answers with what the test gives it. */
function fakeBridge({ jira, remote, context = {}, search = '' } = {}) {
  const calls = { jira: [], remote: [], opened: [], moves: [] };
  const listeners = [];
  // view.createHistory's History (history v4): a location, push/replace, listen.
  const history = {
    location: { pathname: '/', search },
    push: (to) => calls.moves.push(['push', to]),
    replace: (to) => calls.moves.push(['replace', to]),
    listen: (listener) => listeners.push(listener),
  };
  calls.move = (location, action) => listeners.forEach((listener) => listener(location, action));
  const bridge = {
    requestJira: async (path, init) => {
      calls.jira.push({ path, init });
      return jira();
    },
    invokeRemote: async (input) => {
      calls.remote.push(input);
      return remote();
    },
    view: { getContext: async () => context, createHistory: async () => history },
    router: { open: async (url) => { calls.opened.push(url); } },
  };
  return { host: forgeHost(bridge), calls };
}

const jsonResponse = (status, value, headers = {}) => new Response(JSON.stringify(value),
  { status, headers: { 'Content-Type': 'application/json', ...headers } });

test('requestJira sends JSON text and maps the Response', async () => {
  const { host, calls } = fakeBridge({ jira: () => jsonResponse(200, { ok: 1 }) });
  const response = await host.requestJira('/rest/api/3/jql/parse', {
    method: 'POST', body: { queries: ['x'] } });
  assert.deepEqual(calls.jira, [{ path: '/rest/api/3/jql/parse', init: {
    method: 'POST', body: '{"queries":["x"]}',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' } } }]);
  assert.equal(response.status, 200);
  assert.equal(response.ok, true);
  assert.deepEqual(response.body, { ok: 1 });
});

test('requestJira sends no body on a GET and resolves an error status', async () => {
  const limited = () => jsonResponse(429, { errorMessages: ['slow down'] }, { 'Retry-After': '3' });
  const { host, calls } = fakeBridge({ jira: limited });
  const response = await host.requestJira('/rest/api/3/field');
  assert.equal(calls.jira[0].init.method, 'GET');
  assert.equal('body' in calls.jira[0].init, false);
  assert.equal(response.ok, false);
  assert.equal(response.status, 429);
  assert.equal(response.headers.get('retry-after'), '3');
  assert.deepEqual(response.body, { errorMessages: ['slow down'] });
});

test('requestJira answers a body that is not JSON as null', async () => {
  const { host } = fakeBridge({ jira: () => new Response('<html>', { status: 502 }) });
  const response = await host.requestJira('/rest/api/3/field');
  assert.equal(response.status, 502);
  assert.equal(response.body, null);
});

test('requestJira rejects only when the bridge does', async () => {
  const { host } = fakeBridge({ jira: () => { throw new TypeError('offline'); } });
  await assert.rejects(host.requestJira('/rest/api/3/field'), /the request failed/);
});

// @forge/bridge 7.2.0 (out/invoke-endpoint/invoke-endpoint.js) passes the input's headers as
// they are and adds none; Forge's invokeRemote page promises no content type either.
test('requestServer sends a body as an object, saying it is JSON, from the remote root', async () => {
  const remote = () => ({ status: 201, headers: { 'Content-Type': ['application/json'] },
    body: { id: 'r1' } });
  const { host, calls } = fakeBridge({ remote });
  const response = await host.requestServer('api/reports', { method: 'POST', body: { name: 'A' } });
  assert.deepEqual(calls.remote, [{ path: '/api/reports', method: 'POST',
    headers: { 'Content-Type': 'application/json' }, body: { name: 'A' } }]);
  assert.equal(response.status, 201);
  assert.equal(response.ok, true);
  assert.equal(response.headers.get('content-type'), 'application/json');
  assert.deepEqual(response.body, { id: 'r1' });
});

test('requestServer keeps the query and defaults to a GET without a body', async () => {
  const { host, calls } = fakeBridge({ remote: () => ({ status: 200, body: '{"reports":[]}' }) });
  const response = await host.requestServer('api/reports?limit=5');
  assert.deepEqual(calls.remote, [{ path: '/api/reports?limit=5', method: 'GET' }]);
  assert.deepEqual(response.body, { reports: [] });
  assert.equal(response.headers.get('content-type'), null);
});

test('requestServer resolves error statuses with their JSON body', async () => {
  const current = { id: 'r1', version: 3 };
  const remote = () => ({ status: 409, body: { error: 'stale', status: 409, current } });
  const { host } = fakeBridge({ remote });
  const response = await host.requestServer('api/reports/r1', { method: 'PUT', body: {} });
  assert.equal(response.ok, false);
  assert.deepEqual(response.body.current, current);
});

test('requestServer turns a token rejection into a clear error', async () => {
  const { host } = fakeBridge({ remote: () => { throw new Error(FIT_REJECTED); } });
  const failure = await host.requestServer('api/reports').catch((error) => error);
  assert.match(failure.message, /did not accept the request from Jira/);
  assert.match(failure.message, /Forge Invocation Token/);
  assert.equal(failure.cause.message, FIT_REJECTED);
});

test('requestServer turns a timeout or an answer without a status into an error', async () => {
  const timeout = () => { throw new Error('Remote invocation timed out after 25 seconds'); };
  await assert.rejects(fakeBridge({ remote: timeout }).host.requestServer('api/reports'),
    /could not be reached \(Remote invocation timed out after 25 seconds\)/);
  const odd = () => ({ message: 'cannot parse body as JSON' });
  await assert.rejects(fakeBridge({ remote: odd }).host.requestServer('api/reports'),
    /could not be reached \(cannot parse body as JSON\)/);
});

test('getContext gives the project of a project page and nothing elsewhere', async () => {
  const project = { moduleKey: 'jqlr-project',
    extension: { type: 'jira:projectPage', project: { key: 'RPT', id: 10000 } } };
  assert.deepEqual(await fakeBridge({ context: project }).host.getContext(),
    { projectKey: 'RPT', projectId: '10000', admin: false });
  const global = { moduleKey: 'jqlr-global', extension: { type: 'jira:globalPage' } };
  assert.deepEqual(await fakeBridge({ context: global }).host.getContext(), { admin: false });
});

// @forge/bridge 7.2.0 (out/types.d.ts, FullContext) names the module in `moduleKey`; the
// admin page is manifest.yml's jira:adminPage jqlr-admin.
test('getContext says the page is the admin page by its module key only', async () => {
  const admin = { moduleKey: 'jqlr-admin', extension: { type: 'jira:adminPage' } };
  assert.deepEqual(await fakeBridge({ context: admin }).host.getContext(), { admin: true });
  const lookalike = { moduleKey: 'jqlr-global', extension: { type: 'jira:adminPage' } };
  assert.deepEqual(await fakeBridge({ context: lookalike }).host.getContext(), { admin: false });
});

test('issues open through the router and have no link of their own', async () => {
  const { host, calls } = fakeBridge();
  host.openIssue('RPT-12');
  assert.deepEqual(calls.opened, ['/browse/RPT-12']);
  assert.equal(host.issueHref('RPT-12'), null);
  assert.equal(host.resize(), undefined);
});

test('drill-down paths open through the router; links use the context\'s https site', async () => {
  const { host, calls } = fakeBridge({ context: { siteUrl: 'https://acme.atlassian.net/' } });
  assert.equal(host.siteUrl(), null);  // unknown until the context has answered
  await host.getContext();
  assert.equal(host.siteUrl(), 'https://acme.atlassian.net');
  host.openPath('/issues/?jql=status%20%3D%20Done');
  assert.deepEqual(calls.opened, ['/issues/?jql=status%20%3D%20Done']);
  const plain = fakeBridge({ context: { siteUrl: 'http://acme.example' } });
  await plain.host.getContext();
  assert.equal(plain.host.siteUrl(), null);
});

test('the state is the query of the view history; changes push or replace it', async () => {
  const { host, calls } = fakeBridge({ search: '?report=r1&f.status=3' });
  assert.equal(await host.getState(), 'report=r1&f.status=3');
  host.pushState('report=r2');
  host.replaceState('');
  await host.getState();  // the history's calls are made once it is there
  assert.deepEqual(calls.moves, [['push', { pathname: '/', search: '?report=r2' }],
    ['replace', { pathname: '/', search: '' }]]);
});

test('only the user\'s moves through the history are heard', async () => {
  const { host, calls } = fakeBridge();
  const heard = [];
  host.onStateChange((state) => heard.push(state));
  await host.getState();
  calls.move({ pathname: '/', search: '?report=r1' }, 'PUSH');
  calls.move({ pathname: '/', search: '?report=r0' }, 'POP');
  assert.deepEqual(heard, ['report=r0']);
});
