// Calls to our own server's report API, through the host; error bodies become ApiError.
// @ts-check

/**
 * @typedef {{field: string, direction: 'asc'|'desc'}} SortRule
 * @typedef {{field: string, values: string[]}} Filter
 * @typedef {{field: string, function: 'count'|'sum'|'avg'|'min'|'max'|'distinct'}} Aggregation
 * @typedef {import('../engine/report.js').GroupEntry} GroupEntry
 * @typedef {import('../engine/report.js').Pivot} Pivot
 * @typedef {import('../engine/report.js').TimeSeries} TimeSeries
 * @typedef {{
 *   name: string, description: string, jql: string, columns: string[], sort: SortRule[],
 *   groupBy: GroupEntry[], filters: Filter[], aggregations: Aggregation[],
 *   pivot?: Pivot|null, timeSeries?: TimeSeries|null, version?: number,
 * }} ReportConfig  pivot and timeSeries: null when the report has none
 * @typedef {'site'|'private'} Visibility  site: everyone on the site; private: the owner only
 * @typedef {'site'|string[]} Editors  site: everyone who can view it; else these account ids
 *   (at most 50; [] is the owner only), without effect while the report is private
 * @typedef {{owner?: string|null, visibility?: Visibility, editors?: Editors}} Access
 *   as sent: omitted fields keep their values; only the owner may change them
 * @typedef {{canEdit: boolean, canDelete: boolean, canShare: boolean}} Rights  the caller's
 * @typedef {ReportConfig & Rights & {id: string, version: number, createdAt: string,
 *   createdBy: string, updatedAt: string, updatedBy: string, owner: string|null,
 *   visibility: Visibility, editors: Editors}} Report  owner null: no known owner, so the
 *   whole site may see and edit it
 * @typedef {Rights & {id: string, name: string, description: string, updatedAt: string,
 *   updatedBy: string, version: number, owner: string|null, visibility: Visibility}}
 *   ReportSummary
 * @typedef {import('../host/host.js').Host} Host
 */

/** An error answered by our server: `{error, status, fields?, current?}`. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   * @param {Record<string, string>} [fields] validation messages by config key
   * @param {Report} [current] the stored report, on a 409
   */
  constructor(status, message, fields = {}, current = undefined) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.fields = fields;
    this.current = current;
  }
}

/**
 * One call to our server through the host: its JSON body, or an ApiError with the server's
 * message, field errors and (on a 409) the stored report.
 * @param {Host} host
 * @param {string} path
 * @param {{method?: string, body?: any}} [options]
 */
export async function call(host, path, options) {
  const response = await host.requestServer(path, options);
  if (response.ok) return response.body;
  throw apiError(response);
}

/**
 * The ApiError for an answer that is not a success.
 * @param {import('../host/host.js').HostResponse} response
 */
function apiError(response) {
  const body = response.body ?? {};
  const message = typeof body.error === 'string'
    ? body.error : `The server answered ${response.status}.`;
  return new ApiError(response.status, message, body.fields ?? {}, body.current ?? undefined);
}

/** @param {string} id */
const reportPath = (id) => `api/reports/${encodeURIComponent(id)}`;

/**
 * The last report list each host was answered, with its ETag. The server marks JSON
 * `Cache-Control: no-cache, no-store`, so the browser keeps none of it: the page does. A
 * request carrying If-None-Match skips the browser's HTTP cache and its 304 reaches the page
 * as it is (Fetch standard, "fetch" § HTTP-network-or-cache fetch).
 * @type {WeakMap<Host, {etag: string, reports: ReportSummary[]}>}
 */
const lists = new WeakMap();

/**
 * The reports the user may view, without their configuration. The list is asked for with
 * the ETag of the last one (If-None-Match), and a 304 (unchanged) answers it from memory.
 * The same array comes back while it is current: its callers (list/list.js,
 * gadget/edit.js) only read it.
 * @param {Host} host
 * @returns {Promise<ReportSummary[]>}
 */
export async function listReports(host) {
  const held = lists.get(host);
  const headers = held && { 'If-None-Match': held.etag };
  const response = await host.requestServer('api/reports', headers && { headers });
  if (held && response.status === 304) return held.reports;
  if (!response.ok) throw apiError(response);
  const { reports } = response.body;
  const etag = response.headers.get('ETag');
  if (etag) lists.set(host, { etag, reports });
  else lists.delete(host);
  return reports;
}

/**
 * @param {Host} host
 * @param {string} id
 * @returns {Promise<Report>}
 */
export function getReport(host, id) {
  return call(host, reportPath(id));
}

/**
 * @param {Host} host
 * @param {ReportConfig & Access} config  the owner is the caller; access as given
 * @returns {Promise<Report>}
 */
export function createReport(host, config) {
  return call(host, 'api/reports', { method: 'POST', body: config });
}

/**
 * Save a report; `config.version` must be the version it was read at (else a 409 ApiError).
 * A changed access (or owner: a transfer) is refused with 403 unless the caller is the owner.
 * @param {Host} host
 * @param {string} id
 * @param {ReportConfig & Access} config
 * @returns {Promise<Report>}
 */
export function updateReport(host, id, config) {
  return call(host, reportPath(id), { method: 'PUT', body: config });
}

/**
 * @param {Host} host
 * @param {string} id
 */
export async function deleteReport(host, id) {
  await call(host, reportPath(id), { method: 'DELETE' });
}

/**
 * Every report the user may view, as one export document.
 * @param {Host} host
 */
export function exportReports(host) {
  return call(host, 'api/export');
}

/**
 * Add the reports of an export document; answers `{ids}`.
 * @param {Host} host
 * @param {any} document
 * @returns {Promise<{ids: string[]}>}
 */
export function importReports(host, document) {
  return call(host, 'api/import', { method: 'POST', body: document });
}
