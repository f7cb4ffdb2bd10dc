// Calendar buckets of days: ISO weeks, months, quarters, years; their keys, ranges and bounds.
// @ts-check
import {civilDays} from './formats.js';
import {perDay} from './zones.js';

/**
 * @typedef {'day'|'week'|'month'|'quarter'|'year'} Interval
 * @typedef {{start: string, end: string}} Bounds  wall-clock 'YYYY-MM-DD HH:mm' strings in the
 *   user's Jira time zone, end exclusive: what JQL compares a date field with in that zone
 * @typedef {{key: (day: number) => string, start: (key: string) => number,
 *   next: (day: number) => number}} Rule  an interval's key of a day, first day of a key, and
 *   first day of the bucket after the one starting on a day (days count from 1970-01-01)
 */

/** @type {readonly Interval[]} */
export const INTERVALS = Object.freeze(['day', 'week', 'month', 'quarter', 'year']);
const DAY_MS = 86400000;

/** @param {number} n @param {number} [width] */
const pad = (n, width = 2) => String(n).padStart(width, '0');
/** @param {number} n @param {number} m */
const mod = (n, m) => ((n % m) + m) % m;

/** [year, month, day] of a day number. @param {number} day */
function civil(day) {
  const d = new Date(day * DAY_MS);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}

/** 'YYYY-MM-DD' of a day number. @param {number} day */
export function dayText(day) {
  const [year, month, date] = civil(day);
  return `${pad(year, 4)}-${pad(month)}-${pad(date)}`;
}

/** The day number of a Jira date 'YYYY-MM-DD': it has no time zone, so it is its own day.
 * NaN when the text is not a date. @param {any} text @returns {number} */
export function dateDay(text) {
  const m = /^(\d{4})-(\d\d)-(\d\d)/.exec(String(text));
  return m ? civilDays(Number(m[1]), Number(m[2]), Number(m[3])) : NaN;
}

/** Monday-based weekday, 0 for Monday: day 0, 1970-01-01, was a Thursday. @param {number} day */
const weekday = (day) => mod(day + 3, 7);
/** The Monday of ISO week 1 of a week-year: the week holding 4 January. @param {number} year */
function weekOne(year) {
  const fourth = civilDays(year, 1, 4);
  return fourth - weekday(fourth);
}

/** ISO 8601 week key: the week-year is the year of the week's Thursday. @param {number} day */
function weekKey(day) {
  const thursday = day - weekday(day) + 3;
  const year = civil(thursday)[0];
  return `${pad(year, 4)}-W${pad(Math.floor((thursday - weekOne(year)) / 7) + 1)}`;
}

/** The first day of the month n months after a day's month. @param {number} day @param {number} n */
function monthsLater(day, n) {
  const [year, month] = civil(day);
  const months = year * 12 + month - 1 + n;
  return civilDays(Math.floor(months / 12), mod(months, 12) + 1, 1);
}

const yearOf = (/** @type {string} */ key) => Number(key.slice(0, 4));

/** @type {Record<Interval, Rule>} */
const RULES = {
  day: {key: dayText, start: dateDay, next: (day) => day + 1},
  week: {key: weekKey, start: (key) => weekOne(yearOf(key)) + (Number(key.slice(6)) - 1) * 7,
    next: (day) => day + 7},
  month: {key: (day) => dayText(day).slice(0, 7),
    start: (key) => civilDays(yearOf(key), Number(key.slice(5, 7)), 1),
    next: (day) => monthsLater(day, 1)},
  quarter: {key: (day) => `${pad(civil(day)[0], 4)}-Q${Math.ceil(civil(day)[1] / 3)}`,
    start: (key) => civilDays(yearOf(key), Number(key.slice(6)) * 3 - 2, 1),
    next: (day) => monthsLater(day, 3)},
  year: {key: (day) => pad(civil(day)[0], 4), start: (key) => civilDays(yearOf(key), 1, 1),
    next: (day) => monthsLater(day, 12)},
};

/** Each interval's key of a day, remembered: a report asks about the same few hundred days. */
const KEYS = /** @type {Record<Interval, (day: number) => string>} */ (Object.fromEntries(
  INTERVALS.map((interval) => [interval, perDay(RULES[interval].key)])));

/** @param {string} interval @returns {Rule} */
function rule(interval) {
  if (!Object.hasOwn(RULES, interval)) throw new RangeError(`unknown interval: ${interval}`);
  return RULES[/** @type {Interval} */ (interval)];
}

/**
 * The key, which is also its label, of the bucket holding a day: '2026-01-31' (day),
 * '2026-W05' (ISO week), '2026-01' (month), '2026-Q1' (quarter) or '2026' (year); '' for
 * NaN (no date, or one that would not parse: the empty group).
 * @param {number} day @param {Interval} interval @returns {string}
 */
export function bucketKey(day, interval) {
  if (Number.isNaN(day)) return '';
  return (KEYS[interval] ?? rule(interval).key)(day);
}

/** The key of the bucket after a bucket. @param {string} key @param {Interval} interval */
export function nextBucket(key, interval) {
  const {start, next} = rule(interval);
  return bucketKey(next(start(key)), interval);
}

/** Every bucket key from first to last, both included, in order.
 * @param {string} first @param {string} last @param {Interval} interval @returns {string[]} */
export function bucketRange(first, last, interval) {
  const {start, next} = rule(interval);
  const [from, to] = [start(first), start(last)];
  const range = [];
  for (let day = from; day <= to; day = next(day)) range.push(bucketKey(day, interval));
  return range;
}

/**
 * A bucket's wall-clock bounds, end exclusive, for a JQL date range: Jira reads
 * "YYYY-MM-DD HH:mm" in the user's time zone, the one the buckets were made in.
 * @param {string} key @param {Interval} interval @returns {Bounds}
 */
export function bucketBounds(key, interval) {
  const {start, next} = rule(interval);
  const first = start(key);
  return {start: `${dayText(first)} 00:00`, end: `${dayText(next(first))} 00:00`};
}
