// The engine's pivot: one field's values as rows, another's as columns; counts, sums or averages.
// @ts-check
import {columnOf, keyCodes, keyColumn, makeContext, numbersOf} from './columns.js';
import {groupColumn} from './dated.js';
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
 * @typedef {{nums: Float64Array, fold: Int32Array, width: number, cells: Float64Array,
 *   rowTotals: Float64Array, columnTotals: Float64Array, grand: Float64Array}} Tally
 *   Running [count, sum, numbers] per cell (row code × width + place), row code, place and
 *   overall. fold: each column key code's place, among the shown ones or Other's (the last).
 */

export const DEFAULT_MAX_COLUMNS = 12;
export const OTHER_LABEL = 'Other';
/** A row field every issue is empty in: the pivot of the columns alone. */
const ONE_ROW = /** @type {Column} */ ({id: '', labels: new Map()});

/**
 * The pivot of a report's issues (computeReport's rows: the filters applied). The columns
 * shown are known before the issues are counted, so each is counted straight into its cell.
 * @param {PivotConfig} pivot @param {Issue[]} issues @param {Map<string, Field>} fields
 * @param {PivotOptions} [options] @returns {PivotResult}
 */
export function computePivot(pivot, issues, fields, options = {}) {
  const ctx = makeContext(fields, options);
  ctx.kept = issues;
  const keyed = /** @type {[Column, Column]} */ ([pivot.rows, pivot.columns]
    .map((id) => keyColumn(groupColumn(ctx, id), issues)));
  const {function: fn = 'count', field = null} = pivot.value ?? {};
  const nums = fn !== 'count' && field ? numbersOf(columnOf(ctx, field), issues)
    : new Float64Array(issues.length).fill(NaN);
  const max = pivot.maxColumns ?? DEFAULT_MAX_COLUMNS;
  const {codes, folded} = showColumns(keyed[1], {fn, nums, max, ctx}, issues.length);
  const tally = newTally(nums, keyed, codes);
  const multiValued = tallyIssues(tally, keyed, issues.length);
  const order = options.order ?? {};
  const rows = sortHeads(heads(tally.rowTotals, keyed[0], fn, ctx), order.rows);
  const shown = heads(tally.columnTotals, keyed[1], fn, ctx, codes);
  const columns = sortHeads(shown, order.columns);
  if (folded.length) columns.push(otherHead(tally, fn, keyed[1], {shown, folded}));
  return {
    rows: rows.map((head) => header(head, keyed[0])),
    columns: columns.map((head) => header(head, keyed[1])),
    cells: rows.map((row) => columns.map((col) => cellAt(tally, fn, row.code, col.code))),
    total: cellOf(fn, tally.grand, 0), other: folded.length > 0, multiValued,
  };
}

/**
 * The column key codes shown, by place, and the columns folded into Other: the `max` with the
 * largest totals (issue counts for avg, whose totals are no size), in the field's order. Only
 * a field with more values than `max` needs their totals: the issues counted in one row.
 * @param {Column} column @param {{fn: PivotFunction, nums: Float64Array, max: number,
 *   ctx: Context}} how @param {number} n @returns {{codes: number[], folded: Head[]}}
 */
function showColumns(column, {fn, nums, max, ctx}, n) {
  const every = Array.from({length: column.keys?.length ?? 1}, (_, code) => code);
  if (every.length <= max) return {codes: every, folded: []};
  const alone = newTally(nums, [ONE_ROW, column], every);
  tallyIssues(alone, [ONE_ROW, column], n);
  const all = heads(alone.columnTotals, column, fn, ctx);
  const size = (/** @type {Head} */ h) => (fn === 'avg' ? h.total.count : h.total.value ?? 0);
  const shown = new Set(all.slice().sort((a, b) => size(b) - size(a)).slice(0, max));
  return {codes: all.filter((h) => shown.has(h)).map((h) => h.code),
    folded: all.filter((h) => !shown.has(h))};
}

/** @param {Float64Array} nums @param {[Column, Column]} keyed @param {number[]} codes
 * the column key codes shown, by place @returns {Tally} */
function newTally(nums, [rows, columns], codes) {
  const width = codes.length + 1;
  const fold = new Int32Array((columns.keys?.length ?? 1) + 1).fill(codes.length);
  codes.forEach((code, place) => { fold[code] = place; });
  const rowCount = rows.keys?.length ?? 1;
  return {nums, fold, width, cells: new Float64Array(3 * rowCount * width),
    rowTotals: new Float64Array(3 * rowCount), columnTotals: new Float64Array(3 * width),
    grand: new Float64Array(3)};
}

/** Count every issue into its cells, rows, columns and the grand total, each once.
 * @param {Tally} tally @param {[Column, Column]} keyed @param {number} n @returns {boolean}
 * whether an issue counted under several values of a field */
function tallyIssues(tally, keyed, n) {
  const {nums, fold, width, cells, rowTotals, columnTotals, grand} = tally;
  const [rowCodes, columnCodes] = keyed.map((column) => column.codes ?? new Int32Array(n));
  let multiValued = false;
  for (let pos = 0; pos < n; pos++) {
    const [row, code, x] = [rowCodes[pos], columnCodes[pos], nums[pos]];
    if (row >= 0 && code >= 0) {
      const place = fold[code];
      addStat(cells, 3 * (row * width + place), x);
      addStat(rowTotals, 3 * row, x);
      addStat(columnTotals, 3 * place, x);
    } else if (tallySeveral(tally, keyed, pos, x)) multiValued = true;
    addStat(grand, 0, x);
  }
  return multiValued;
}

/** Count an issue with several values in a field under each distinct row and column place,
 * and under Other only when none of its values is shown.
 * @param {Tally} tally @param {[Column, Column]} keyed @param {number} pos @param {number} x
 * @returns {boolean} whether it has several distinct values */
function tallySeveral(tally, [rows, columns], pos, x) {
  const {fold, width} = tally;
  const [rowCodes, columnCodes] = [keyCodes(rows, pos, [0]), keyCodes(columns, pos, [0])];
  const places = [];
  for (const code of columnCodes) if (fold[code] < width - 1) places.push(fold[code]);
  if (!places.length) places.push(width - 1);
  for (const row of rowCodes) {
    for (const place of places) addStat(tally.cells, 3 * (row * width + place), x);
    addStat(tally.rowTotals, 3 * row, x);
  }
  for (const place of places) addStat(tally.columnTotals, 3 * place, x);
  return rowCodes.length > 1 || columnCodes.length > 1;
}

/** Add an issue's number to running [count, sum, numbers] at `at`; NaN adds to the count only.
 * @param {Float64Array} stats @param {number} at @param {number} x */
function addStat(stats, at, x) {
  stats[at] += 1;
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

/** @param {Tally} tally @param {PivotFunction} fn @param {number} row a row key code
 * @param {number} column a column key code, or Other's */
const cellAt = (tally, fn, row, column) =>
  cellOf(fn, tally.cells, 3 * (row * tally.width + tally.fold[column]));

/** The values of a keyed column that counted issues, labelled, in the field's own order.
 * @param {Float64Array} totals by place @param {Column} column @param {PivotFunction} fn
 * @param {Context} ctx @param {number[]} [codes] the key code at each place; by default the
 * place is the code @returns {Head[]} */
function heads(totals, column, fn, ctx, codes) {
  const {keys = [''], items = [undefined]} = column;
  /** @type {Head[]} */
  const made = [];
  (codes ?? keys.map((_, code) => code)).forEach((code, place) => {
    if (!totals[3 * place]) return;
    const head = {key: keys[code], item: items[code], code, total: cellOf(fn, totals, 3 * place)};
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

/** "Other": the issues under none of the shown columns, as the tally counted them.
 * @param {Tally} tally @param {PivotFunction} fn @param {Column} column the column field's
 * @param {{shown: Head[], folded: Head[]}} heads @returns {Head} */
function otherHead(tally, fn, column, {shown, folded}) {
  // Other's code is the one past the column keys, which fold places last.
  return {key: '', item: undefined, label: OTHER_LABEL, rank: 0, code: tally.fold.length - 1,
    level: otherLevel(column.id, shown, folded.some((head) => head.item === undefined)),
    total: cellOf(fn, tally.columnTotals, 3 * (tally.width - 1))};
}

/** @param {Head} head @param {Column} column @returns {PivotHeader} */
function header({key, item, label, total, level}, column) {
  return {key, label, level: level ?? {field: column.id, key, item}, total};
}
