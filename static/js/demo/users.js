// The fake Jira's users: GET /rest/api/3/user/bulk and user/search, paged the way Jira Cloud
// pages them.
// @ts-check
import { SITE, USERS } from './data.js';

/** @param {string} accountId  @param {string} displayName  @param {string} accountType */
const account = (accountId, displayName, accountType) => ({
  self: `${SITE}/rest/api/3/user?accountId=${accountId}`, accountId, accountType,
  avatarUrls: USERS[0].avatarUrls, displayName, active: true });
/** Accounts that are not people of the site: an app and a service desk customer, whose names
 * start like people's, so a people picker has something to leave out. */
const OTHERS = [account('557058:d3e0a1b2-demo-automation', 'Automation for Jira', 'app'),
  account('qm:d3e0c4d5-demo-customer', 'Daniel Ortiz', 'customer')];
const ACCOUNTS = [...USERS, ...OTHERS];
const BY_ID = new Map(ACCOUNTS.map((user) => [user.accountId, user]));
const MAX_RESULTS = 200;
/** user/search filters first, then pages, "up to the thousandth user". */
const SEARCH_LIMIT = 1000;

/**
 * The users named by the repeated `accountId` params, in the order asked; unknown ids are left
 * out. Answers Jira's PageBeanUser: `{self, maxResults, startAt, total, isLast, values}`.
 * @param {URLSearchParams} query
 */
export function bulkUsers(query) {
  const ids = [...new Set(query.getAll('accountId'))];
  if (!ids.length) refuse('At least one accountId must be given.');
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

/**
 * The accounts matching `query` (a prefix of the display name or of one of its words, any
 * case), or exactly `accountId`, paged by startAt and maxResults (default 50). Answers an
 * array of User. Jira Cloud platform OpenAPI spec, GET /rest/api/3/user/search (findUsers):
 * 400 when query, accountId and property are all missing, or query and accountId are both
 * given; the demo's users have no properties, so a property search finds no one.
 * @param {URLSearchParams} query
 */
export function searchUsers(query) {
  const [text, id, property] = ['query', 'accountId', 'property'].map((k) => query.get(k));
  if (text === null && id === null && property === null) {
    refuse('One of the query parameters query, accountId or property is required.');
  }
  if (text !== null && id !== null) refuse('The query parameters query and accountId are '
    + 'mutually exclusive.');
  const needle = (text ?? '').trim().toLowerCase();
  const matches = (/** @type {{accountId: string, displayName: string}} */ user) =>
    (id === null || user.accountId === id) && property === null
    && (text === null || [user.displayName, ...user.displayName.split(/\s+/)]
      .some((part) => part.toLowerCase().startsWith(needle)));
  const startAt = wholeNumber(query.get('startAt'), 0);
  const size = wholeNumber(query.get('maxResults'), 50);
  return ACCOUNTS.filter(matches).slice(0, SEARCH_LIMIT).slice(startAt, startAt + size);
}

/** Refuse the request as Jira does: 400 with this message. @param {string} message
 * @returns {never} */
function refuse(message) {
  throw Object.assign(new Error(message), { messages: [message] });
}

/** A non-negative whole number from a query param, else `fallback`.
 * @param {string|null} value  @param {number} fallback */
function wholeNumber(value, fallback) {
  const n = Number(value ?? fallback);
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}

/** The fake Jira's user routes, as fake-jira.js ROUTES holds them. */
export const USER_ROUTES = {
  'GET /rest/api/3/user/bulk': (/** @type {any} */ _site, /** @type {any} */ _body,
    /** @type {URLSearchParams} */ query) => bulkUsers(query),
  'GET /rest/api/3/user/search': (/** @type {any} */ _site, /** @type {any} */ _body,
    /** @type {URLSearchParams} */ query) => searchUsers(query),
};
