// The demo's stand-in for Atlassian's AP object: Jira requests go to the in-browser fake Jira.
// @ts-check
import { SITE } from './data.js';
import { apJira, inDashboard } from './gadget-frame.js';
import { askJira, fetchToken, noteNavigation, pageProject, startDemoJira } from './site.js';
import { showUserSwitcher, startAsChosenUser } from './switcher.js';

/**
 * @typedef {import('./fake-jira.js').FakeResponse} FakeResponse
 * @typedef {import('./site.js').FakeJira} FakeJira
 * @typedef {{status: number, statusText: string, responseText: string,
 *   getResponseHeader(name: string): string|null, getAllResponseHeaders(): string}} Xhr
 * @typedef {{url: string, type?: string, data?: string, contentType?: string,
 *   success?: Function, error?: Function}} RequestOptions
 */

const STATUS_TEXT = { 200: 'OK', 201: 'Created', 204: 'No Content', 400: 'Bad Request',
  401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  415: 'Unsupported Media Type', 429: 'Too Many Requests', 500: 'Internal Server Error' };

/**
 * The copy of the XHR that AP hands back: headers are read case-insensitively.
 * @param {FakeResponse} response  @returns {Xhr}
 */
function xhrOf({ status, headers, body }) {
  const entries = Object.entries(headers);
  return {
    status,
    statusText: STATUS_TEXT[status] ?? '',
    responseText: body,
    getResponseHeader: (name) =>
      entries.find(([key]) => key.toLowerCase() === String(name).toLowerCase())?.[1] ?? null,
    getAllResponseHeaders: () => entries.map(([key, value]) => `${key}: ${value}`).join('\r\n'),
  };
}

/**
 * AP.request: resolves `{body, xhr}` on 2xx and rejects with `{err, xhr}` otherwise, like all.js.
 * @param {FakeJira} jira
 * @param {string | RequestOptions} urlOrOptions  @param {Partial<RequestOptions>} [more]
 */
async function request(jira, urlOrOptions, more = {}) {
  const options = typeof urlOrOptions === 'string' ? { ...more, url: urlOrOptions } : urlOrOptions;
  const { url, type, data, contentType } = options;
  const response = await askJira(jira, { method: type, url, body: data, contentType });
  const xhr = xhrOf(response);
  if (response.status >= 200 && response.status < 300) {
    options.success?.(response.body, 'success', xhr);
    return { body: response.body, xhr };
  }
  options.error?.(xhr, 'error', xhr.statusText);
  return Promise.reject({ err: xhr.statusText, xhr });
}

/**
 * A fresh context token for our server, as AP.context.getToken gives one per call.
 * @param {(token: string) => void} [callback]
 */
async function getToken(callback) {
  const token = await fetchToken('demo/token');
  callback?.(token);
  return token;
}

/**
 * AP.context.getContext: `{jira: {project: {id, key}}}` on a project page, as Atlassian's
 * Connect JavaScript API documents it (developer.atlassian.com/cloud/jira/platform/jsapi/context);
 * the demo's page is the project page of site.js's pageProject, unless `?page=global`.
 * @param {(context: object) => void} [callback]
 */
async function getContext(callback) {
  const project = pageProject();
  const context = { jira: project ? { project } : {} };
  callback?.(context);
  return context;
}

/** @type {{target: string, url: string}[]} */
const navigations = [];

/**
 * AP.navigator.go(target, context) for the Jira targets the app uses, as Navigator~target~Jira
 * lists them (developer.atlassian.com/cloud/jira/platform/jsapi/navigator/ and
 * …/jsapi/classes/jira/): `issue` takes an issueKey, `site` a relativeUrl or an absoluteUrl.
 * Jira changes its own page; the demo notes the address in `AP.navigator.log`, names it on the
 * page and opens it in a new tab.
 * @param {string} target
 * @param {{issueKey?: string, relativeUrl?: string, absoluteUrl?: string}} [context]
 */
function go(target, context = {}) {
  const url = targetUrl(target, context);
  if (url === null) return;
  navigations.push({ target, url });
  noteNavigation(url);
  window.open(url, '_blank', 'noopener');
}

/** @param {string} target @param {{issueKey?: string, relativeUrl?: string,
 * absoluteUrl?: string}} context @returns {string|null} */
function targetUrl(target, { issueKey, relativeUrl, absoluteUrl }) {
  if (target === 'issue' && issueKey) return `${SITE}/browse/${encodeURIComponent(issueKey)}`;
  if (target === 'site' && relativeUrl?.startsWith('/')) return `${SITE}${relativeUrl}`;
  if (target === 'site' && absoluteUrl) return absoluteUrl;
  return null;
}

/** Before the state in Jira's address (atlassian-connect-js, src/host/history/api.js). */
const ANCHOR = '#!';
/** @type {((event: {newURL: string, oldURL: string}) => void)[]} */
const popCallbacks = [];
let lastAdded = /** @type {string|null} */ (null);

/**
 * AP.history (developer.atlassian.com/cloud/jira/platform/jsapi/history/, and the host side in
 * atlassian-connect-js src/host/history/api.js): pushState and replaceState put the state in
 * the anchor of the host's address as `#!<state>` (a new history entry, or in place of the
 * current one) and call no popState callback; getState answers the anchor without its `!`;
 * popState callbacks hear of the changes the user makes (back, forward). The demo's page is
 * the host's, so its own anchor holds the state and a reload keeps it.
 */
const apHistory = {
  getState: (/** @type {string} */ _type, /** @type {Function} */ callback) => {
    const state = window.location.hash.replace(/^#!?/, '');
    callback?.(state);
    return state;
  },
  pushState: (/** @type {string} */ state) => changeState(state, false),
  replaceState: (/** @type {string} */ state) => changeState(state, true),
  popState: (/** @type {any} */ callback) => { popCallbacks.push(callback); },
  go: (/** @type {number} */ delta) => window.history.go(delta),
  back: () => window.history.go(-1),
  forward: () => window.history.go(1),
};

/** @param {string} state @param {boolean} replace */
function changeState(state, replace) {
  const anchor = `${ANCHOR}${state}`;
  if (window.location.hash === anchor) return;
  lastAdded = anchor;
  if (replace) window.location.replace(anchor);
  else window.location.assign(anchor);
}

window.addEventListener('hashchange', (event) => {
  const added = lastAdded === window.location.hash;
  lastAdded = null;
  if (added) return;
  const strip = (/** @type {string} */ url) => new URL(url).hash.replace(/^#!?/, '');
  const change = { newURL: strip(event.newURL), oldURL: strip(event.oldURL) };
  popCallbacks.forEach((callback) => callback(change));
});

/**
 * Jira loads a Connect page with the site's address in `xdm_e` and its context path in `cp`
 * (all.js reads them); the demo's page stands for that frame, so its address gets them too.
 */
function frameAddress() {
  const url = new URL(window.location.href);
  if (url.searchParams.has('xdm_e')) return;
  url.searchParams.set('xdm_e', SITE);
  url.searchParams.set('cp', '');
  window.history.replaceState(window.history.state, '', url);
}

frameAddress();
const chosen = startAsChosenUser().accountId;
if (!inDashboard()) showUserSwitcher(chosen);  // the dashboard page has the one switcher
const demoJira = startDemoJira();

const AP = {
  request: (/** @type {string | RequestOptions} */ urlOrOptions, /** @type {any} */ more) =>
    request(demoJira, urlOrOptions, more),
  context: { getToken, getContext },
  navigator: { go, log: navigations },
  history: apHistory,
  jira: apJira(),
  resize: () => {},
  sizeToParent: () => {},
};
Object.assign(window, { AP });
