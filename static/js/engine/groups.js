// The engine's grouping and aggregation: nested groups with their aggregate values, and totals.
// @ts-check
import {columnOf, itemsOf, keyCodes, numbersOf} from './columns.js';

/**
 * @typedef {import('./columns.js').Column} Column
 * @typedef {import('./columns.js').Context} Context
 * @typedef {import('./fields.js').Issue} Issue
 * @typedef {'count'|'sum'|'avg'|'min'|'max'|'distinct'} AggFunction
 * @typedef {{field: string, function: AggFunction, value: number|null}} AggValue
 * @typedef {{field: string, key: string, item: any, label: string, depth: number,
 *   count: number, values: AggValue[], children: Group[], rows: Issue[]}} Group
 *   item: the field's value the group stands for (undefined for the empty group), which
 *   drill-down writes into JQL
 * @typedef {{field: string, function: AggFunction, column: Column, values: Float64Array}} Agg
 *   values by issue position: 1/0 (has a value) for count, the number or NaN for the others
 * @typedef {{key: string, item: any, label?: string, rank?: number}} Keyed  a value to label
 *   and order, its item undefined when empty
 * @typedef {Keyed & {positions: number[], stats: Float64Array}} Bucket
 * @typedef {{column: Column, aggs: Agg[], byCode: Bucket[], made: Bucket[], ctx: Context}} Level
 */

/**
 * One level of groups of the issues at `positions` (and the levels below), the empty group
 * last. Each issue's aggregate values are added to its group's running stats as it joins.
 * @param {number[]} positions in report order
 * @param {Column[]} levels keyed columns (keyColumn)
 * @param {number} depth
 * @param {Agg[]} aggs
 * @param {Context} ctx
 * @returns {Group[]}
 */
export function groupLevel(positions, levels, depth, aggs, ctx) {
  const column = levels[depth];
  /** @type {Level} */
  const level = {column, aggs, byCode: new Array(column.keys?.length ?? 0), made: [], ctx};
  for (const pos of positions) addToBuckets(level, pos);
  const sorted = level.made.map((bucket) => labelled(bucket, column, ctx));
  sorted.sort((a, b) => compareBuckets(a, b, column, ctx.collator));
  return sorted.map((b) => withRows({
    field: column.id, key: b.key, item: b.item, label: b.label ?? '', depth,
    count: b.positions.length,
    values: valuesOf(aggs, b.stats, b.positions, ctx),
    children: depth + 1 < levels.length ? groupLevel(b.positions, levels, depth + 1, aggs, ctx)
      : [],
  }, b.positions, ctx.kept));
}

/**
 * Give a group its `rows` (its issues in report order), made when first read: the table and
 * CSV read those of the last level only, and copying every level's would cost as much as
 * grouping.
 * @param {Omit<Group, 'rows'>} group @param {number[]} positions @param {Issue[]} kept
 * @returns {Group}
 */
function withRows(group, positions, kept) {
  /** @type {Issue[]|null} */
  let rows = null;
  return /** @type {Group} */ (Object.defineProperty(group, 'rows', {enumerable: true,
    get: () => (rows ??= positions.map((pos) => kept[pos]))}));
}

/** @param {Level} level @param {number} pos @returns {number} how many groups it joined */
function addToBuckets(level, pos) {
  const code = level.column.codes?.[pos] ?? 0;
  if (code >= 0) return addTo(level, code, pos);
  let added = 0;
  for (const each of keyCodes(level.column, pos, [0])) added += addTo(level, each, pos);
  if (added > 1) level.ctx.multiValued = true;
  return added;
}

/** Add an issue to the bucket of a key code, once even if a value repeats; 1 when added.
 * @param {Level} level @param {number} code @param {number} pos */
function addTo(level, code, pos) {
  let bucket = level.byCode[code];
  if (!bucket) {
    const {keys = [], items = []} = level.column;
    bucket = {key: keys[code], item: items[code], positions: [], stats: newStats(level.aggs)};
    level.byCode[code] = bucket;
    level.made.push(bucket);
  }
  if (bucket.positions[bucket.positions.length - 1] === pos) return 0;
  bucket.positions.push(pos);
  addStats(bucket.stats, level.aggs, pos);
  return 1;
}

/** The value with its label and rank; labels are memoised (Intl is slow).
 * @template {Keyed} T @param {T} bucket @param {Column} column @param {Context} ctx
 * @returns {T} */
export function labelled(bucket, column, ctx) {
  const {spec, labels} = column;
  const empty = bucket.item === undefined;
  let label = labels.get(bucket.key);
  if (label === undefined) {
    label = empty ? spec.empty : spec.label(bucket.item, ctx.locale);
    labels.set(bucket.key, label);
  }
  return Object.assign(bucket, {label, rank: empty ? 0 : spec.rank(bucket.item, ctx)});
}

/** The field's own order: by rank, then label unless numeric; the empty value last.
 * @param {Keyed} a @param {Keyed} b @param {Column} column @param {Intl.Collator} collator */
export function compareBuckets(a, b, column, collator) {
  if (!a.key !== !b.key) return a.key ? -1 : 1;
  const diff = (a.rank ?? 0) - (b.rank ?? 0);
  if (diff) return diff;
  return column.spec.numeric ? 0 : collator.compare(a.label ?? '', b.label ?? '');
}

/**
 * An aggregation with its input value per kept issue, worked out once.
 * @param {{field: string, function: AggFunction}} aggregation
 * @param {Context} ctx
 * @returns {Agg}
 */
export function prepareAgg({field, function: fn}, ctx) {
  const column = columnOf(ctx, field);
  if (fn === 'distinct') return {field, function: fn, column, values: new Float64Array(0)};
  if (fn !== 'count') return {field, function: fn, column, values: numbersOf(column, ctx.kept)};
  const values = new Float64Array(ctx.kept.length);
  ctx.kept.forEach((issue, pos) => { values[pos] = itemsOf(issue, column).length ? 1 : 0; });
  return {field, function: fn, column, values};
}

/** The aggregate values of the issues at `positions` (the grand totals).
 * @param {number[]} positions @param {Agg[]} aggs @param {Context} ctx @returns {AggValue[]} */
export function aggregate(positions, aggs, ctx) {
  const stats = newStats(aggs);
  for (const pos of positions) addStats(stats, aggs, pos);
  return valuesOf(aggs, stats, positions, ctx);
}

/** @param {Agg[]} aggs @param {Float64Array} stats @param {number[]} positions
 * @param {Context} ctx @returns {AggValue[]} */
function valuesOf(aggs, stats, positions, ctx) {
  return aggs.map((a, i) => ({field: a.field, function: a.function,
    value: a.function === 'distinct' ? distinctKeys(positions, a.column, ctx.kept)
      : fromStats(a.function, stats, i)}));
}

/** Running count, sum, min and max per aggregation, four numbers each in one array.
 * @param {Agg[]} aggs */
function newStats(aggs) {
  const stats = new Float64Array(4 * aggs.length);
  for (let i = 0; i < aggs.length; i++) stats.set([0, 0, Infinity, -Infinity], 4 * i);
  return stats;
}

/** Add one issue's values to running stats (NaN is skipped; distinct has no values).
 * @param {Float64Array} stats @param {Agg[]} aggs @param {number} pos */
function addStats(stats, aggs, pos) {
  for (let i = 0; i < aggs.length; i++) {
    const value = aggs[i].values[pos];
    if (!(value <= Infinity)) continue;
    const at = 4 * i;
    stats[at] += 1;
    stats[at + 1] += value;
    if (value < stats[at + 2]) stats[at + 2] = value;
    if (value > stats[at + 3]) stats[at + 3] = value;
  }
}

/** No numbers → sum 0 (an empty sum), but avg/min/max null (unknown).
 * @param {AggFunction} fn @param {Float64Array} stats @param {number} i */
function fromStats(fn, stats, i) {
  const [n, sum, min, max] = stats.subarray(4 * i, 4 * i + 4);
  if (fn === 'count' || fn === 'sum') return sum;
  if (!n) return null;
  return {avg: sum / n, min, max}[fn] ?? null;
}

/** @param {number[]} positions @param {Column} column @param {Issue[]} kept */
function distinctKeys(positions, column, kept) {
  const keys = new Set();
  for (const pos of positions) {
    for (const item of itemsOf(kept[pos], column)) keys.add(column.spec.key(item));
  }
  return keys.size;
}
