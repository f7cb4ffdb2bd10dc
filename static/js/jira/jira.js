// The client's Jira REST calls (fields, JQL checks, counts, issues, myself; users from users.js).
// @ts-check
import { callJira, JiraError, raceAbort, realClock } from './retry.js';
import { loadByStrategy } from './load.js';

export { loadUsers, searchUsers } from './users.js';

export { JiraError };

/**
 * @typedef {import('./retry.js').Host} Host
 * @typedef {import('./retry.js').Clock} Clock
 * @typedef {import('./retry.js').Gate} Gate
 * @typedef {import('./load.js').Issue} Issue
 * @typedef {import('./load.js').Phase} Phase
 * @typedef {import('./load.js').LoadResult} LoadResult
 * @typedef {{id: string, name: string, schema?: {type: string, items?: string,
 *   system?: string, custom?: string, customId?: number}}} Field
 * @typedef {{phase: Phase, loaded: number, total: number|null}} ProgressEvent
 * @typedef {{jql: string, fields: string[], signal?: AbortSignal,
 *   onProgress?: (event: ProgressEvent) => void, strategy?: 'two-phase'|'paged',
 *   total?: number|null, clock?: Clock}} LoadOptions
 */

/**
 * @param {Host} host
 * @param {{signal?: AbortSignal, clock?: Clock, gate?: Gate}} [options]
 */
function newCaller(host, { signal, clock = realClock, gate = { until: 0 } } = {}) {
  return { host, clock, gate, signal };
}

/**
 * Every field the user can see (GET /rest/api/3/field).
 * @param {Host} host
 * @param {{signal?: AbortSignal, clock?: Clock}} [options]
 * @returns {Promise<Field[]>}
 */
export async function loadFields(host, options) {
  return callJira(newCaller(host, options), '/rest/api/3/field');
}

/**
 * Check a JQL query the way Jira would run it, and read its ORDER BY field names.
 * @param {Host} host
 * @param {string} jql
 * @param {{clock?: Clock}} [options]
 * @returns {Promise<{errors: string[], orderBy: string[]}>}
 */
export async function parseJql(host, jql, options) {
  const path = '/rest/api/3/jql/parse?validation=strict';
  const init = { method: 'POST', body: { queries: [jql] } };
  try {
    const answer = await callJira(newCaller(host, options), path, init);
    return parsedQuery(answer?.queries?.[0]);
  } catch (err) {
    if (!(err instanceof JiraError && err.status === 400)) throw err;
    return { errors: err.messages.length ? err.messages : [err.message], orderBy: [] };
  }
}

/** @param {any} query one entry of jql/parse's `queries` */
function parsedQuery(query) {
  /** @type {any[]} */
  const orderBy = query?.structure?.orderBy?.fields ?? [];
  const names = orderBy.map((item) => item.field.name);
  return { errors: query?.errors ?? [], orderBy: names };
}

/**
 * Jira's estimate of how many issues the query matches, or null when it gives none.
 * Rejects only with AbortError, when `signal` aborts.
 * @param {Host} host
 * @param {string} jql
 * @param {{signal?: AbortSignal, clock?: Clock, gate?: Gate}} [options]
 * @returns {Promise<number|null>}
 */
export async function countIssues(host, jql, options = {}) {
  const path = '/rest/api/3/search/approximate-count';
  const init = { method: 'POST', body: { jql } };
  try {
    const answer = await callJira(newCaller(host, options), path, init);
    return Number.isFinite(answer?.count) ? answer.count : null;
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    return null;
  }
}

/**
 * Load the issues of `jql` with exactly `fields`, in JQL order. Rejects with AbortError
 * at once when `signal` aborts; answers that arrive later are dropped.
 * @param {Host} host
 * @param {LoadOptions} options
 * @returns {Promise<LoadResult>}
 */
export async function loadIssues(host, options) {
  const { jql, fields, signal, onProgress, strategy = 'two-phase', clock } = options;
  const caller = newCaller(host, { signal, clock });
  const known = { total: options.total ?? null };
  if (known.total === null) {
    // A count that fails or is cancelled only leaves the total unknown.
    countIssues(host, jql, caller).then((n) => (known.total ??= n), () => null);
  }
  /** @type {import('./load.js').Progress} */
  const progress = (phase, loaded, total) =>
    onProgress?.({ phase, loaded, total: total ?? known.total });
  return raceAbort(loadByStrategy(caller, { jql, fields, strategy, progress }), signal);
}

/** The calling user as Jira knows them, asked once per page load. */
let myselfAsked = /** @type {Promise<any>|null} */ (null);

/**
 * The calling user (GET /rest/api/3/myself: the OpenAPI spec's User), asked once per page
 * load; null when the call fails. Never rejects.
 * @param {Host} host
 * @param {{clock?: Clock}} [options]
 */
function myself(host, options) {
  myselfAsked ??= callJira(newCaller(host, options), '/rest/api/3/myself').catch(() => null);
  return myselfAsked;
}

/**
 * The user's Jira time zone (`timeZone` of myself); null when Jira gives none. Never rejects.
 * @param {Host} host
 * @param {{clock?: Clock}} [options]
 * @returns {Promise<string|null>}
 */
export async function userTimeZone(host, options) {
  const user = await myself(host, options);
  return typeof user?.timeZone === 'string' && user.timeZone ? user.timeZone : null;
}

/**
 * The calling user's account id (`accountId` of myself); null when Jira gives none.
 * @param {Host} host
 * @param {{clock?: Clock}} [options]
 * @returns {Promise<string|null>}
 */
export async function myAccountId(host, options) {
  const user = await myself(host, options);
  return typeof user?.accountId === 'string' && user.accountId ? user.accountId : null;
}
