// The host's address of the app: the open report and its quick filters, kept as the user moves.
// @ts-check
import { getReport } from '../server/api.js';
import { showError } from '../ui/messages.js';
import { choose, filtersFor, sameFilters, savedFilters } from './quick-filters.js';

/**
 * @typedef {import('../host/host.js').Host} Host
 * @typedef {import('../server/api.js').Report} Report
 * @typedef {import('../main.js').App} App
 */

/**
 * Where the app is: the open report (null for the list) and its quick filters, null when they
 * are the report's saved ones (so a plain link follows the report as it is saved).
 * @typedef {{report: string|null, filters: Filter[]|null}} Place
 * @typedef {import('../server/api.js').Filter} Filter
 */

/** The prefix of a quick filter's parameter: `f.<field id>=<group key>`, once per value. */
const FILTER = 'f.';

/**
 * The host's state string of a place: `report=<id>`, then `f.<field>=<key>` per quick filter
 * value, or a lone `f=` for "no filters" where the report saves some.
 * @param {Place} place
 * @returns {string}
 */
export function placeState({ report, filters }) {
  if (report === null) return '';
  const params = new URLSearchParams({ report });
  for (const { field, values } of filters ?? []) {
    for (const value of values) params.append(`${FILTER}${field}`, value);
  }
  if (filters?.length === 0) params.append('f', '');
  return params.toString();
}

/**
 * The place a state string names; anything unreadable is the list.
 * @param {string|null|undefined} state
 * @returns {Place}
 */
export function readPlace(state) {
  const params = new URLSearchParams(String(state ?? '').replace(/^[#!?]+/, ''));
  const report = params.get('report') || null;
  /** @type {Map<string, string[]>} */
  const byField = new Map();
  for (const [name, value] of params) {
    if (!name.startsWith(FILTER) || name.length === FILTER.length) continue;
    const field = name.slice(FILTER.length);
    byField.set(field, [...(byField.get(field) ?? []), value]);
  }
  const stated = byField.size > 0 || params.has('f');
  const filters = [...byField].map(([field, values]) => ({ field, values }));
  return { report, filters: report && stated ? filters : null };
}

/** The state the host shows now, so the same place is not added to its history twice. */
let shown = /** @type {string|null} */ (null);

/**
 * Show a place in the host's address: a new history entry, or in place of the current one
 * (quick filters change the entry of their report rather than adding one per click).
 * @param {Host} host
 * @param {Place} place
 * @param {boolean} [replace]
 */
export function showPlace(host, place, replace = false) {
  const state = placeState(place);
  if (state === shown) return;
  shown = state;
  if (replace) host.replaceState(state);
  else host.pushState(state);
}

/**
 * The place the host's address names at start (a reload or a shared link).
 * @param {Host} host
 * @returns {Promise<Place>}
 */
export async function startPlace(host) {
  const state = await host.getState().catch(() => '');
  shown = state;
  return readPlace(state);
}

/**
 * The place of a report showing filters: they are left out while they are its saved ones.
 * @param {Report} report
 * @param {Filter[]} [filters] its active filters
 * @returns {Place}
 */
export function placeOf(report, filters = filtersFor(report)) {
  const saved = sameFilters(filters, savedFilters(report));
  return { report: report.id, filters: saved ? null : filters };
}

/** The place of the report list. @type {Place} */
export const LIST = { report: null, filters: null };

/**
 * Open what the host's address names at start (a report with its quick filters, or the list),
 * and again whenever the user goes back or forward in the host's history.
 * @param {App} app
 */
export async function openStart(app) {
  app.host.onStateChange((state) => {
    shown = state;
    openPlace(app, readPlace(state));
  });
  return openPlace(app, await startPlace(app.host));
}

/**
 * Open a place; a report that cannot be read (deleted, or the link was mistyped) gives the
 * list, with the reason.
 * @param {App} app
 * @param {Place} place
 */
async function openPlace(app, { report, filters }) {
  if (!report) return app.showList();
  choose(report, null, filters);
  let loaded;
  try {
    loaded = await getReport(app.host, report);
  } catch (error) {
    await app.showList();
    showError(error, 'Could not open the report this address names');
    return;
  }
  await app.openReport(loaded);
}
