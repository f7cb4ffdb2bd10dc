// Issue loading strategies: two-phase (ids, then parallel bulkfetch) and page by page.
// @ts-check
import { bulkFetch } from './bulk.js';
import { callJira } from './retry.js';
import { createSlimmer } from './slim.js';

/**
 * @typedef {import('./retry.js').Caller} Caller
 * @typedef {{id: string, key: string, fields: Record<string, any>}} Issue
 * @typedef {'ids'|'fields'|'pages'} Phase
 * @typedef {(phase: Phase, loaded: number, total?: number) => void} Progress
 * @typedef {{jql: string, fields: string[], strategy: string,
 *   progress: Progress}} LoadRequest
 * @typedef {{issues: Issue[], strategy: 'two-phase'|'paged', note: string,
 *   unloaded: string[]}} LoadResult  unloaded: the keys of issues Jira matched but could
 *   not return (bulkfetch's issueErrors, after a retry), in JQL order
 */

const SEARCH = '/rest/api/3/search/jql';
const ID_PAGE = 5000;
const FIELD_PAGE = 100;
const BULK_REFUSED_NOTE = 'Jira refused bulk loading; loaded page by page instead.';

/**
 * Load with the given strategy; two-phase falls back to paged if bulkfetch is refused.
 * @param {Caller} caller
 * @param {LoadRequest} req
 * @returns {Promise<LoadResult>}
 */
export async function loadByStrategy(caller, req) {
  if (req.strategy === 'paged') {
    return { issues: await loadPaged(caller, req), strategy: 'paged', note: '', unloaded: [] };
  }
  if (req.strategy !== 'two-phase') {
    throw new TypeError(`Unknown strategy: ${req.strategy}`);
  }
  const loaded = await loadTwoPhase(caller, req);
  if (loaded) return { ...loaded, strategy: 'two-phase', note: '' };
  const paged = await loadPaged(caller, req);
  return { issues: paged, strategy: 'paged', note: BULK_REFUSED_NOTE, unloaded: [] };
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
 * @returns {Promise<{issues: Issue[], unloaded: string[]}|null>}
 */
async function loadTwoPhase(caller, req) {
  const keys = await loadIds(caller, req);
  const ids = [...keys.keys()];
  const fetched = await bulkFetch(caller, req, ids);
  if (!fetched) return null;
  const failed = new Set(fetched.failed);
  return {
    issues: ids.flatMap((id) => fetched.byId.get(id) ?? []),
    unloaded: ids.filter((id) => failed.has(id)).map((id) => keys.get(id) ?? id),
  };
}

/**
 * The matching issues' keys by id, in JQL order (keys name the issues that fail to load).
 * @param {Caller} caller
 * @param {LoadRequest} req
 * @returns {Promise<Map<string, string>>}
 */
async function loadIds(caller, { jql, progress }) {
  /** @type {Map<string, string>} */
  const keys = new Map();
  const query = { jql, fields: ['id', 'key'], maxResults: ID_PAGE };
  await walkSearch(caller, query, (page) => {
    for (const issue of page) keys.set(String(issue.id), issue.key ?? String(issue.id));
    progress('ids', keys.size);
  });
  return keys;
}
