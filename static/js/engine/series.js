// Time series: issues counted, or a number summed, per calendar bucket of one or two dates.
// @ts-check
import {bucketBounds, bucketKey, bucketRange} from './buckets.js';
import {columnOf, makeContext, numbersOf} from './columns.js';
import {fieldKind, fieldNumber, kindSpec} from './fields.js';
import {dayReader} from './zones.js';

/**
 * @typedef {import('./fields.js').Field} Field
 * @typedef {import('./fields.js').Issue} Issue
 * @typedef {import('./buckets.js').Bounds} Bounds
 * @typedef {'day'|'week'|'month'|'quarter'} SeriesInterval
 * @typedef {{function: 'count'|'sum', field: string|null}} SeriesValue
 *   field: null for count; a number field for sum (issues without a number add nothing)
 * @typedef {{dates: string[], interval: SeriesInterval, cumulative: boolean,
 *   value: SeriesValue}} TimeSeries  a report's "timeSeries": one or two date/datetime fields
 * @typedef {{field: string, name: string, total: number}} Series
 *   one per date field, named after the field (Created, Resolved); total: its sum over the range
 * @typedef {{key: string, label: string, bounds: Bounds, values: number[]}} SeriesBucket
 *   key and label: '2026-01-31', '2026-W05', '2026-01', '2026-Q1'; bounds: the bucket's
 *   wall-clock range for drill-down JQL; values: one per series, in the order of `series`,
 *   running totals when cumulative
 * @typedef {{interval: SeriesInterval, cumulative: boolean, function: 'count'|'sum',
 *   valueField: string|null, timeZone: string, series: Series[], buckets: SeriesBucket[]}}
 *   SeriesResult  buckets run from the bucket of the earliest date to that of the latest over
 *   every series, each one in between present (0 when empty); none when no issue has a date
 * @typedef {{days: Float64Array, min: number, max: number}} Days
 *   each issue's day number of one date field (NaN when none), and the earliest and latest
 */

/**
 * Count issues (or sum a number field over them) per bucket of each date field. Pass the
 * issues the report shows (its rows, after filters); buckets are days in the user's Jira time
 * zone (a Jira date, which has no zone, is its own day).
 * @param {TimeSeries} timeSeries
 * @param {Issue[]} issues
 * @param {Map<string, Field>} fields
 * @param {{timeZone?: string}} [options] timeZone: the user's, the browser's when absent
 * @returns {SeriesResult}
 */
export function computeSeries(timeSeries, issues, fields, {timeZone} = {}) {
  const ctx = makeContext(fields, {timeZone});
  const {dates, interval, value} = timeSeries;
  const sum = value.function === 'sum' && value.field;
  const weights = sum ? numbersOf(columnOf(ctx, sum), issues) : null;
  const lines = dates.map((id) => daysOf(ctx, id, issues));
  const first = Math.min(...lines.map((line) => line.min));
  const last = Math.max(...lines.map((line) => line.max));
  const keys = first <= last
    ? bucketRange(bucketKey(first, interval), bucketKey(last, interval), interval) : [];
  const bucketOfDay = dayBuckets(first, last, keys, interval);
  const values = lines.map((line) => sumByBucket(line.days, weights, bucketOfDay, first,
    keys.length));
  return {
    interval, cumulative: timeSeries.cumulative, function: value.function,
    valueField: sum || null, timeZone: ctx.timeZone,
    series: dates.map((id, s) => ({field: id, name: fields.get(id)?.name ?? id,
      total: values[s].reduce((a, b) => a + b, 0)})),
    buckets: bucketsOf(keys, interval, timeSeries.cumulative ? values.map(running) : values),
  };
}

/** @param {import('./columns.js').Context} ctx @param {string} id @param {Issue[]} issues
 * @returns {Days} */
function daysOf(ctx, id, issues) {
  const days = new Float64Array(issues.length).fill(NaN);
  const field = ctx.fields.get(id) ?? {id};
  const dayOf = dayReader(fieldKind(field), ctx.timeZone);
  const time = kindSpec(field).number;
  let [min, max] = [Infinity, -Infinity];
  if (!dayOf || !time) return {days, min, max};
  for (let pos = 0; pos < issues.length; pos++) {  // one pass: read and place each date
    const day = dayOf(fieldNumber(issues[pos], id, time));
    days[pos] = day;
    if (day < min) min = day;
    if (day > max) max = day;
  }
  return {days, min, max};
}

/**
 * Each day's bucket index from `first` to `last`: a bucket's key is worked out once per day,
 * not once per issue.
 * @param {number} first @param {number} last @param {string[]} keys
 * @param {SeriesInterval} interval @returns {Int32Array}
 */
function dayBuckets(first, last, keys, interval) {
  if (!keys.length) return new Int32Array(0);
  const index = new Map(keys.map((key, i) => [key, i]));
  const buckets = new Int32Array(last - first + 1);
  for (let day = first; day <= last; day++) {
    buckets[day - first] = index.get(bucketKey(day, interval)) ?? 0;
  }
  return buckets;
}

/**
 * One series' amount per bucket: 1 per dated issue, or its number (none when it has none).
 * @param {Float64Array} days @param {Float64Array|null} weights @param {Int32Array} bucketOfDay
 * @param {number} first @param {number} size @returns {number[]}
 */
function sumByBucket(days, weights, bucketOfDay, first, size) {
  const sums = new Float64Array(size);
  for (let pos = 0; pos < days.length; pos++) {
    const day = days[pos];
    if (Number.isNaN(day)) continue;  // no date
    const amount = weights ? weights[pos] : 1;
    if (!Number.isNaN(amount)) sums[bucketOfDay[day - first]] += amount;
  }
  return Array.from(sums);
}

/** Running totals of a series' values. @param {number[]} values */
function running(values) {
  let total = 0;
  return values.map((value) => (total += value));
}

/** @param {string[]} keys @param {SeriesInterval} interval @param {number[][]} values
 * @returns {SeriesBucket[]} */
function bucketsOf(keys, interval, values) {
  return keys.map((key, i) => ({key, label: key, bounds: bucketBounds(key, interval),
    values: values.map((series) => series[i])}));
}
