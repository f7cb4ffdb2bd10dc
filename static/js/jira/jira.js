// The client's Jira REST calls (fields, JQL checks, counts, issues, users, time zone) via a Host.
// @ts-check
import { callJira, JiraError, raceAbort, realClock } from './retry.js';
import { loadByStrategy } from './load.js';

export { JiraError };

/**
 * @typedef {import('./retry.js').Host} Host
 * @typedef {import('./retry.js').Clock} Clock
 * @typedef {import('./retry.js').Gate} Gate
 * @typedef {import('./load.js').Issue} Issue
 * @typedef {import('./load.js').Phase} Phase
 * @typedef {import('./load.js').LoadResult} LoadResult
 * @typedef {{accountId: string, displayName?: string}} User  (Jira's user, the fields used here)
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

/** The user's time zone, asked of Jira once per page load. */
let timeZoneAsked = /** @type {Promise<string|null>|null} */ (null);

/**
 * The user's Jira time zone (GET /rest/api/3/myself, its `timeZone`: the OpenAPI spec's User),
 * asked once per page load; null when Jira gives none or the call fails. Never rejects.
 * @param {Host} host
 * @param {{clock?: Clock}} [options]
 * @returns {Promise<string|null>}
 */
export function userTimeZone(host, options) {
  timeZoneAsked ??= callJira(newCaller(host, options), '/rest/api/3/myself')
    .then((user) => (typeof user?.timeZone === 'string' && user.timeZone ? user.timeZone : null),
      () => null);
  return timeZoneAsked;
}

/** Account ids per user/bulk call: the page size asked for, so each batch is one page. */
const USERS_PER_CALL = 200;

/**
 * The display names of Jira users by account id (GET /rest/api/3/user/bulk, 200 ids a call).
 * Names are for display only: unknown or hidden users are left out, and a batch that fails
 * (403, 429 after retries, no network) gives none. Never rejects.
 * @param {Host} host
 * @param {Iterable<string>} accountIds
 * @param {{clock?: Clock}} [options]
 * @returns {Promise<Map<string, string>>}
 */
export async function loadUsers(host, accountIds, options) {
  const ids = [...new Set(accountIds)].filter((id) => typeof id === 'string' && id);
  const names = new Map();
  for (let start = 0; start < ids.length; start += USERS_PER_CALL) {
    const batch = ids.slice(start, start + USERS_PER_CALL);
    const users = await usersOf(newCaller(host, options), batch).catch(() => []);
    for (const user of users) {
      if (typeof user?.displayName === 'string') names.set(user.accountId, user.displayName);
    }
  }
  return names;
}

/**
 * Every page of users for one batch of account ids.
 * @param {import('./retry.js').Caller} caller
 * @param {string[]} batch
 * @returns {Promise<User[]>}
 */
async function usersOf(caller, batch) {
  const ids = batch.map((id) => `accountId=${encodeURIComponent(id)}`).join('&');
  const users = [];
  for (let startAt = 0; ;) {
    const path = `/rest/api/3/user/bulk?${ids}&startAt=${startAt}&maxResults=${USERS_PER_CALL}`;
    const page = await callJira(caller, path);
    const values = Array.isArray(page?.values) ? page.values : [];
    users.push(...values);
    if (page?.isLast !== false || !values.length) return users;
    startAt += values.length;
  }
}
