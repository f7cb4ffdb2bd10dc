// The demo's stand-in for @forge/bridge: Jira requests go to the in-browser fake Jira, server
// calls carry a demo Forge Invocation Token, as Forge's proxy would add one.
// @ts-check
import { DEMO_USER, SITE } from './data.js';
import { askJira, fetchToken, pageProject, startDemoJira } from './site.js';

/**
 * @typedef {import('./site.js').FakeJira} FakeJira
 * @typedef {{path: string, method?: string, headers?: Record<string, string>, body?: any}} Invoke
 */

const FIT_REJECTED = 'Remote could not verify the Forge Invocation Token';
const EMPTY_STATUSES = [101, 204, 205, 304];
/** @type {{url: string, type: string}[]} */
const routerLog = [];

/**
 * requestJira: a real Response built from the fake Jira's answer; `signal` is dropped with a
 * console error, as the bridge does.
 * @param {FakeJira} jira
 * @param {string} path
 * @param {RequestInit} [init]
 */
async function requestJira(jira, path, init = {}) {
  if ('signal' in init) console.error('Signal is not supported in @forge/bridge.');
  // As in the bridge, a Request checks the options (a GET with a body throws).
  const request = new Request(window.location.href, { ...init, signal: undefined });
  const body = (await request.text()) || undefined;
  const answer = await askJira(jira, { method: request.method, url: path, body,
    contentType: request.headers.get('Content-Type') ?? '' });
  const text = EMPTY_STATUSES.includes(answer.status) ? null : answer.body;
  return new Response(text, { status: answer.status, headers: answer.headers });
}

/**
 * invokeRemote: our server at `path` (made relative to the page) with a fresh token; resolves
 * `{status, headers, body}` for any status but 401, which Forge reports as a token failure.
 * @param {Invoke} input
 */
async function invokeRemote({ path, method = 'GET', headers = {}, body }) {
  if (body !== undefined && (body === null || typeof body !== 'object')) {
    throw new Error('invokeRemote body must be a JSON object');
  }
  const token = await fetchToken('demo/fit');
  const response = await fetch(path.replace(/^\/+/, ''), {
    method,
    headers: { ...headers, Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401) throw new Error(FIT_REJECTED);
  const text = await response.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    throw new Error('Remote invocation failed: cannot parse body as JSON');
  }
  return { status: response.status, headers: Object.fromEntries(response.headers), body: parsed };
}

/** view.getContext: the page's module and, on a simulated project page, its project. */
async function getContext() {
  const project = pageProject();
  const type = project ? 'jira:projectPage' : 'jira:globalPage';
  return {
    accountId: DEMO_USER.accountId,
    cloudId: 'demo-cloud',
    siteUrl: SITE,
    localId: 'demo',
    moduleKey: project ? 'jqlr-project' : 'jqlr-global',
    locale: navigator.language,
    extension: { type, ...(project && { project: { ...project, type: 'software' } }) },
  };
}

/**
 * router.open / router.navigate: Jira opens its own pages; here each target is noted in
 * `router.log` and opened in a new tab (the demo site is not reachable offline).
 * @param {'new-tab'|'same-tab'} type
 * @returns {(url: string) => Promise<void>}
 */
const navigate = (type) => async (url) => {
  routerLog.push({ url, type });
  window.open(new URL(url, SITE).href, '_blank', 'noopener');
};

const demoJira = startDemoJira();

const forgeBridge = {
  requestJira: (/** @type {string} */ path, /** @type {RequestInit} */ init) =>
    requestJira(demoJira, path, init),
  invokeRemote,
  view: { getContext },
  router: { open: navigate('new-tab'), navigate: navigate('same-tab'), log: routerLog },
};
Object.assign(globalThis, { forgeBridge });
