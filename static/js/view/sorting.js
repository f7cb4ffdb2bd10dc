// Sorting the open report's view by a clicked column: the next sort, and the config it runs.
// @ts-check

/**
 * @typedef {{field: string, direction: 'asc'|'desc'}} ViewSort  the view's own sort, never saved
 * @typedef {import('../server/api.js').Report} Report
 */

/**
 * The view's sort after a click on a column's header: ascending first, then descending, then
 * none (the report's saved sort again); another column starts ascending.
 * @param {ViewSort|null} current
 * @param {string} field
 * @returns {ViewSort|null}
 */
export function nextSort(current, field) {
  if (current?.field !== field) return { field, direction: 'asc' };
  return current.direction === 'asc' ? { field, direction: 'desc' } : null;
}

/**
 * The config the view is computed with: the clicked column first, the saved rules after it
 * (as a stable re-sort of the saved order would give); the report itself is not changed.
 * @param {Report} report
 * @param {ViewSort|null} sort
 * @returns {Report}
 */
export function sortedConfig(report, sort) {
  if (!sort) return report;
  const saved = (report.sort ?? []).filter((rule) => rule.field !== sort.field);
  return { ...report, sort: [sort, ...saved] };
}

/**
 * The aria-sort value of a column's header, or null when the view is not sorted by it.
 * @param {ViewSort|null} sort
 * @param {string} field
 * @returns {'ascending'|'descending'|null}
 */
export function ariaSort(sort, field) {
  if (sort?.field !== field) return null;
  return sort.direction === 'asc' ? 'ascending' : 'descending';
}
