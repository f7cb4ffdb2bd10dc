// The demo's stand-in for Jira Cloud's REST API: routes, paging and bulkfetch limits, latency, 429s.
// @ts-check
import { DEMO_USER, FIELDS, SITE, generateIssues } from './data.js';
import { parseJql } from './jql.js';
import { compileQuery } from './jql-eval.js';
import { USER_ROUTES } from './users.js';
import { EXPAND, fieldList, json, projector, refusal, tooManyRequests } from './wire.js';

/**
 * @typedef {{issues?: number, latencyMs?: number, seed?: number, now?: number,
 *   strictBulk?: boolean, issueErrors?: number}} FakeJiraConfig  strictBulk: bulkfetch allows
 *   100 issues a call whatever the fields; issueErrors: how many issues of each bulkfetch call
 *   Jira cannot return (see failures())
 * @typedef {{method?: string, url: string, body?: string}} FakeRequest
 * @typedef {import('./wire.js').FakeResponse} FakeResponse
 * @typedef {import('./jql-eval.js').Issue} Issue
 * @typedef {{at: number, matches: Issue[]}} Cached
 * @typedef {{issues: Issue[], byRef: Map<string, Issue>, latencyMs: number,
 *   queries: Map<string, Cached>, strictBulk: boolean, issueErrors: number,
 *   failedOnce: Set<string>}} Site
 * @typedef {{retryAfter?: number|null, reason?: string}} Limit
 */

const HEAVY = ['comment', 'worklog', 'attachment', '*all', '*navigable'];
const SLOW = [...EXPAND.split(','), 'transitions'].filter((e) => e !== 'names' && e !== 'schema');
const RETRIABLE = 'The issue could not be retrieved in time. Try again.';
const TOO_MANY = 'You can request at most 100 issues at a time, or 1000 when fields names 1 to '
  + `100 fields, none of ${HEAVY.join(', ')}, and expand none of ${SLOW.join(', ')}.`;

/** Refuse the request as Jira does: 400 with these `errorMessages`. @returns {never} */
const badRequest = (/** @type {string[]} */ ...messages) => {
  throw Object.assign(new Error(messages.join(' ')), { messages });
};

/**
 * Create the fake Jira. `config` may be a function that loads the configuration: it runs once,
 * when the first request arrives, and dataset() is [] until it has loaded.
 * @param {FakeJiraConfig | (() => Promise<FakeJiraConfig>)} config
 */
export function createFakeJira(config = {}) {
  let site = typeof config === 'function' ? null : buildSite(config);
  /** @type {Promise<Site>|null} */
  let loading = site && Promise.resolve(site);
  const load = /** @type {() => Promise<FakeJiraConfig>} */ (config);
  const ready = () => (loading ??= load().then((c) => (site = buildSite(c))));
  const log = /** @type {{method: string, url: string, status: number}[]} */ ([]);
  const limits = /** @type {Limit[]} */ ([]);
  return {
    log,
    dataset: () => site?.issues ?? [],
    /** Answer the next `count` requests with 429. @param {number} count  @param {Limit} [limit] */
    inject429: (count, { retryAfter = null, reason = 'jira-burst-based' } = {}) => {
      for (let n = 0; n < count; n += 1) limits.push({ retryAfter, reason });
    },
    /** @param {FakeRequest} request  @returns {Promise<FakeResponse>} */
    handle: async ({ method = 'GET', url, body }) => {
      const started = Date.now();
      const limit = limits.shift();
      const current = await ready();
      const verb = method.toUpperCase();
      const response = limit ? tooManyRequests(limit) : answer(current, verb, url, body);
      // The latency is the whole round trip from the request on, Jira's own work included
      // (Jira answers requests in parallel; this page works through them one at a time).
      await new Promise((resolve) => setTimeout(resolve, started + current.latencyMs - Date.now()));
      log.push({ method: verb, url, status: response.status });
      return response;
    },
  };
}

/** @param {FakeJiraConfig} config  @returns {Site} */
function buildSite({ issues = 5000, latencyMs = 0, seed = 1, now, strictBulk = false,
  issueErrors = 0 }) {
  const list = generateIssues({ issues, seed, now });
  const byRef = new Map(list.flatMap((i) => [[i.id, i], [i.key, i]]));
  return { issues: list, byRef, latencyMs, queries: new Map(), strictBulk, issueErrors,
    failedOnce: new Set() };
}

/** @type {Record<string, (site: Site, body: any, query: URLSearchParams) => any>} */
const ROUTES = {
  'GET /rest/api/3/field': () => FIELDS,
  'GET /rest/api/3/search/jql': (site, _, query) => search(site, Object.fromEntries(query)),
  'POST /rest/api/3/search/jql': search,
  'POST /rest/api/3/search/approximate-count': (site, b) => ({ count: run(site, b.jql).length }),
  'POST /rest/api/3/issue/bulkfetch': bulkfetch,
  'POST /rest/api/3/jql/parse': (site, body, query) => ({ queries: [body.queries ?? []].flat()
    .map((q) => parse(site, String(q), query.get('validation') ?? 'strict')) }),
  ...USER_ROUTES,  // user/bulk and user/search
  // The OpenAPI spec's User: the demo user, with the time zone of their profile.
  'GET /rest/api/3/myself': () => DEMO_USER,
};

/** @param {Site} site  @param {string} method  @param {string} url  @param {string} [text] */
function answer(site, method, url, text) {
  const { pathname, searchParams } = new URL(url, SITE);
  const route = ROUTES[`${method} ${pathname}`];
  if (!route) return refusal(404, [`No ${method} endpoint matches ${pathname}.`]);
  const body = method === 'POST' ? attempt(() => JSON.parse(text ?? '')) : {};
  if (!body || typeof body !== 'object' || body instanceof Error) {
    return refusal(400, ['Invalid request payload. Refer to the REST API documentation.']);
  }
  const result = attempt(() => route(site, body, searchParams));
  if (!(result instanceof Error)) return json(200, result);
  const { messages } = /** @type {any} */ (result);
  return messages ? refusal(400, messages) : refusal(500, ['Internal server error.']);
}

/** The value of `fn()`, or the error it threw. @template T  @param {() => T} fn */
function attempt(fn) {
  try { return fn(); } catch (err) { return /** @type {Error} */ (err); }
}

/** @param {Site} site */
const envOf = (site) => ({ now: Date.now(), timeZone: DEMO_USER.timeZone,
  hasIssue: (/** @type {string} */ ref) => site.byRef.has(ref.toUpperCase()) });

/** Issues matching `jql`, in its order; Jira's 400 for bad or unbounded JQL. */
function run(/** @type {Site} */ site, /** @type {unknown} */ jql) {
  const hit = site.queries.get(String(jql));  // a minute old at most: JQL may say "-1d"
  if (hit && Date.now() - hit.at < 60_000) return hit.matches;
  const query = attempt(() => parseJql(String(jql ?? '')));
  if (query instanceof Error) return badRequest(query.message);
  const compiled = compileQuery(query, envOf(site));
  if (compiled.errors.length) badRequest(...compiled.errors);
  if (!query.where) badRequest('Unbounded JQL queries are not allowed here. Please add a search '
    + 'restriction to your query.');
  if (query.orderBy?.fields[7]) badRequest('JQL can be ordered by at most 7 fields.');
  const matches = compiled.run(site.issues);
  if (site.queries.size >= 16) site.queries.clear();
  site.queries.set(String(jql), { at: Date.now(), matches });
  return matches;
}

/** Search with page tokens: 100 issues a page with fields, 5,000 with ids or keys only.
 * @param {Site} site  @param {any} body */
function search(site, { jql, fields, maxResults, nextPageToken }) {
  const wanted = fieldList(fields, ['id']);
  const asked = Number(maxResults ?? 50);
  const cap = wanted.every((f) => f === 'id' || f === 'key') ? 5000 : 100;
  const size = Math.min(Number.isInteger(asked) && asked > 0 ? asked : 50, cap);
  const matches = run(site, jql);
  const decoded = nextPageToken == null ? 'page:0' : attempt(() => atob(String(nextPageToken)));
  const token = /^page:(\d+)$/.exec(String(decoded));
  if (!token) badRequest('The nextPageToken is invalid or has expired.');
  const start = Number(token?.[1]);
  const isLast = start + size >= matches.length;
  return { issues: matches.slice(start, start + size).map(projector(wanted)),
    ...(!isLast && { nextPageToken: btoa(`page:${start + size}`).replace(/=+$/, '') }), isLast };
}

/** Issues by id or key in ascending id order, and those it cannot return in issueErrors as
 * `{id, errorMessage}` (OpenAPI spec: BulkIssueResults, IssueError).
 * @param {Site} site  @param {any} body */
function bulkfetch(site, body) {
  const refs = body.issueIdsOrKeys;
  if (!Array.isArray(refs) || !refs.length) badRequest('issueIdsOrKeys must not be empty.');
  checkBulkCap(site, refs.length, body);
  // Like Jira, unknown or hidden issues are left out without an issueErrors entry.
  const found = refs.map((ref) => site.byRef.get(String(ref).toUpperCase()));
  const issues = [...new Set(found)].filter((i) => i !== undefined)
    .sort((a, b) => Number(a?.id) - Number(b?.id));
  const failing = failures(site, issues);
  return { issues: issues.filter((i) => !failing.has(i))
    .map(projector(fieldList(body.fields, ['*navigable']), true)),
  issueErrors: [...failing].map((i) => ({ id: i.id, errorMessage: RETRIABLE })) };
}

/** Jira's 400 past the issues a call may ask for: 100, or 1,000 when the request is lean (the
 * 2026 documentation), except on a site that keeps the OpenAPI spec's 100 for every request.
 * @param {Site} site  @param {number} count  @param {any} body */
function checkBulkCap(site, count, { fields, expand }) {
  const named = fieldList(fields, []).filter((f) => !f.startsWith('-'));
  const slow = fieldList(expand, []).some((e) => SLOW.includes(e));
  const lean = named.length > 0 && named.length <= 100
    && !named.some((f) => HEAVY.includes(f)) && !slow;
  if (count <= 100 || (lean && !site.strictBulk && count <= 1000)) return;
  if (site.strictBulk) badRequest('You can request at most 100 issues at a time.');
  badRequest(lean ? 'You can request at most 1000 issues at a time.' : TOO_MANY);
}

/** The issues of one call Jira cannot return, with `issueErrors: N`: in id order, the first N
 * every time (a payload constraint) and the next N only the first time they are asked for (a
 * retriable error), so a retry loads those and the first N stay out.
 * @param {Site} site  @param {Issue[]} issues */
function failures({ issueErrors: n, failedOnce }, issues) {
  const once = issues.slice(n, 2 * n).filter((i) => !failedOnce.has(i.id));
  once.forEach((i) => failedOnce.add(i.id));
  return new Set([...issues.slice(0, n), ...once]);
}

/** One query of jql/parse: its structure and Jira's complaints, by `validation` level.
 * @param {Site} site  @param {string} query  @param {string} validation */
function parse(site, query, validation) {
  const structure = attempt(() => parseJql(query));
  if (structure instanceof Error) return { query, errors: [structure.message] };
  const errors = validation === 'none' ? [] : compileQuery(structure, envOf(site)).errors;
  if (validation === 'strict' && errors.length) return { query, errors };
  return { query, structure, ...(errors.length && { errors }) };
}
