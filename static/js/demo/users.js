// The fake Jira's user lookup: GET /rest/api/3/user/bulk, paged the way Jira Cloud pages it.
// @ts-check
import { SITE, USERS } from './data.js';

const BY_ID = new Map(USERS.map((user) => [user.accountId, user]));
const MAX_RESULTS = 200;

/**
 * The users named by the repeated `accountId` params, in the order asked; unknown ids are left
 * out. Answers Jira's PageBeanUser: `{self, maxResults, startAt, total, isLast, values}`.
 * @param {URLSearchParams} query
 */
export function bulkUsers(query) {
  const ids = [...new Set(query.getAll('accountId'))];
  if (!ids.length) {
    const message = 'At least one accountId must be given.';
    throw Object.assign(new Error(message), { messages: [message] });
  }
  const found = ids.map((id) => BY_ID.get(id)).filter((user) => user !== undefined);
  const startAt = wholeNumber(query.get('startAt'), 0);
  const size = Math.min(wholeNumber(query.get('maxResults'), 10) || 10, MAX_RESULTS);
  const isLast = startAt + size >= found.length;
  const self = `${SITE}/rest/api/3/user/bulk?${query}`;
  const next = new URLSearchParams(query);
  next.set('startAt', String(startAt + size));
  return { self, ...(!isLast && { nextPage: `${SITE}/rest/api/3/user/bulk?${next}` }),
    maxResults: size, startAt, total: found.length, isLast,
    values: found.slice(startAt, startAt + size) };
}

/** A non-negative whole number from a query param, else `fallback`.
 * @param {string|null} value  @param {number} fallback */
function wholeNumber(value, fallback) {
  const n = Number(value ?? fallback);
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}
