// Jira's users for the client: display names by account id, and people found by a search.
// @ts-check
import { callJira, raceAbort, realClock } from './retry.js';

/**
 * @typedef {import('./retry.js').Host} Host
 * @typedef {import('./retry.js').Clock} Clock
 * @typedef {{accountId: string, displayName?: string}} User  (Jira's user, the fields used here)
 */

/**
 * @param {Host} host
 * @param {{signal?: AbortSignal, clock?: Clock}} [options]
 * @returns {import('./retry.js').Caller}
 */
function newCaller(host, { signal, clock = realClock } = {}) {
  return { host, clock, gate: { until: 0 }, signal };
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

/** People one search offers at most: the page size of user/search by default. */
const USERS_PER_SEARCH = 50;

/**
 * People whose name or email address starts with `query`, for a people picker. Jira Cloud
 * platform OpenAPI spec, GET /rest/api/3/user/search (findUsers): `query` matches a prefix of
 * displayName or emailAddress; it filters, then pages (maxResults, default 50) up to the
 * thousandth user; it answers an array of User, empty without the "Browse users and groups"
 * permission. Only people count: accountType "atlassian" (not "app" or "customer"), active.
 * user/picker is not used: it gives neither accountType nor active, and its `html` is markup.
 * Rejects with JiraError (or AbortError when `signal` aborts).
 * @param {Host} host
 * @param {string} query
 * @param {{signal?: AbortSignal, clock?: Clock}} [options]
 * @returns {Promise<Required<User>[]>}
 */
export async function searchUsers(host, query, options) {
  const text = query.trim();
  if (!text) return [];
  const path = `/rest/api/3/user/search?query=${encodeURIComponent(text)}`
    + `&maxResults=${USERS_PER_SEARCH}`;
  const found = await raceAbort(callJira(newCaller(host, options), path), options?.signal);
  return (Array.isArray(found) ? found : [])
    .filter((user) => user?.accountType === 'atlassian' && user.active === true
      && typeof user.accountId === 'string' && user.accountId)
    .map(({ accountId, displayName }) => ({ accountId,
      displayName: typeof displayName === 'string' && displayName ? displayName : accountId }));
}
