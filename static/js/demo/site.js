// What both demo hosts share: the fake Jira with its settings, the page's project, demo tokens.
// @ts-check
import { dashboardItemAnswer } from './dashboard-items.js';
import { CATALOG, DEMO_USER, DEMO_USERS } from './data.js';
import { createFakeJira } from './fake-jira.js';
import { dashboardItems } from './gadget-frame.js';

/**
 * @typedef {import('./fake-jira.js').FakeResponse} FakeResponse
 * @typedef {ReturnType<typeof createFakeJira>} FakeJira
 * @typedef {{method?: string, url: string, body?: string, contentType?: string}} JiraCall
 */

const DEFAULTS = { issues: 5000, latencyMs: 150, seed: 1 };
/** The demo server's root: the pages sit at /demo and /demo/admin, this module under static/. */
const ROOT = new URL('../../../', import.meta.url);

/**
 * A path of the demo server (`demo/config`, `api/reports`), from its root whatever the page.
 * @param {string} path
 */
export const serverUrl = (path) => new URL(path.replace(/^\/+/, ''), ROOT);

/** The demo's size and speed from the server (`GET demo/config`), or defaults when it is away. */
async function loadConfig() {
  try {
    const response = await fetch(serverUrl('demo/config'));
    if (!response.ok) throw new Error(`demo/config answered ${response.status}`);
    return { ...DEFAULTS, ...(await response.json()) };
  } catch (err) {
    console.warn('Demo configuration unavailable; using defaults.', err);
    return DEFAULTS;
  }
}

/**
 * Create the page's fake Jira and expose it as `window.demoJira` for tests. The page's query
 * switches Jira's rules: `?fail429=N` makes its first N answers 429s, `?bulk100=1` keeps
 * bulkfetch to 100 issues a call (the OpenAPI spec's cap), `?issueErrors=N` makes bulkfetch
 * answer issues in `issueErrors` (see fake-jira.js failures()).
 * @returns {FakeJira}
 */
export function startDemoJira() {
  const params = new URLSearchParams(window.location.search);
  const rules = {
    strictBulk: params.get('bulk100') === '1',
    issueErrors: Math.max(0, Math.floor(Number(params.get('issueErrors'))) || 0),
  };
  const demoJira = createFakeJira(async () => ({ ...(await loadConfig()), ...rules }));
  const fail429 = Number(params.get('fail429'));
  if (fail429 > 0) demoJira.inject429(fail429, { retryAfter: 1 });
  Object.assign(window, { demoJira });
  return demoJira;
}

/**
 * Ask the fake Jira (dashboard item properties: the dashboard page's). A body not sent as JSON gets Jira's 415, as it would from the real host.
 * @param {FakeJira} jira
 * @param {JiraCall} call
 * @returns {Promise<FakeResponse>}
 */
export async function askJira(jira, { method = 'GET', url, body, contentType = '' }) {
  if (body !== undefined && !contentType.includes('json')) return unsupportedMediaType();
  const call = { method, url, body };
  return dashboardItemAnswer(dashboardItems(), DEMO_USER.accountId, call) ?? jira.handle(call);
}

/** @returns {FakeResponse} */
function unsupportedMediaType() {
  const body = JSON.stringify({ errorMessages: ['Unsupported Media Type.'] });
  return { status: 415, headers: { 'Content-Type': 'application/json;charset=UTF-8' }, body };
}

/**
 * The project whose page the demo shows, as Jira opens the app's project page (Connect's
 * jiraProjectPages, Forge's jira:projectPage): `?projectKey=OPS[&projectId=10001]`, else the
 * site's first project, so a new report starts from a JQL that finds issues. `?page=global` is
 * the app's global page instead, with no project (null).
 * @returns {{key: string, id?: string}|null}
 */
export function pageProject() {
  const params = new URLSearchParams(window.location.search);
  if (params.get('page') === 'global' || isAdminPage()) return null;
  const key = params.get('projectKey') || CATALOG.project[0].key;
  const id = params.get('projectId') ?? CATALOG.project.find((p) => p.key === key)?.id;
  return { key, ...(id && { id }) };
}

/** Whether the demo shows the app's admin page (`/demo/admin`), which has no project. */
export const isAdminPage = () => /\/admin\/?$/.test(window.location.pathname);

/**
 * A fresh token from the demo server (`demo/token` for Connect, `demo/fit` for Forge) for the
 * person the demo runs as: `?user=<accountId>`, left out for the first demo user, the
 * server's default, so the demo's own address is the same as before it had users.
 * @param {string} path
 */
export async function fetchToken(path) {
  const url = serverUrl(path);
  if (DEMO_USER !== DEMO_USERS[0].user) url.searchParams.set('user', DEMO_USER.accountId);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${path} answered ${response.status}`);
  const { token } = await response.json();
  return String(token);
}

/**
 * Say where Jira would have gone: the demo site is not reachable offline, so the demo hosts open
 * it in a new tab and also name it on the page, where a user (and a test) can read it.
 * @param {string} url
 */
export function noteNavigation(url) {
  const note = document.querySelector('[data-testid="host-navigation"]')
    ?? document.body.appendChild(Object.assign(document.createElement('p'),
      { className: 'demo-navigation', role: 'status' }));
  note.setAttribute('data-testid', 'host-navigation');
  note.setAttribute('role', 'status');
  note.textContent = `Jira would open: ${url}`;
}
