// The Forge host adapter: the Host interface on @forge/bridge (Jira, our server, navigation).
// @ts-check

import { parseJson } from './json.js';

/**
 * The parts of @forge/bridge the adapter uses.
 * @typedef {{
 *   requestJira(path: string, init?: RequestInit): Promise<Response>,
 *   invokeRemote(input: {path: string, method: string, headers?: Record<string, string>,
 *     body?: any}):
 *     Promise<{status: number, headers?: Record<string, string|string[]>, body?: any}>,
 *   view: {getContext(): Promise<any>, createHistory(): Promise<ForgeHistory>},
 *   router: {open(url: string): Promise<void>},
 * }} Bridge
 * @typedef {{location: {pathname: string, search: string},
 *   push(to: {pathname: string, search: string}): void,
 *   replace(to: {pathname: string, search: string}): void,
 *   listen(listener: (location: {search: string}, action: string) => void): () => void,
 * }} ForgeHistory  the `history`
 *   package's History (v4 types) that view.createHistory() resolves (@forge/bridge 7.2.0,
 *   out/view/createHistory.d.ts); its location is the page's, below the app's own address
 * @typedef {import('./host.js').Host} Host
 * @typedef {import('./host.js').HostResponse} HostResponse
 * @typedef {import('./host.js').RequestOptions} RequestOptions
 */

const JSON_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json' };

/**
 * Wrap the Forge bridge in a Host.
 * @param {Bridge} bridge
 * @returns {Host}
 */
export function forgeHost(bridge) {
  let site = /** @type {string|null} */ (null);
  // A new tab keeps the loaded report; the sandbox opens none itself, so the host must.
  // Site-relative URLs open without a prompt (Forge's router page).
  const open = (/** @type {string} */ path) => { bridge.router.open(path).catch(() => {}); };
  return {
    requestJira: (path, options) => requestJira(bridge, path, options),
    requestServer: (path, options) => requestServer(bridge, path, options),
    getContext: async () => {
      const context = await bridge.view.getContext();
      site = httpsOrigin(context?.siteUrl);
      return projectContext(context);
    },
    openIssue: (key) => open(`/browse/${encodeURIComponent(key)}`),
    issueHref: () => null,
    siteUrl: () => site,
    openPath: open,
    ...historyOf(bridge),
    resize: () => {},
  };
}

/**
 * The Host's state, kept as the query of the page's address through the view's history, made
 * on first use.
 * @param {Bridge} bridge
 * @returns {Pick<Host, 'getState'|'pushState'|'replaceState'|'onStateChange'>}
 */
function historyOf(bridge) {
  /** @type {Promise<ForgeHistory>|null} */
  let made = null;
  const withHistory = (/** @type {(history: ForgeHistory) => any} */ use) =>
    (made ??= bridge.view.createHistory()).then(use);
  /** @param {'push'|'replace'} how @param {string} state */
  const change = (how, state) => withHistory((history) => history[how]({
    pathname: history.location.pathname, search: state ? `?${state}` : '' })).catch(() => {});
  const stateOf = (/** @type {{search: string}} */ location) => location.search.replace(/^\?/, '');
  return {
    getState: () => withHistory((history) => stateOf(history.location)),
    pushState: (state) => change('push', state),
    replaceState: (state) => change('replace', state),
    // Every change is heard; a POP is the user's (back, forward), the others the app's own.
    onStateChange: (listener) => withHistory((history) => history.listen((location, action) => {
      if (action === 'POP') listener(stateOf(location));
    })).catch(() => {}),
  };
}

/**
 * Call Jira as the user; an HTTP error status becomes a response, not a rejection.
 * @param {Bridge} bridge
 * @param {string} path
 * @param {RequestOptions} [options]
 * @returns {Promise<HostResponse>}
 */
async function requestJira(bridge, path, { method = 'GET', body } = {}) {
  const init = { method, headers: { ...JSON_HEADERS },
    ...(body !== undefined && { body: jsonText(body) }) };
  let response;
  try {
    response = await bridge.requestJira(path, init);
  } catch (cause) {
    throw new Error('the request failed', { cause });
  }
  const text = await response.text();
  const { status, ok } = response;
  const headers = { get: (/** @type {string} */ name) => response.headers.get(name) };
  return { status, ok, headers, body: parseJson(text) };
}

/**
 * Call our server through the app's remote; Forge signs the call with an invocation token.
 * @param {Bridge} bridge
 * @param {string} path relative, like `api/reports`; the remote wants it from its root
 * @param {RequestOptions} [options]
 * @returns {Promise<HostResponse>}
 */
async function requestServer(bridge, path, { method = 'GET', body, headers = {} } = {}) {
  // The bridge hands the input, headers included, to Forge as it is and adds none
  // (@forge/bridge 7.2.0, out/invoke-endpoint/invoke-endpoint.js), and Forge's docs promise
  // no content type, while our server refuses a body without one. Forge treats any 3xx from
  // the remote as an error (invokeRemote page), so no conditional header goes through it:
  // the server then answers 200, never 304.
  const kept = Object.entries(headers).filter(([name]) => !CONDITIONAL.test(name));
  const sent = { ...Object.fromEntries(kept),
    ...(body !== undefined && { 'Content-Type': 'application/json' }) };
  const input = { path: `/${path.replace(/^\/+/, '')}`, method,
    ...(Object.keys(sent).length > 0 && { headers: sent }), ...(body !== undefined && { body }) };
  let answer;
  try {
    answer = await bridge.invokeRemote(input);
  } catch (cause) {
    throw remoteError(cause);
  }
  if (typeof answer?.status !== 'number') throw remoteError(answer);
  return remoteResponse(answer);
}

/**
 * The Host's response for what invokeRemote resolved. The bridge checks no status: it
 * resolves `{...(success ? payload : error)}` with each header list joined by commas
 * (invoke-endpoint.js), so a 304 that Forge passes on comes as `{status: 304, headers}`.
 * @param {{status: number, headers?: Record<string, string|string[]>, body?: any}} answer
 * @returns {HostResponse}
 */
function remoteResponse({ status, headers = {}, body }) {
  const byName = new Map(Object.entries(headers).map(([name, value]) =>
    [name.toLowerCase(), Array.isArray(value) ? value.join(',') : String(value)]));
  return {
    status,
    ok: status >= 200 && status < 300,
    headers: { get: (name) => byName.get(name.toLowerCase()) ?? null },
    body: typeof body === 'string' ? parseJson(body) : body ?? null,
  };
}

/**
 * An error for a call Forge refused or could not complete (token, timeout, network).
 * @param {any} cause
 */
function remoteError(cause) {
  const reason = String(cause?.message ?? cause ?? '').trim() || 'no reason given';
  const text = /invocation token/i.test(reason)
    ? `the reports server did not accept the request from Jira (${reason}); `
      + 'an administrator should check its Forge app id'
    : `the reports server could not be reached (${reason})`;
  return new Error(text, { cause });
}

/** Request headers that ask for a 304, which Forge would turn into an error. */
const CONDITIONAL = /^if-(none-match|modified-since|match|unmodified-since|range)$/i;

/** The admin page's module key in manifest.yml (jira:adminPage). */
const ADMIN_MODULE = 'jqlr-admin';

/**
 * The page's project, from the Forge context of a project page; whether the page is the admin
 * page, from the context's `moduleKey` (@forge/bridge 7.2.0, FullContext in out/types.d.ts).
 * @param {any} context
 * @returns {import('./host.js').HostContext}
 */
function projectContext(context) {
  const project = context?.extension?.project;
  const admin = context?.moduleKey === ADMIN_MODULE;
  if (!project?.key) return { admin };
  const projectId = project.id ? String(project.id) : undefined;
  return { projectKey: String(project.key), projectId, admin };
}

/** The site's https origin from the context's siteUrl, or null. @param {any} url */
function httpsOrigin(url) {
  try {
    const parsed = new URL(String(url));
    return parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
}

/** @param {any} body */
const jsonText = (body) => (typeof body === 'string' ? body : JSON.stringify(body));

