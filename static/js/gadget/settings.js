// A gadget's settings (which report, what to show, how many rows, how often): pure checks.
// @ts-check

/**
 * What one gadget shows, as stored in Jira (Connect: a dashboard item property; Forge: the
 * gadget's configuration). Never kept on our server.
 * @typedef {{reportId: string, show: Show, rows: number, refreshMinutes: number}} Settings
 * @typedef {'auto'|'chart'|'pivot'|'series'|'table'} Show  auto: the pivot, else the time
 *   series, else the chart, else the table
 */

export const SHOWS = /** @type {const} */ (['auto', 'chart', 'pivot', 'series', 'table']);
export const SHOW_LABELS = /** @type {Record<Show, string>} */ ({
  auto: 'The report as it is (pivot, time series, chart or table)', chart: 'Chart',
  pivot: 'Pivot table', series: 'Time series', table: 'First rows of the table',
});
/** Jira's own gadgets refresh every 15 minutes at the most often; so does this one. */
export const MIN_REFRESH_MINUTES = 15;
export const MAX_REFRESH_MINUTES = 24 * 60;
export const DEFAULT_ROWS = 10;
export const MAX_ROWS = 100;

/**
 * Clean settings from a stored value, or null when it names no report (a new gadget).
 * Anything out of range falls back to its default, so an old or hand-made value still shows.
 * @param {any} value
 * @returns {Settings|null}
 */
export function readSettings(value) {
  const reportId = typeof value?.reportId === 'string' ? value.reportId.trim() : '';
  if (!reportId) return null;
  const show = SHOWS.includes(value.show) ? value.show : 'auto';
  return { reportId, show, rows: wholeIn(value.rows, 1, MAX_ROWS, DEFAULT_ROWS),
    refreshMinutes: wholeIn(value.refreshMinutes, MIN_REFRESH_MINUTES, MAX_REFRESH_MINUTES,
      MIN_REFRESH_MINUTES) };
}

/**
 * What the configuration form asks, checked: the settings, or messages by field.
 * @param {{reportId: string, show: string, rows: string, refreshMinutes: string}} form
 * @returns {{settings: Settings|null, errors: Record<string, string>}}
 */
export function checkForm(form) {
  /** @type {Record<string, string>} */
  const errors = {};
  if (!form.reportId) errors.reportId = 'Pick a report.';
  const rows = Number(form.rows);
  if (!Number.isInteger(rows) || rows < 1 || rows > MAX_ROWS) {
    errors.rows = `A whole number from 1 to ${MAX_ROWS}.`;
  }
  const minutes = Number(form.refreshMinutes);
  if (!Number.isInteger(minutes) || minutes < MIN_REFRESH_MINUTES
    || minutes > MAX_REFRESH_MINUTES) {
    errors.refreshMinutes = `A whole number of minutes from ${MIN_REFRESH_MINUTES} to `
      + `${MAX_REFRESH_MINUTES}.`;
  }
  if (!SHOWS.includes(/** @type {Show} */ (form.show))) errors.show = 'Pick what to show.';
  if (Object.keys(errors).length) return { settings: null, errors };
  const show = /** @type {Show} */ (form.show);
  return { settings: { reportId: form.reportId, show, rows, refreshMinutes: minutes }, errors };
}

/**
 * What the gadget shows of a report: the asked part when the report has it, else the first
 * it has of pivot, time series, chart (groups), table.
 * @param {Show} show
 * @param {{pivot?: any, timeSeries?: any, groupBy?: any[]}} report
 * @returns {Exclude<Show, 'auto'>}
 */
export function partToShow(show, report) {
  const has = { pivot: Boolean(report.pivot), series: Boolean(report.timeSeries),
    chart: Boolean(report.groupBy?.length), table: true };
  if (show !== 'auto' && has[show]) return show;
  return /** @type {const} */ (['pivot', 'series', 'chart', 'table']).find((part) => has[part])
    ?? 'table';
}

/**
 * @param {any} value @param {number} low @param {number} high @param {number} fallback
 */
function wholeIn(value, low, high, fallback) {
  const number = Number(value);
  return Number.isInteger(number) && number >= low && number <= high ? number : fallback;
}
