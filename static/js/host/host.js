// The host adapter: the only module that knows Atlassian's AP (requests, context, navigation).
// @ts-check

import { parseJson } from './json.js';

/**
 * @typedef {{status: number, ok: boolean, headers: {get(name: string): string|null},
 *   body: any}} HostResponse
 * @typedef {{method?: string, body?: any, headers?: Record<string, string>}} RequestOptions
 * @typedef {{projectKey?: string, projectId?: string, admin: boolean}} HostContext  admin: the
 *   page is the app's admin page (Connect adminPages, Forge jira:adminPage), whose calls go to
 *   /api/admin/*; the server asks Jira itself whether the user may make them
 * @typedef {{
 *   requestJira(path: string, options?: RequestOptions): Promise<HostResponse>,
 *   requestServer(path: string, options?: RequestOptions): Promise<HostResponse>,
 *   getContext(): Promise<HostContext>,
 *   openIssue(key: string): void,
 *   issueHref(key: string): string|null,
 *   siteUrl(): string|null,
 *   openPath(path: string): void,
 *   getState(): Promise<string>,
 *   pushState(state: string): void,
 *   replaceState(state: string): void,
 *   onStateChange(listener: (state: string) => void): void,
 *   resize(): void,
 * }} Host  `siteUrl` is the Jira site's address for links (null while unknown: Forge tells it
 *   with the context, so once getContext has answered); `openPath` opens a site-relative path
 *   such as `/issues/?jql=…` in Jira. The state is a short string the host keeps in its own
 *   address, so a reload or a shared link opens the same place; onStateChange hears the user
 *   move through that history (back, forward), not the app's own changes.
 */

const ISSUE_KEY = /^[A-Za-z][A-Za-z0-9_]*-\d+$/;
// Our server's root (the baseUrl) whichever page Jira loaded; this module is static/js/host/.
const SERVER_ROOT = new URL('../../../', import.meta.url);
const CONTEXT_PATH = /^(\/[\w.-]+)*\/?$/;

/**
 * Wrap the AP object of the page in a Host.
 * @param {any} AP
 * @returns {Host}
 */
export function connectHost(AP) {
  const site = siteBase(window.location.search);
  return {
    requestJira: (path, options) => requestJira(AP, path, options),
    requestServer: (path, options) => requestServer(AP, path, options),
    getContext: () => getContext(AP),
    openIssue: (key) => AP.navigator.go('issue', { issueKey: key }),
    issueHref: (key) => (site && ISSUE_KEY.test(key) ? `${site}/browse/${key}` : null),
    siteUrl: () => site,
    // Navigator~target~Jira `site` takes a relativeUrl or an absoluteUrl; go() takes no bare URL
    // (developer.atlassian.com/cloud/jira/platform/jsapi/navigator/, …/jsapi/classes/jira/).
    openPath: (path) => AP.navigator.go('site', { relativeUrl: path }),
    getState: () => historyState(AP),
    pushState: (state) => historyCall(AP, 'pushState', state),
    replaceState: (state) => historyCall(AP, 'replaceState', state),
    onStateChange: (listener) => historyCall(AP, 'popState',
      (/** @type {any} */ event) => listener(String(event?.newURL ?? ''))),
    resize: () => AP.resize?.(),
  };
}

/**
 * Call Jira as the user through AP.request; an HTTP error status becomes a response, not a
 * rejection.
 * @param {any} AP
 * @param {string} path
 * @param {RequestOptions} [options]
 * @returns {Promise<HostResponse>}
 */
async function requestJira(AP, path, { method = 'GET', body } = {}) {
  try {
    const answer = await AP.request(apRequest(path, method, body));
    return xhrResponse(answer.xhr, answer.body);
  } catch (/** @type {any} */ failure) {
    if (!failure?.xhr?.status) throw new Error('the request failed');
    return xhrResponse(failure.xhr, failure.xhr.responseText ?? failure.err);
  }
}

/**
 * AP.request's options: the body goes as a JSON string.
 * @param {string} url
 * @param {string} type
 * @param {any} body
 */
function apRequest(url, type, body) {
  if (body === undefined) return { url, type };
  const data = typeof body === 'string' ? body : JSON.stringify(body);
  return { url, type, data, contentType: 'application/json' };
}

/**
 * @param {any} xhr
 * @param {string} text
 * @returns {HostResponse}
 */
function xhrResponse(xhr, text) {
  const status = xhr?.status || 200;
  return {
    status,
    ok: status >= 200 && status < 300,
    headers: { get: (name) => xhr?.getResponseHeader?.(name) ?? null },
    body: parseJson(text),
  };
}

/**
 * Call our own server with a fresh context token, and with the options' headers.
 * @param {any} AP
 * @param {string} path
 * @param {RequestOptions} [options]
 * @returns {Promise<HostResponse>}
 */
async function requestServer(AP, path, { method = 'GET', body, headers: given } = {}) {
  const token = await AP.context.getToken();
  const response = await fetch(new URL(path, SERVER_ROOT), {
    method,
    headers: { ...given, Authorization: `JWT ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const { status, ok, headers } = response;
  return { status, ok, headers, body: parseJson(text) };
}

/**
 * Call AP.history, which keeps the state in the anchor of Jira's address (`#!<state>`), for
 * page modules only (developer.atlassian.com/cloud/jira/platform/jsapi/history/): elsewhere
 * the address just stays as it is.
 * @param {any} AP
 * @param {'pushState'|'replaceState'|'popState'} method
 * @param {any} argument
 */
function historyCall(AP, method, argument) {
  try {
    AP.history?.[method]?.(argument);
  } catch {
    // no history here: the app works on, without a link of its own
  }
}

/**
 * The state in Jira's address: AP.history.getState() answers it, at once in older all.js and
 * through a callback (`getState('hash', callback)`) in newer; '' where AP has no history.
 * @param {any} AP
 * @returns {Promise<string>}
 */
function historyState(AP) {
  if (!AP.history?.getState) return Promise.resolve('');
  return new Promise((resolve) => {
    const answer = AP.history.getState('hash', (/** @type {any} */ state) => resolve(state ?? ''));
    if (answer !== undefined) Promise.resolve(answer).then((state) => resolve(state ?? ''));
  });
}

/**
 * The project of a project page, from AP, else from the page address; whether this is the admin
 * page: Jira loads each module's own URL from the descriptor, and the admin page's is `/admin`.
 * @param {any} AP
 * @returns {Promise<HostContext>}
 */
async function getContext(AP) {
  const params = new URLSearchParams(window.location.search);
  const admin = /\/admin\/?$/.test(window.location.pathname);
  const project = (await apProject(AP))
    ?? { key: params.get('projectKey'), id: params.get('projectId') };
  if (!project.key) return { admin };
  const projectId = project.id ? String(project.id) : undefined;
  return { projectKey: String(project.key), projectId, admin };
}

/**
 * The project AP reports for this page, or null.
 * @param {any} AP
 */
async function apProject(AP) {
  try {
    return (await AP.context.getContext())?.jira?.project ?? null;
  } catch {
    return null;
  }
}

/**
 * The Jira site's address as Connect passes it to the iframe (xdm_e + cp), or null.
 * @param {string} search
 */
function siteBase(search) {
  const params = new URLSearchParams(search);
  try {
    const url = new URL(params.get('xdm_e') ?? '');
    const contextPath = params.get('cp') ?? '';
    if (url.protocol !== 'https:' || !CONTEXT_PATH.test(contextPath)) return null;
    return url.origin + contextPath.replace(/\/$/, '');
  } catch {
    return null;
  }
}
