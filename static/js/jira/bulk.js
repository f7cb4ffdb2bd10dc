// Bulkfetch of issues by id: five lanes, the site's issues-per-call cap, issueErrors retried once.
// @ts-check
import { callJira, JiraError } from './retry.js';
import { createSlimmer } from './slim.js';

/**
 * @typedef {import('./retry.js').Caller} Caller
 * @typedef {import('./retry.js').Host} Host
 * @typedef {import('./slim.js').Issue} Issue
 * @typedef {{fields: string[],
 *   progress: (phase: 'fields', loaded: number, total: number) => void}} BulkRequest
 * @typedef {{byId: Map<string, Issue>, failed: string[]}} Fetched  failed: the ids still
 *   answered in issueErrors after one retry
 */

const BULKFETCH = '/rest/api/3/issue/bulkfetch';
const BULK_LARGE = 1000;
const BULK_SMALL = 100;
const BULK_LARGE_MAX_FIELDS = 100;
// Five bulkfetches at a time keeps the whole load within six requests in flight even
// while the approximate count is still retrying.
const BULK_LANES = 5;
const HEAVY = new Set(['comment', 'worklog', 'attachment', '*all', '*navigable']);
const REFUSALS = [403, 404];

/**
 * The hosts (one per page) whose Jira answered 400 to a call of more than 100 issues. The
 * OpenAPI spec of POST /rest/api/3/issue/bulkfetch allows 100 issues a call and answers 400
 * beyond; Atlassian's newer documentation allows 1,000 when no requested field returns several
 * values. A site found to apply the stricter rule is asked for 100 at a time from then on.
 * @type {WeakSet<Host>}
 */
const strictSites = new WeakSet();

/**
 * The issues of `ids`, and the ids that bulkfetch answered in `issueErrors` ("a retriable error
 * or payload constraint", per the spec) even when asked once more; null when Jira refuses
 * bulkfetch (403, 404). Issues it leaves out without an entry (deleted, hidden) stay out.
 * @param {Caller} caller
 * @param {BulkRequest} req
 * @param {string[]} ids
 * @returns {Promise<Fetched|null>}
 */
export async function bulkFetch(caller, req, ids) {
  const load = new BulkLoad(caller, req, ids.length);
  try {
    await load.fetchAll(ids);
    const again = [...load.errors];
    load.errors.clear();
    await load.fetchAll(again);
  } catch (err) {
    if (err instanceof JiraError && REFUSALS.includes(err.status)) return null;
    throw err;
  }
  return { byId: load.byId, failed: [...load.errors] };
}

/** One bulk load: the issues received by id, and the ids Jira answered with an error. */
class BulkLoad {
  /**
   * @param {Caller} caller
   * @param {BulkRequest} req
   * @param {number} total the ids asked for, for progress
   */
  constructor(caller, { fields, progress }, total) {
    this.caller = caller;
    this.fields = fields;
    this.progress = progress;
    this.total = total;
    this.slim = createSlimmer(fields);
    /** @type {Map<string, Issue>} */
    this.byId = new Map();
    /** @type {Set<string>} */
    this.errors = new Set();
  }

  /**
   * Fetch `ids` through the lanes. A 400 on a chunk over 100 means the site keeps to the spec's
   * cap: once the calls in flight have answered, what has no answer yet goes again by 100, and
   * so does every later load of the page.
   * @param {string[]} ids
   * @returns {Promise<void>}
   */
  async fetchAll(ids) {
    const { caller, fields } = this;
    const size = strictSites.has(caller.host) ? BULK_SMALL : chunkSize(fields);
    await runLanes(caller, chunk(ids, size), (part, lane) => this.fetchChunk(part, lane));
    if (size > BULK_SMALL && strictSites.has(caller.host)) {
      await this.fetchAll(ids.filter((id) => !this.byId.has(id) && !this.errors.has(id)));
    }
  }

  /**
   * One bulkfetch call; Jira answers in id order, with `issueErrors` entries `{id, errorMessage}`.
   * Answers false, to stop the lanes, when Jira refuses more than 100 issues a call.
   * @param {string[]} issueIdsOrKeys
   * @param {Caller} lane
   */
  async fetchChunk(issueIdsOrKeys, lane) {
    const body = { issueIdsOrKeys, fields: this.fields };
    let answer;
    try {
      answer = await callJira(lane, BULKFETCH, { method: 'POST', body });
    } catch (err) {
      const tooMany = err instanceof JiraError && err.status === 400;
      if (!(tooMany && issueIdsOrKeys.length > BULK_SMALL)) throw err;
      strictSites.add(this.caller.host);
      return false;
    }
    for (const issue of answer.issues ?? []) this.byId.set(String(issue.id), this.slim(issue));
    for (const error of answer.issueErrors ?? []) this.errors.add(String(error.id));
    this.progress('fields', this.byId.size, this.total);
    return true;
  }
}

/**
 * Issues per bulkfetch: 1,000 only when Jira can serve the request efficiently.
 * @param {string[]} fields
 */
function chunkSize(fields) {
  const included = fields.filter((field) => !field.startsWith('-'));
  const efficient =
    included.length > 0 &&
    included.length <= BULK_LARGE_MAX_FIELDS &&
    !included.some((field) => HEAVY.has(field));
  return efficient ? BULK_LARGE : BULK_SMALL;
}

/**
 * Work through items BULK_LANES at a time. The first failure stops every lane at once; work
 * that answers false lets the lanes finish the calls in flight and take no more.
 * @template T
 * @param {Caller} caller
 * @param {T[]} items
 * @param {(item: T, lane: Caller) => Promise<boolean>} work
 */
async function runLanes(caller, items, work) {
  const stop = new AbortController();
  const outer = caller.signal;
  if (outer?.aborted) stop.abort();
  outer?.addEventListener('abort', () => stop.abort(), { once: true });
  const lane = { ...caller, signal: stop.signal };
  let next = 0;
  let more = true;
  const run = async () => {
    while (more && next < items.length) more = (await work(items[next++], lane)) && more;
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
