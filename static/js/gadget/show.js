// The gadget's body: one saved report, compactly (its pivot, time series, chart, or first rows).
// @ts-check
import { ApiError, getReport } from '../server/api.js';
import { loadFields, loadIssues, userTimeZone } from '../jira/jira.js';
import { reportFields } from '../engine/report.js';
import { aggregateChips, cellContent, extraColumns, fieldName, issueCount, issueLink }
  from '../view/cells.js';
import * as state from '../view/state.js';
import { formatNumber, h } from '../ui/dom.js';
import { partToShow } from './settings.js';

/**
 * @typedef {import('../host/host.js').Host} Host
 * @typedef {import('./settings.js').Settings} Settings
 * @typedef {import('../server/api.js').Report} Report
 * @typedef {{kind: 'shown', report: Report, body: HTMLElement}
 *   | {kind: 'unavailable'}} Shown  unavailable: deleted, or not shared with the viewer (our
 *   server answers 404 for both, on purpose)
 */

/** The site's fields, asked once per frame. */
let fieldsLoad = /** @type {Promise<Map<string, any>>|null} */ (null);

/** @param {Host} host */
function fields(host) {
  fieldsLoad ??= loadFields(host).then((list) => new Map(list.map((f) => [f.id, f])))
    .catch((error) => { fieldsLoad = null; throw error; });
  return fieldsLoad;
}

/**
 * Load the report and its issues again, and build what the gadget shows of it.
 * @param {Host} host
 * @param {Settings} settings
 * @returns {Promise<Shown>}
 */
export async function loadShown(host, settings) {
  let report;
  try {
    report = await getReport(host, settings.reportId);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return { kind: 'unavailable' };
    throw error;
  }
  const [known, timeZone] = await Promise.all([fields(host), userTimeZone(host)]);
  const loaded = await loadIssues(host, { jql: report.jql, fields: reportFields(report) });
  state.hold({ report, fields: known, issues: loaded.issues, note: loaded.note,
    unloaded: loaded.unloaded, timeZone });
  return { kind: 'shown', report, body: await renderPart(host, settings) };
}

/**
 * The part of the held report the settings ask for. Each kind's view is imported when shown,
 * so a gadget loads the modules of its own part only.
 * @param {Host} host
 * @param {Settings} settings
 */
async function renderPart(host, settings) {
  const data = /** @type {state.Held} */ (state.current());
  const part = partToShow(settings.show, data.config);
  const summary = h('p', { className: 'summary', 'data-testid': 'gadget-summary' },
    h('strong', null, issueCount(data.result.totals.count)),
    data.unloaded.length ? `, ${issueCount(data.unloaded.length)} could not be loaded` : '');
  let body;
  if (part === 'pivot') body = (await import('../view/pivot-table.js')).renderPivot(host, data);
  else if (part === 'series') {
    const { renderSeries, seriesOf } = await import('../view/line-chart.js');
    body = renderSeries(host, seriesOf(data), data.timeZone !== null);
  } else if (part === 'chart') {
    const { renderChart } = await import('../view/chart.js');
    body = renderChart(host, data.config, data.result, data.fields);
  } else body = firstRows(host, data, settings.rows);
  return h('div', { className: `gadget-part gadget-${part}`, 'data-part': part }, summary,
    body ?? h('p', { className: 'empty' }, 'No issues match this report.'));
}

/**
 * The first rows of the report's table, in its order, with the totals of all its rows.
 * @param {Host} host
 * @param {state.Held} data
 * @param {number} count
 */
function firstRows(host, data, count) {
  const columns = extraColumns(data.config)
    .map((id) => data.fields.get(id) ?? { id, name: fieldName(data.fields, id) });
  const rows = data.result.rows.slice(0, count);
  const head = h('tr', null, h('th', { scope: 'col' }, 'Key'),
    columns.map((field) => h('th', { scope: 'col' }, fieldName(data.fields, field.id))));
  const body = rows.map((issue) => h('tr', null, h('td', null, issueLink(host, issue.key)),
    columns.map((field) => h('td', null, cellContent(issue, field)))));
  const total = data.result.totals;
  const more = total.count > rows.length
    ? ` (first ${formatNumber(rows.length, 0)} shown)` : '';
  const foot = h('tr', null, h('td', { colSpan: columns.length + 1 },
    h('strong', null, `Total: ${issueCount(total.count)}`), more, ' ',
    aggregateChips(data.fields, total.values)));
  return h('table', { className: 'report-table gadget-table', 'data-testid': 'gadget-table' },
    h('thead', null, head), h('tbody', null, body), h('tfoot', null, foot));
}
