// The demo's stand-in for Atlassian's AP object: Jira requests go to the in-browser fake Jira.
// @ts-check
import { SITE } from './data.js';
import { askJira, fetchToken, noteNavigation, pageProject, startDemoJira } from './site.js';

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

const demoJira = startDemoJira();

const AP = {
  request: (/** @type {string | RequestOptions} */ urlOrOptions, /** @type {any} */ more) =>
    request(demoJira, urlOrOptions, more),
  context: { getToken, getContext },
  navigator: { go, log: navigations },
  resize: () => {},
  sizeToParent: () => {},
};
Object.assign(window, { AP });
