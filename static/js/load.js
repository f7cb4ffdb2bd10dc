// Issue loading strategies: two-phase (ids, then parallel bulkfetch) and page by page.
// @ts-check
import { callJira, JiraError } from './retry.js';
import { createSlimmer } from './slim.js';

/**
 * @typedef {import('./retry.js').Caller} Caller
 * @typedef {{id: string, key: string, fields: Record<string, any>}} Issue
 * @typedef {'ids'|'fields'|'pages'} Phase
 * @typedef {(phase: Phase, loaded: number, total?: number) => void} Progress
 * @typedef {{jql: string, fields: string[], strategy: string,
 *   progress: Progress}} LoadRequest
 * @typedef {{issues: Issue[], strategy: 'two-phase'|'paged', note: string}} LoadResult
 */

const SEARCH = '/rest/api/3/search/jql';
const BULKFETCH = '/rest/api/3/issue/bulkfetch';
const ID_PAGE = 5000;
const FIELD_PAGE = 100;
const BULK_LARGE = 1000;
const BULK_SMALL = 100;
const BULK_LARGE_MAX_FIELDS = 100;
// Five bulkfetches at a time keeps the whole load within six requests in flight even
// while the approximate count is still retrying.
const BULK_LANES = 5;
const HEAVY = new Set(['comment', 'worklog', 'attachment', '*all', '*navigable']);
const REFUSALS = [403, 404];
const BULK_REFUSED_NOTE = 'Jira refused bulk loading; loaded page by page instead.';

/**
 * Load with the given strategy; two-phase falls back to paged if bulkfetch is refused.
 * @param {Caller} caller
 * @param {LoadRequest} req
 * @returns {Promise<LoadResult>}
 */
export async function loadByStrategy(caller, req) {
  if (req.strategy === 'paged') {
    return { issues: await loadPaged(caller, req), strategy: 'paged', note: '' };
  }
  if (req.strategy !== 'two-phase') {
    throw new TypeError(`Unknown strategy: ${req.strategy}`);
  }
  const issues = await loadTwoPhase(caller, req);
  if (issues) return { issues, strategy: 'two-phase', note: '' };
  const paged = await loadPaged(caller, req);
  return { issues: paged, strategy: 'paged', note: BULK_REFUSED_NOTE };
}

/**
 * Issues per bulkfetch: 1,000 only when Jira can serve the request efficiently.
 * @param {string[]} fields
 */
function bulkChunkSize(fields) {
  const included = fields.filter((field) => !field.startsWith('-'));
  const efficient =
    included.length > 0 &&
    included.length <= BULK_LARGE_MAX_FIELDS &&
    !included.some((field) => HEAVY.has(field));
  return efficient ? BULK_LARGE : BULK_SMALL;
}

/**
 * Follow nextPageToken until the last page; page sizes are whatever Jira sends.
 * @param {Caller} caller
 * @param {{jql: string, fields: string[], maxResults: number}} query
 * @param {(issues: any[]) => void} onPage
 */
async function walkSearch(caller, query, onPage) {
  /** @type {string|undefined} */
  let token;
  do {
    const body = token ? { ...query, nextPageToken: token } : query;
    const page = await callJira(caller, SEARCH, { method: 'POST', body });
    onPage(page.issues ?? []);
    token = page.isLast ? undefined : page.nextPageToken;
  } while (token);
}

/**
 * @param {Caller} caller
 * @param {LoadRequest} req
 * @returns {Promise<Issue[]>}
 */
async function loadPaged(caller, { jql, fields, progress }) {
  /** @type {Issue[]} */
  const issues = [];
  const slim = createSlimmer(fields);
  await walkSearch(caller, { jql, fields, maxResults: FIELD_PAGE }, (page) => {
    for (const issue of page) issues.push(slim(issue));
    progress('pages', issues.length);
  });
  return issues;
}

/**
 * Ids in JQL order, then their fields; null when Jira refuses bulkfetch.
 * @param {Caller} caller
 * @param {LoadRequest} req
 * @returns {Promise<Issue[]|null>}
 */
async function loadTwoPhase(caller, req) {
  const ids = await loadIds(caller, req);
  const byId = await bulkFetch(caller, req, ids);
  return byId && ids.flatMap((id) => byId.get(id) ?? []);
}

/**
 * @param {Caller} caller
 * @param {LoadRequest} req
 */
async function loadIds(caller, { jql, progress }) {
  /** @type {Set<string>} */
  const ids = new Set();
  await walkSearch(caller, { jql, fields: ['id'], maxResults: ID_PAGE }, (page) => {
    for (const issue of page) ids.add(String(issue.id));
    progress('ids', ids.size);
  });
  return [...ids];
}

/**
 * Bulkfetch answers in id order and leaves out issues it cannot return (issueErrors).
 * @param {Caller} caller
 * @param {LoadRequest} req
 * @param {string[]} ids
 * @returns {Promise<Map<string, Issue>|null>}
 */
async function bulkFetch(caller, { fields, progress }, ids) {
  /** @type {Map<string, Issue>} */
  const byId = new Map();
  const slim = createSlimmer(fields);
  let done = 0;
  /** @type {(chunk: string[], lane: Caller) => Promise<void>} */
  const fetchChunk = async (issueIdsOrKeys, lane) => {
    const body = { issueIdsOrKeys, fields };
    const answer = await callJira(lane, BULKFETCH, { method: 'POST', body });
    for (const issue of answer.issues ?? []) byId.set(String(issue.id), slim(issue));
    done += issueIdsOrKeys.length;
    progress('fields', done, ids.length);
  };
  try {
    await runLanes(caller, chunk(ids, bulkChunkSize(fields)), fetchChunk);
  } catch (err) {
    if (err instanceof JiraError && REFUSALS.includes(err.status)) return null;
    throw err;
  }
  return byId;
}

/**
 * Work through items BULK_LANES at a time; the first failure stops every lane.
 * @template T
 * @param {Caller} caller
 * @param {T[]} items
 * @param {(item: T, lane: Caller) => Promise<void>} work
 */
async function runLanes(caller, items, work) {
  const stop = new AbortController();
  const outer = caller.signal;
  if (outer?.aborted) stop.abort();
  outer?.addEventListener('abort', () => stop.abort(), { once: true });
  const lane = { ...caller, signal: stop.signal };
  let next = 0;
  const run = async () => {
    while (next < items.length) await work(items[next++], lane);
  };
  const count = Math.min(BULK_LANES, items.length);
  try {
    await Promise.all(Array.from({ length: count }, run));
  } finally {
    stop.abort();
  }
}

/**
 * @template T
 * @param {T[]} list
 * @param {number} size
 */
function chunk(list, size) {
  const count = Math.ceil(list.length / size);
  return Array.from({ length: count }, (_, i) => list.slice(i * size, (i + 1) * size));
}
