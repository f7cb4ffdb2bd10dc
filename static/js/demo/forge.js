// The demo's stand-in for @forge/bridge: Jira requests go to the in-browser fake Jira, server
// calls carry a demo Forge Invocation Token, as Forge's proxy would add one.
// @ts-check
import { DEMO_USER, SITE } from './data.js';
import { gadgetExtension, inDashboard, submitGadget } from './gadget-frame.js';
import { askJira, fetchToken, isAdminPage, noteNavigation, pageProject, serverUrl,
  startDemoJira } from './site.js';
import { showUserSwitcher, startAsChosenUser } from './switcher.js';

/**
 * What it does follows the published @forge/bridge 7.2.0 (out/fetch/fetch.js for requestJira,
 * out/invoke-endpoint/invoke-endpoint.js for invokeRemote) and Atlassian's invokeRemote page
 * (developer.atlassian.com/platform/forge/apis-reference/ui-api-bridge/invokeRemote/).
 * @typedef {import('./site.js').FakeJira} FakeJira
 * @typedef {{path: string, method?: string, headers?: Record<string, string>, body?: any}} Invoke
 * @typedef {{status: number, headers: Record<string, string[]>, body?: any}} RemoteAnswer
 */

// The app and environment ids of demo.py's FORGE_APP and FORGE_ENV.
const DEMO_APP = '00000000-0000-4000-8000-00000000d3e0';
const DEMO_ENV = '00000000-0000-4000-8000-0000000000e1';
const FIT_REJECTED = 'Remote could not verify the Forge Invocation Token';
const REQUEST_LIMIT = 500_000;
const TOO_LARGE = 'Remote invocation failed: the request is larger than 500 KB';
/** @type {{url: string, type: string}[]} */
const routerLog = [];

/**
 * requestJira: the options go through a Request (a GET with a body throws), `signal` is dropped
 * with a console error, X-Atlassian-Token is added when absent; any status resolves as a
 * Response, with no body when Jira sent none.
 * @param {FakeJira} jira
 * @param {string} path
 * @param {RequestInit} [init]
 */
async function requestJira(jira, path, init = {}) {
  if ('signal' in init) console.error('Signal is not supported in @forge/bridge; it was removed.');
  const { method, headers: given, body: sent } = init;
  const request = new Request(window.location.href, { method, headers: given, body: sent });
  const headers = new Headers(request.headers);
  if (!headers.has('X-Atlassian-Token')) headers.set('X-Atlassian-Token', 'no-check');
  const body = request.method === 'GET' ? undefined : (await request.text()) || undefined;
  const answer = await askJira(jira, { method: request.method, url: path, body,
    contentType: headers.get('Content-Type') ?? '' });
  return new Response(answer.body || null, { status: answer.status, headers: answer.headers });
}

/**
 * invokeRemote: the input goes to Forge as given (only functions are refused), so our server
 * gets exactly the headers the caller set, plus the invocation token. What Forge answers comes
 * back as a copy with every header list joined by commas.
 * @param {Invoke} input
 */
async function invokeRemote(input) {
  if (Object.values(input ?? {}).some((value) => typeof value === 'function')) {
    throw new Error('Functions cannot be passed in an invokeRemote payload.');
  }
  const answer = { ...(await forgeInvoke(input)) };
  const joined = Object.entries(answer.headers ?? {}).map(([name, value]) =>
    [name, Array.isArray(value) ? value.join(',') : value]);
  return { ...answer, headers: Object.fromEntries(joined) };
}

/**
 * Forge's side: our server at `path` (relative to the page) with the caller's headers and a
 * fresh token. Forge validates the remote's answer before the page sees it (invokeRemote page,
 * developer.atlassian.com/platform/forge/apis-reference/ui-api-bridge/invokeRemote/): a 401
 * (kept for token failures), any 3xx (a 304 included) and an answer that is not JSON reject;
 * any other status resolves `{status, headers, body}`.
 * @param {Invoke} input
 * @returns {Promise<RemoteAnswer>}
 */
async function forgeInvoke({ path, method = 'GET', headers = {}, body }) {
  const token = await fetchToken('demo/fit');
  const sent = body === undefined ? undefined : JSON.stringify(body);
  // Forge takes a front-end invocation of at most 500 KB (Forge platform limits); the
  // words of the refusal are the demo's own.
  if (sent && new TextEncoder().encode(sent).length > REQUEST_LIMIT) throw new Error(TOO_LARGE);
  const response = await fetch(serverUrl(path), {
    method,
    headers: { ...headers, Authorization: `Bearer ${token}` },
    body: sent,
  });
  if (response.status === 401) throw new Error(FIT_REJECTED);
  if (response.status >= 300 && response.status < 400) {
    throw new Error(`Remote invocation failed: the remote answered ${response.status}`);
  }
  const text = await response.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    throw new Error('Remote invocation failed: cannot parse body as JSON');
  }
  const lists = [...response.headers].map(([name, value]) => [name, [value]]);
  return { status: response.status, headers: Object.fromEntries(lists), body: parsed };
}

/**
 * view.getContext: the page's module (its `moduleKey` and `extension.type`, as @forge/bridge
 * 7.2.0's FullContext in out/types.d.ts names them) and, on a project page, its project.
 */
async function getContext() {
  if (inDashboard()) return { ...baseContext('jqlr-gadget'), extension: gadgetExtension() };
  const project = pageProject();
  const [type, moduleKey] = pageModule(project !== null);
  return { ...baseContext(moduleKey),
    extension: { type, ...(project && { project: { ...project, type: 'software' } }) } };
}

/** What every module's context holds; localId names the demo's app and environment.
 * @param {string} moduleKey */
const baseContext = (moduleKey) => ({ accountId: DEMO_USER.accountId, cloudId: 'demo-cloud',
  siteUrl: SITE, moduleKey, locale: navigator.language,
  localId: `ari:cloud:ecosystem::extension/${DEMO_APP}/${DEMO_ENV}/static/${moduleKey}` });

/** The module type and key (manifest.yml) of the page the demo shows. @param {boolean} project */
function pageModule(project) {
  if (isAdminPage()) return ['jira:adminPage', 'jqlr-admin'];
  return project ? ['jira:projectPage', 'jqlr-project'] : ['jira:globalPage', 'jqlr-global'];
}

/**
 * view.createHistory(): the History of the `history` package (v4 types) that Jira keeps for the
 * app's page (@forge/bridge 7.2.0, out/view/createHistory.js and .d.ts): `location` with
 * pathname, search, hash and state; push and replace take a path or a location; listen hears
 * every change; the bridge's own listener keeps `location` current. Jira puts the location
 * below the app's address; the demo keeps it in its page's anchor (`#/path?query`), so a
 * reload keeps it.
 */
async function createHistory() {
  /** @type {Set<(location: any, action: string) => void>} */
  const listeners = new Set();
  const history = {
    location: pageLocation(), action: 'POP',
    push: (/** @type {any} */ to, /** @type {any} */ state) => move('PUSH', to, state),
    replace: (/** @type {any} */ to, /** @type {any} */ state) => move('REPLACE', to, state),
    go: (/** @type {number} */ delta) => window.history.go(delta),
    goBack: () => window.history.go(-1),
    goForward: () => window.history.go(1),
    listen: (/** @type {(location: any, action: string) => void} */ listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  /** @param {string} action */
  const notify = (action) => listeners.forEach((listener) => listener(pageLocation(), action));
  /** @param {string} action @param {any} to @param {any} state */
  function move(action, to, state) {
    const { pathname, search } = typeof to === 'string' ? { pathname: to, search: '' } : to;
    const path = `${pathname ?? history.location.pathname}${search ?? ''}`;
    window.history[action === 'PUSH' ? 'pushState' : 'replaceState'](state ?? null, '', `#${path}`);
    notify(action);
  }
  window.addEventListener('popstate', () => notify('POP'));
  history.listen((location, action) => Object.assign(history, { location, action }));
  return history;
}

/** The location the demo keeps in its page's anchor. */
function pageLocation() {
  const url = new URL(window.location.hash.slice(1) || '/', 'https://app.invalid');
  return { pathname: url.pathname, search: url.search, hash: '', state: window.history.state };
}

/**
 * router.open / router.navigate with a URL (@forge/bridge 7.2.0 out/router/router.js: both send
 * `navigate` with the url and a type of `new-tab` or `same-tab`): Jira opens its own pages; here
 * each target is noted in `router.log`, named on the page and opened in a new tab.
 * @param {'new-tab'|'same-tab'} type
 * @returns {(url: string) => Promise<void>}
 */
const navigate = (type) => async (url) => {
  routerLog.push({ url, type });
  const address = new URL(url, SITE).href;
  noteNavigation(address);
  window.open(address, '_blank', 'noopener');
};

const chosen = startAsChosenUser().accountId;
if (!inDashboard()) showUserSwitcher(chosen);  // the dashboard page has the one switcher
const demoJira = startDemoJira();

const forgeBridge = {
  requestJira: (/** @type {string} */ path, /** @type {RequestInit} */ init) =>
    requestJira(demoJira, path, init),
  invokeRemote,
  view: { getContext, createHistory, submit: submitGadget },
  router: { open: navigate('new-tab'), navigate: navigate('same-tab'), log: routerLog },
};
Object.assign(globalThis, { forgeBridge });
