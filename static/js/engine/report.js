// Report engine: filters, sorts, groups and aggregates Jira issues for one report config.
// @ts-check
import {columnOf, grouping, keyColumn, makeContext, numbersOf, perValue} from './columns.js';
import {groupColumn} from './dated.js';
import {aggregate, groupLevel, prepareAgg} from './groups.js';

export {grouping} from './columns.js';
export {cellText, fieldKind, fieldValue, groupKeys, statusCategory} from './fields.js';

/**
 * @typedef {import('./fields.js').Field} Field
 * @typedef {import('./fields.js').Issue} Issue
 * @typedef {import('./columns.js').Column} Column
 * @typedef {import('./columns.js').Context} Context
 * @typedef {import('./groups.js').AggFunction} AggFunction
 * @typedef {import('./groups.js').AggValue} AggValue
 *   count: issues with a value; sum: 0 when no numbers; avg/min/max: null when no numbers
 *   (min/max of dates in epoch ms); distinct: distinct non-empty group keys.
 * @typedef {import('./groups.js').Group} Group
 * @typedef {import('./columns.js').GroupEntry} GroupEntry
 *   a field id, or {field, interval} to group a date or datetime field by calendar bucket
 * @typedef {{function: 'count'|'sum'|'avg', field: string|null}} PivotValue
 *   field: null for count; a number field for sum and avg
 * @typedef {{rows: string, columns: string, value: PivotValue, maxColumns?: number}} Pivot
 *   maxColumns: 1..50, default 12; the rest fold into "Other"
 * @typedef {import('./series.js').TimeSeries} TimeSeries
 *   {dates: [FIELD] or [FIELD, FIELD], interval: day|week|month|quarter, cumulative,
 *   value: {function: count|sum, field}}
 * @typedef {{columns?: string[], sort?: {field: string, direction: 'asc'|'desc'}[],
 *   groupBy?: GroupEntry[], filters?: {field: string, values: string[]}[],
 *   aggregations?: {field: string, function: AggFunction}[], pivot?: Pivot,
 *   timeSeries?: TimeSeries}} ReportConfig
 *   groupBy: up to 3 levels are used; filter values are groupKeys keys. pivot and timeSeries
 *   are optional blocks shown above the table.
 * @typedef {{rows: Issue[], groups: Group[], totals: {count: number, values: AggValue[]},
 *   multiValued: boolean}} ReportResult
 * @typedef {import('./columns.js').ContextOptions} ReportOptions
 *   timeZone: the user's Jira time zone (GET /rest/api/3/myself), the browser's when absent
 */

const MAX_GROUP_LEVELS = 3;

/**
 * Filter, sort, group and aggregate issues as the config says.
 * @param {ReportConfig} config
 * @param {Issue[]} issues
 * @param {Map<string, Field>} fields
 * @param {ReportOptions} [options]
 * @returns {ReportResult}
 */
export function computeReport(config, issues, fields, options = {}) {
  const ctx = makeContext(fields, options);
  ctx.kept = filterIssues(issues, config.filters ?? [], ctx);
  const aggs = (config.aggregations ?? []).map((a) => prepareAgg(a, ctx));
  const levels = (config.groupBy ?? []).slice(0, MAX_GROUP_LEVELS)
    .map((entry) => keyColumn(groupColumn(ctx, entry), ctx.kept));
  const order = sortOrder(config.sort ?? [], ctx);
  const groups = levels.length ? groupLevel(order, levels, 0, aggs, ctx) : [];
  const totals = {count: order.length, values: aggregate(order, aggs, ctx)};
  const rows = order.map((pos) => ctx.kept[pos]);
  return {rows, groups, totals, multiValued: ctx.multiValued};
}

/**
 * The sorted unique field ids a report uses: what the loader asks Jira for.
 * @param {ReportConfig} config
 * @returns {string[]}
 */
export function reportFields(config) {
  const {pivot, timeSeries} = config;
  const ids = [...(config.columns ?? []), ...(config.groupBy ?? []).map((g) => grouping(g).field),
    ...(pivot ? [pivot.rows, pivot.columns, pivot.value.field] : []),
    ...(timeSeries ? [...timeSeries.dates, timeSeries.value.field] : [])];
  for (const list of [config.sort, config.filters, config.aggregations]) {
    for (const entry of list ?? []) ids.push(entry.field);
  }
  const named = /** @type {string[]} */ (ids.filter(Boolean));  // a count's field is null
  return [...new Set(named)].sort();
}

/**
 * The issues passing every filter (AND); a filter passes on any of the issue's values.
 * @param {Issue[]} issues
 * @param {{field: string, values: string[]}[]} filters
 * @param {Context} ctx
 * @returns {Issue[]}
 */
function filterIssues(issues, filters, ctx) {
  if (!filters.length) return issues.slice();
  const tests = filters.map(({field, values}) => {
    const column = columnOf(ctx, field);
    const keys = new Set(values);
    return perValue(column, (value) => passes(column, column.spec.items(value), keys));
  });
  return issues.filter((issue) => tests.every((test) => test(issue)));
}

/** @param {Column} column @param {any[]} items @param {Set<string>} keys */
function passes(column, items, keys) {
  if (!items.length) return keys.has('');
  return items.some((item) => keys.has(column.spec.key(item)));
}

/**
 * Positions of the kept issues in report order. Decorate-sort-undecorate: each rule puts one
 * or two numbers per issue in a flat Float64Array first (its rank, then its label's place
 * unless numeric), direction applied and empty values as +Infinity so they come last either
 * way; the comparator only subtracts. Array sort is stable, so ties keep the JQL order.
 * @param {{field: string, direction: 'asc'|'desc'}[]} rules
 * @param {Context} ctx
 * @returns {number[]}
 */
function sortOrder(rules, ctx) {
  const order = Array.from({length: ctx.kept.length}, (_, pos) => pos);
  if (!rules.length) return order;
  const columns = rules.map((rule) => columnOf(ctx, rule.field));
  const width = columns.reduce((n, column) => n + (column.spec.numeric ? 1 : 2), 0);
  const keys = new Float64Array(order.length * width);
  let at = 0;
  rules.forEach((rule, i) => {
    at += fillKeys(keys, columns[i], {at, width, dir: rule.direction === 'desc' ? -1 : 1}, ctx);
  });
  return order.sort((a, b) => {
    for (let x = a * width, y = b * width, end = x + width; x < end; x++, y++) {
      const diff = keys[x] - keys[y];  // NaN when both are empty: look further
      if (diff) return diff;
    }
    return 0;
  });
}

/**
 * Write one column's sort numbers for every kept issue; answers how many it wrote per issue.
 * @param {Float64Array} keys
 * @param {Column} column
 * @param {{at: number, width: number, dir: number}} place
 * @param {Context} ctx
 */
function fillKeys(keys, column, {at, width, dir}, ctx) {
  const {spec} = column;
  if (spec.numeric) {  // numeric kinds rank by their number, which needs no label
    const nums = numbersOf(column, ctx.kept);
    nums.forEach((n, pos) => { keys[pos * width + at] = Number.isNaN(n) ? Infinity : dir * n; });
    return 1;
  }
  const rankOf = perValue(column, (value) => {
    const item = spec.items(value)[0];
    return item === undefined ? null
      : {rank: spec.rank(item, ctx), label: spec.label(item, ctx.locale)};
  });
  const labels = ctx.kept.map((issue, pos) => {
    const ranked = rankOf(issue);
    keys[pos * width + at] = ranked ? dir * ranked.rank : Infinity;
    return ranked ? ranked.label : null;
  });
  const order = collationOrder(labels, ctx.collator);
  labels.forEach((label, pos) => {
    keys[pos * width + at + 1] = label === null ? Infinity : dir * (order.get(label) ?? 0);
  });
  return 2;
}

/**
 * Each distinct text's place in collation order.
 * @param {(string|null)[]} texts
 * @param {Intl.Collator} collator
 * @returns {Map<string, number>}
 */
function collationOrder(texts, collator) {
  const distinct = /** @type {string[]} */ ([...new Set(texts)].filter((t) => t !== null));
  // A code-unit pre-sort leaves long ordered runs, which cuts the collator's comparisons 2-3x.
  const sorted = distinct.sort().sort(collator.compare);
  return new Map(sorted.map((text, n) => [text, n]));
}
