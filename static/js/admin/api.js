// Calls to our server's admin API (/api/admin/*), through the host; error bodies become ApiError.
// @ts-check
import { call } from '../server/api.js';

/**
 * A report as the admin page lists it: every report of the site, private ones included.
 * @typedef {{id: string, name: string, description: string, updatedAt: string,
 *   updatedBy: string, version: number, owner: string|null, visibility: 'site'|'private',
 *   editors: 'site'|string[]}} AdminReport
 * @typedef {import('../host/host.js').Host} Host
 */

/** @param {string} id */
const reportPath = (id) => `api/admin/reports/${encodeURIComponent(id)}`;

/**
 * Every report of the site. The server asks Jira whether the user administers the site and
 * answers 403 when not.
 * @param {Host} host
 * @returns {Promise<AdminReport[]>}
 */
export async function listAllReports(host) {
  return (await call(host, 'api/admin/reports')).reports;
}

/**
 * Give a report to `owner`; `version` is the one it was listed at (else a 409 ApiError).
 * @param {Host} host
 * @param {string} id
 * @param {string} owner an accountId
 * @param {number} version
 * @returns {Promise<AdminReport>}
 */
export function assignOwner(host, id, owner, version) {
  return call(host, reportPath(id), { method: 'PUT', body: { owner, version } });
}

/**
 * Delete any report of the site.
 * @param {Host} host
 * @param {string} id
 */
export async function removeReport(host, id) {
  await call(host, reportPath(id), { method: 'DELETE' });
}
