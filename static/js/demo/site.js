// What both demo hosts share: the fake Jira with its settings, the page's project, demo tokens.
// @ts-check
import { CATALOG } from './data.js';
import { createFakeJira } from './fake-jira.js';

/**
 * @typedef {import('./fake-jira.js').FakeResponse} FakeResponse
 * @typedef {ReturnType<typeof createFakeJira>} FakeJira
 * @typedef {{method?: string, url: string, body?: string, contentType?: string}} JiraCall
 */

const DEFAULTS = { issues: 5000, latencyMs: 150, seed: 1 };

/** The demo's size and speed from the server (`GET demo/config`), or defaults when it is away. */
async function loadConfig() {
  try {
    const response = await fetch('demo/config');
    if (!response.ok) throw new Error(`demo/config answered ${response.status}`);
    return { ...DEFAULTS, ...(await response.json()) };
  } catch (err) {
    console.warn('Demo configuration unavailable; using defaults.', err);
    return DEFAULTS;
  }
}

/**
 * Create the page's fake Jira and expose it as `window.demoJira` for tests; `?fail429=N`
 * makes its first N answers 429s.
 * @returns {FakeJira}
 */
export function startDemoJira() {
  const demoJira = createFakeJira(loadConfig);
  const fail429 = Number(new URLSearchParams(window.location.search).get('fail429'));
  if (fail429 > 0) demoJira.inject429(fail429, { retryAfter: 1 });
  Object.assign(window, { demoJira });
  return demoJira;
}

/**
 * Ask the fake Jira. A body not sent as JSON gets Jira's 415, as it would from the real host.
 * @param {FakeJira} jira
 * @param {JiraCall} call
 * @returns {Promise<FakeResponse>}
 */
export async function askJira(jira, { method = 'GET', url, body, contentType = '' }) {
  if (body !== undefined && !contentType.includes('json')) return unsupportedMediaType();
  return jira.handle({ method, url, body });
}

/** @returns {FakeResponse} */
function unsupportedMediaType() {
  const body = JSON.stringify({ errorMessages: ['Unsupported Media Type.'] });
  return { status: 415, headers: { 'Content-Type': 'application/json;charset=UTF-8' }, body };
}

/**
 * The project of the simulated project page (`?projectKey=RPT[&projectId=10000]`), else null.
 * @returns {{key: string, id?: string}|null}
 */
export function pageProject() {
  const params = new URLSearchParams(window.location.search);
  const key = params.get('projectKey');
  if (!key) return null;
  const id = params.get('projectId') ?? CATALOG.project.find((p) => p.key === key)?.id;
  return { key, ...(id && { id }) };
}

/**
 * A fresh token from the demo server (`demo/token` for Connect, `demo/fit` for Forge).
 * @param {string} path
 */
export async function fetchToken(path) {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path} answered ${response.status}`);
  const { token } = await response.json();
  return String(token);
}
