// Pivot view: a <table> of rows × columns with totals and Other, heat shading and an order choice.
// @ts-check
import { aggregateText, fieldName } from './cells.js';
import { formatNumber, h } from '../ui/dom.js';
import { pivotLevels } from '../engine/drill.js';
import { drillLink } from './links.js';
import { choice } from '../editor/pickers.js';
import { computePivot } from '../engine/pivot.js';

/**
 * @typedef {import('../engine/pivot.js').PivotResult} PivotResult
 * @typedef {import('../engine/pivot.js').PivotCell} PivotCell
 * @typedef {import('../engine/pivot.js').PivotHeader} PivotHeader
 * @typedef {import('../engine/pivot.js').PivotOrder} PivotOrder
 * @typedef {import('./state.js').Held} Held
 * @typedef {{rows: PivotOrder, columns: PivotOrder, heat: boolean}} PivotView
 */

export const PIVOT_MULTI_NOTE = 'Issues with several values count under each.';
const HEAT_LEVELS = 4;
const ORDERS = [{ value: 'field', label: 'field order' },
  { value: 'total', label: 'largest total first' }];
const FUNCTION_WORDS = /** @type {Record<string, string>} */ ({ sum: 'Sum', avg: 'Average' });

/** How each report's pivot is shown in this page: its order and shading. */
const views = /** @type {Map<string, PivotView>} */ (new Map());

/** @param {Held} data @returns {PivotView} */
const viewOf = (data) => views.get(data.reportId)
  ?? { rows: 'field', columns: 'field', heat: true };

/**
 * The pivot of the open report's shown issues, in the order chosen in the view.
 * @param {Held} data
 * @returns {PivotResult}
 */
export function pivotOf(data) {
  const { rows, columns } = viewOf(data);
  return computePivot(/** @type {any} */ (data.config).pivot, data.result.rows, data.fields,
    { order: { rows, columns }, locale: navigator.language,
      timeZone: data.timeZone ?? undefined });
}

/**
 * What a pivot counts, e.g. "Issues by Assignee and Status" or "Sum of Story points by …".
 * @param {any} pivot the report's pivot block
 * @param {Map<string, any>} fields
 */
export function pivotTitle(pivot, fields) {
  const { function: fn, field } = pivot.value;
  const what = fn === 'count' ? 'Issues' : `${FUNCTION_WORDS[fn]} of ${fieldName(fields, field)}`;
  return `${what} by ${fieldName(fields, pivot.rows)} and ${fieldName(fields, pivot.columns)}`;
}

/**
 * The pivot figure: order and shading controls, the table, the multi-value note.
 * @param {import('../host/host.js').Host} host
 * @param {Held} data
 */
export function renderPivot(host, data) {
  const holder = h('div', { className: 'table-holder' });
  const draw = () => {
    const result = pivotOf(data);
    holder.replaceChildren(pivotTable(host, data, result, viewOf(data).heat),
      result.multiValued ? h('p', { className: 'note', 'data-testid': 'pivot-multi-note' },
        PIVOT_MULTI_NOTE) : '');
  };
  /** @param {Partial<PivotView>} change */
  const set = (change) => {
    views.set(data.reportId, { ...viewOf(data), ...change });
    draw();
  };
  draw();
  return h('figure', { className: 'pivot', 'data-testid': 'pivot' },
    controls(data, set), holder);
}

/**
 * @param {Held} data
 * @param {(change: Partial<PivotView>) => void} set
 */
function controls(data, set) {
  const view = viewOf(data);
  /** @param {'rows'|'columns'} which @param {string} label */
  const order = (which, label) => h('label', null, `${label} by `,
    choice(ORDERS, view[which], { 'data-testid': `pivot-${which}-order` },
      (/** @type {any} */ value) => set({ [which]: value })));
  const heat = h('input', { type: 'checkbox', 'data-testid': 'pivot-heat',
    checked: view.heat || null, onChange: (/** @type {Event} */ event) =>
      set({ heat: /** @type {HTMLInputElement} */ (event.target).checked }) });
  return h('div', { className: 'group-tools' }, order('rows', 'Rows'),
    order('columns', 'Columns'), h('label', null, heat, ' Heat shading'));
}

/**
 * @param {import('../host/host.js').Host} host
 * @param {Held} data
 * @param {PivotResult} result
 * @param {boolean} heat
 */
function pivotTable(host, data, result, heat) {
  const pivot = /** @type {any} */ (data.config).pivot;
  const { function: fn, field } = pivot.value;
  const top = Math.max(0, ...result.cells.flat().map((cell) => cell.value ?? 0));
  /** @param {PivotCell} cell @param {PivotHeader|null} row @param {PivotHeader|null} column */
  const td = (cell, row, column) => {
    const shade = heat && row && column ? heatClass(cell.value, top) : '';
    const text = fn === 'count' ? formatNumber(cell.count, 0)
      : aggregateText(data.fields, { field, function: fn, value: cell.value });
    return h('td', { className: `num ${shade}`.trim() }, cell.count
      ? drillLink(host, pivotLevels(row, column), text) : text);
  };
  const head = h('tr', null, h('th', { scope: 'col' }, fieldName(data.fields, pivot.rows)),
    result.columns.map((column) => h('th', { scope: 'col' }, column.label)),
    h('th', { scope: 'col' }, 'Total'));
  const body = result.rows.map((row, r) => h('tr', null, h('th', { scope: 'row' }, row.label),
    result.cells[r].map((cell, c) => td(cell, row, result.columns[c])), td(row.total, row, null)));
  const foot = h('tr', null, h('th', { scope: 'row' }, 'Total'),
    result.columns.map((column) => td(column.total, null, column)),
    td(result.total, null, null));
  return h('table', { className: 'pivot-table', 'data-testid': 'pivot-table' },
    h('caption', null, pivotTitle(pivot, data.fields)), h('thead', null, head),
    h('tbody', null, body), h('tfoot', null, foot));
}

/**
 * A shading class by a cell's share of the largest cell: heat-1 … heat-4, none for empty.
 * @param {number|null} value
 * @param {number} top
 */
function heatClass(value, top) {
  if (!value || value <= 0 || top <= 0) return '';
  return `heat-${Math.max(1, Math.ceil((value / top) * HEAT_LEVELS))}`;
}
