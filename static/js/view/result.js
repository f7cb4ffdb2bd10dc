// The computed report on screen: summary, notes, pivot, time series, chart, and the table.
// @ts-check
import { fieldName, issueCount } from './cells.js';
import { renderChart } from './chart.js';
import { button, formatNumber, h } from '../ui/dom.js';
import { renderSeries, seriesOf } from './line-chart.js';
import { renderPivot } from './pivot-table.js';
import * as state from './state.js';
import { renderTable } from './table.js';

export const MULTI_VALUED_NOTE = 'An issue with several values in a grouped field appears in each '
  + 'of its groups; the grand total counts it once.';

/**
 * @param {string} testid
 * @param {string} text
 */
const note = (testid, text) => h('p', { className: 'note', 'data-testid': testid }, text);

/** Keys named in the note before "and N more". */
const NAMED_UNLOADED = 10;

/**
 * The note naming the issues Jira matched but could not return.
 * @param {string[]} keys
 */
function unloadedNote(keys) {
  const named = keys.slice(0, NAMED_UNLOADED).join(', ');
  const more = keys.length > NAMED_UNLOADED
    ? ` and ${formatNumber(keys.length - NAMED_UNLOADED, 0)} more` : '';
  return `${issueCount(keys.length)} could not be loaded: ${named}${more}. `
    + 'Refresh to try again.';
}

/**
 * The result of the open report, or null when nothing is held.
 * @param {import('../host/host.js').Host} host
 */
export function renderResult(host) {
  const data = state.current();
  if (!data) return null;
  const { config, result, fields, issues, unloaded } = data;
  const filtered = result.rows.length !== issues.length
    ? ` (filtered from ${formatNumber(issues.length, 0)} loaded)` : '';
  const excluded = unloaded.length
    ? `, excluding ${issueCount(unloaded.length)} that could not be loaded` : '';
  const tableWrap = h('div', { className: 'table-holder' }, renderTable(host));
  return h('section', { className: 'result', 'aria-label': 'Report result' },
    h('p', { className: 'summary', 'data-testid': 'summary' },
      h('strong', null, issueCount(result.totals.count)), filtered, excluded),
    data.note ? note('load-note', data.note) : null,
    unloaded.length ? note('unloaded-note', unloadedNote(unloaded)) : null,
    result.multiValued ? note('multi-valued-note', MULTI_VALUED_NOTE) : null,
    filterMisses(data).map((text) => note('filter-note', text)),
    reportKinds(host, data),
    renderChart(host, config, result, fields),
    result.groups.length ? groupTools(host, tableWrap) : null,
    result.rows.length ? tableWrap
      : h('p', { className: 'empty' }, 'No issues match this report.'));
}

/**
 * The report's pivot and time series, shown above its table when it has them.
 * @param {import('../host/host.js').Host} host
 * @param {state.Held} data
 */
function reportKinds(host, data) {
  const { pivot, timeSeries } = /** @type {any} */ (data.config);
  return [pivot ? renderPivot(host, data) : null,
    timeSeries ? renderSeries(host, seriesOf(data), data.timeZone !== null) : null];
}

/**
 * Filter values no loaded issue has: most likely mistyped, so say which.
 * @param {state.Held} data
 */
function filterMisses(data) {
  return data.config.filters.flatMap((filter) => {
    const field = data.fields.get(filter.field) ?? { id: filter.field, name: filter.field };
    const present = state.valueOptions(data.reportId, field);
    const missing = filter.values.filter((value) => !present.has(value)).map((v) => `“${v}”`);
    if (!missing.length) return [];
    return [`No loaded issue has ${fieldName(data.fields, filter.field)} ${missing.join(', ')}.`];
  });
}

/**
 * Expand all / Collapse all, which re-render the table.
 * @param {import('../host/host.js').Host} host
 * @param {HTMLElement} tableWrap
 */
function groupTools(host, tableWrap) {
  /** @param {boolean} expanded */
  const setAll = (expanded) => {
    state.setAllExpanded(expanded);
    tableWrap.replaceChildren(renderTable(host) ?? '');
  };
  const limit = formatNumber(state.COLLAPSE_ABOVE, 0);
  const collapsedNote = state.current()?.expandAll ? null
    : h('span', { className: 'hint' }, `Groups start collapsed above ${limit} issues.`);
  return h('div', { className: 'group-tools' },
    button('expand-all', 'Expand all', () => setAll(true), { className: 'subtle' }),
    button('collapse-all', 'Collapse all', () => setAll(false), { className: 'subtle' }),
    collapsedNote);
}
