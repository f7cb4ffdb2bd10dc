// The engine's pivot: one field's values as rows, another's as columns; counts, sums or averages.
// @ts-check
import {columnOf, keyColumn, makeContext, numbersOf} from './columns.js';
import {otherLevel} from './drill.js';
import {compareBuckets, labelled} from './groups.js';

/**
 * @typedef {import('./fields.js').Field} Field
 * @typedef {import('./fields.js').Issue} Issue
 * @typedef {import('./columns.js').Column} Column
 * @typedef {import('./columns.js').Context} Context
 * @typedef {import('./drill.js').DrillLevel} DrillLevel
 * @typedef {import('./report.js').Pivot} PivotConfig  the report's "pivot" block
 * @typedef {PivotConfig['value']['function']} PivotFunction
 * @typedef {{count: number, value: number|null}} PivotCell
 *   count: the issues counted there; value: that count, the sum of the value field's numbers
 *   (0 when none), or their average over the issues that have one (null when none)
 * @typedef {{key: string, label: string, level: DrillLevel, total: PivotCell}} PivotHeader
 *   A row or a column: total is its Total cell, level what drill-down writes for it.
 * @typedef {{rows: PivotHeader[], columns: PivotHeader[], cells: PivotCell[][],
 *   total: PivotCell, other: boolean, multiValued: boolean}} PivotResult
 *   cells[r][c] is rows[r] × columns[c]; with `other`, the last column is "Other": the issues
 *   under none of the shown columns. Totals count an issue once, so when multiValued (an issue
 *   counted under several values of a field) a total can be less than the sum of its cells.
 * @typedef {'total'|'field'} PivotOrder  largest total first, or the field's own order
 * @typedef {import('./columns.js').ContextOptions
 *   & {order?: {rows?: PivotOrder, columns?: PivotOrder}}} PivotOptions  order: 'field' unless said
 * @typedef {Required<import('./groups.js').Keyed> & {code: number, total: PivotCell,
 *   level?: DrillLevel}} Head  a row or column being made; level: Other's
 * @typedef {{fn: PivotFunction, nums: Float64Array|null, width: number, rowTotals: Float64Array,
 *   columnTotals: Float64Array, cells: Map<number, Float64Array>, grand: Float64Array}} Tally
 *   Running [count, sum, numbers] per cell (keyed row code × width + column code), per row and
 *   per column code (Other's code is the column field's key count), and overall.
 */

export const DEFAULT_MAX_COLUMNS = 12;
export const OTHER_LABEL = 'Other';
const NO_STATS = new Float64Array(3);

/**
 * The pivot of a report's issues (computeReport's rows: the filters applied).
 * @param {PivotConfig} pivot @param {Issue[]} issues @param {Map<string, Field>} fields
 * @param {PivotOptions} [options] @returns {PivotResult}
 */
export function computePivot(pivot, issues, fields, options = {}) {
  const ctx = makeContext(fields, options);
  ctx.kept = issues;
  const keyed = /** @type {[Column, Column]} */ ([pivot.rows, pivot.columns]
    .map((id) => keyColumn(columnOf(ctx, id), issues)));
  const tally = newTally(pivot.value, keyed, ctx);
  const multiValued = tallyIssues(tally, keyed, issues.length);
  const order = options.order ?? {};
  const rows = sortHeads(heads(tally.rowTotals, keyed[0], tally, ctx), order.rows);
  const all = heads(tally.columnTotals, keyed[1], tally, ctx);
  const shown = pickColumns(all, tally.fn, pivot.maxColumns ?? DEFAULT_MAX_COLUMNS);
  const columns = sortHeads(shown, order.columns);
  const other = shown.length < all.length;
  if (other) columns.push(otherColumn(tally, keyed, shown, issues.length));
  return {
    rows: rows.map((head) => header(head, keyed[0])),
    columns: columns.map((head) => header(head, keyed[1])),
    cells: rows.map((row) => columns.map((col) => cellAt(tally, row.code, col.code))),
    total: cellOf(tally.fn, tally.grand, 0), other, multiValued,
  };
}

/** @param {PivotConfig['value']} value @param {[Column, Column]} keyed @param {Context} ctx
 * @returns {Tally} */
function newTally(value, [rows, columns], ctx) {
  const {function: fn = 'count', field = null} = value ?? {};
  const nums = fn !== 'count' && field ? numbersOf(columnOf(ctx, field), ctx.kept) : null;
  const [rowKeys, columnKeys] = [rows.keys ?? [], columns.keys ?? []];
  const width = columnKeys.length + 1;
  return {fn, nums, width, rowTotals: new Float64Array(3 * rowKeys.length),
    columnTotals: new Float64Array(3 * width), cells: new Map(), grand: new Float64Array(3)};
}

/** Count every issue into its cells, rows, columns and the grand total, each once.
 * @param {Tally} tally @param {[Column, Column]} keyed @param {number} n
 * @returns {boolean} whether an issue counted under several values of a field */
function tallyIssues(tally, [rows, columns], n) {
  let multiValued = false;
  const [rowCodes, colCodes] = [[0], [0]];
  for (let pos = 0; pos < n; pos++) {
    const rs = codesAt(rows, pos, rowCodes);
    const cs = codesAt(columns, pos, colCodes);
    if (rs.length > 1 || cs.length > 1) multiValued = true;
    for (const r of rs) {
      for (const c of cs) addStat(cellStats(tally, r * tally.width + c), 0, tally.nums, pos);
      addStat(tally.rowTotals, 3 * r, tally.nums, pos);
    }
    for (const c of cs) addStat(tally.columnTotals, 3 * c, tally.nums, pos);
    addStat(tally.grand, 0, tally.nums, pos);
  }
  return multiValued;
}

/** An issue's distinct key codes in a keyed column (see Column); `one` is reused for the
 * usual single code. @param {Column} column @param {number} pos @param {number[]} one */
function codesAt(column, pos, one) {
  const code = column.codes?.[pos] ?? 0;
  if (code >= 0) {
    one[0] = code;
    return one;
  }
  const list = column.several?.get(pos) ?? [];
  return list.every((c, at) => list.indexOf(c) === at) ? list : [...new Set(list)];
}

/** @param {Tally} tally @param {number} id @returns {Float64Array} */
function cellStats(tally, id) {
  let stats = tally.cells.get(id);
  if (!stats) tally.cells.set(id, (stats = new Float64Array(3)));
  return stats;
}

/** Add an issue to running [count, sum, numbers] at `at`; NaN adds to the count only.
 * @param {Float64Array} stats @param {number} at @param {Float64Array|null} nums
 * @param {number} pos */
function addStat(stats, at, nums, pos) {
  stats[at] += 1;
  const x = nums ? nums[pos] : NaN;
  if (!(x <= Infinity)) return;
  stats[at + 1] += x;
  stats[at + 2] += 1;
}

/** @param {PivotFunction} fn @param {Float64Array} stats @param {number} at @returns {PivotCell} */
function cellOf(fn, stats, at) {
  const [count, sum, numbers] = [stats[at], stats[at + 1], stats[at + 2]];
  if (fn === 'count') return {count, value: count};
  return {count, value: fn === 'sum' ? sum : numbers ? sum / numbers : null};
}

/** @param {Tally} tally @param {number} row @param {number} column */
const cellAt = (tally, row, column) =>
  cellOf(tally.fn, tally.cells.get(row * tally.width + column) ?? NO_STATS, 0);

/** The values of a keyed column that counted issues, labelled, in the field's own order.
 * @param {Float64Array} totals @param {Column} column @param {Tally} tally @param {Context} ctx
 * @returns {Head[]} */
function heads(totals, column, tally, ctx) {
  const {keys = [''], items = [undefined]} = column;
  /** @type {Head[]} */
  const made = [];
  keys.forEach((key, code) => {
    if (!totals[3 * code]) return;
    const head = {key, item: items[code], code, total: cellOf(tally.fn, totals, 3 * code)};
    made.push(/** @type {Head} */ (labelled(head, column, ctx)));
  });
  return made.sort((a, b) => compareBuckets(a, b, column, ctx.collator));
}

/** Largest total first, ties (and 'field') in the field's order, as `heads` left them.
 * @param {Head[]} list @param {PivotOrder} [order] */
function sortHeads(list, order) {
  const size = (/** @type {Head} */ h) => h.total.value ?? -Infinity;
  return order === 'total' ? list.slice().sort((a, b) => size(b) - size(a)) : list.slice();
}

/** The `max` columns with the largest totals (issue counts for avg, whose totals are no
 * size), in the field's order. @param {Head[]} all @param {PivotFunction} fn @param {number} max */
function pickColumns(all, fn, max) {
  if (all.length <= max) return all;
  const size = (/** @type {Head} */ h) => (fn === 'avg' ? h.total.count : h.total.value ?? 0);
  const kept = new Set(all.slice().sort((a, b) => size(b) - size(a)).slice(0, max));
  return all.filter((head) => kept.has(head));
}

/**
 * "Other": the issues under none of the shown columns, counted in one more pass.
 * @param {Tally} tally @param {[Column, Column]} keyed the row and column field's columns
 * @param {Head[]} shown @param {number} n @returns {Head}
 */
function otherColumn(tally, [rows, columns], shown, n) {
  const code = tally.width - 1;
  const isShown = new Uint8Array(code);
  for (const head of shown) isShown[head.code] = 1;
  const [rowCodes, colCodes] = [[0], [0]];
  for (let pos = 0; pos < n; pos++) {
    if (codesAt(columns, pos, colCodes).some((c) => isShown[c])) continue;
    for (const r of codesAt(rows, pos, rowCodes)) {
      addStat(cellStats(tally, r * tally.width + code), 0, tally.nums, pos);
    }
    addStat(tally.columnTotals, 3 * code, tally.nums, pos);
  }
  return {key: '', item: undefined, label: OTHER_LABEL, rank: 0, code,
    level: otherLevel(columns.id, shown, !isShown[0] && tally.columnTotals[0] > 0),
    total: cellOf(tally.fn, tally.columnTotals, 3 * code)};
}

/** @param {Head} head @param {Column} column @returns {PivotHeader} */
function header({key, item, label, total, level}, column) {
  return {key, label, level: level ?? {field: column.id, key, item}, total};
}
