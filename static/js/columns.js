// The engine's per-issue values of a report's fields (numbers, group key codes), made once.
// @ts-check
import {bucketKey} from './buckets.js';
import {fieldKind, fieldNumber, fieldValue, kindSpec} from './fields.js';
import {formatDate} from './formats.js';
import {browserTimeZone, dayReader} from './zones.js';

/**
 * @typedef {import('./fields.js').Field} Field
 * @typedef {import('./fields.js').Issue} Issue
 * @typedef {import('./fields.js').KindSpec} KindSpec
 * @typedef {import('./buckets.js').Interval} Interval
 * @typedef {string|{field: string, interval: Interval}} GroupEntry  a groupBy entry
 * @typedef {{id: string, spec: KindSpec, labels: Map<string, string>, nums?: Float64Array,
 *   codes?: Int32Array, keys?: string[], items?: any[], several?: Map<number, number[]>,
 *   time?: (issue: Issue) => number, dayOf?: (time: number) => number}} Column
 *   Per field: labels memoises group labels; nums holds each kept issue's number; codes each
 *   kept issue's group key as an index into keys and items (0: empty; -1: several values,
 *   whose codes are in `several`). time and dayOf: a calendar bucket column's date of an
 *   issue (epoch ms, NaN when none) and its day, which decides the bucket.
 * @typedef {{fields: Map<string, Field>, columns: Map<string, Column>, locale?: string,
 *   timeZone: string, priorityRank: Map<string, number>, collator: Intl.Collator,
 *   multiValued: boolean, kept: Issue[]}} Context
 *   kept: the issues that pass the filters, in input order. The engine refers to an issue by
 *   its position there, and walks kept in that order to work values out: memory order is
 *   much faster to walk than sorted order. timeZone: the IANA zone date buckets are made in.
 * @typedef {{priorityOrder?: string[], locale?: string, timeZone?: string}} ContextOptions
 */

/** @param {Map<string, Field>} fields @param {ContextOptions} options @returns {Context} */
export function makeContext(fields, {priorityOrder = [], locale = undefined,
  timeZone = undefined} = {}) {
  return {
    fields, columns: new Map(), locale, timeZone: timeZone || browserTimeZone(),
    multiValued: false, kept: [],
    priorityRank: new Map(priorityOrder.map((id, index) => [String(id), index])),
    collator: new Intl.Collator(locale, {numeric: true}),
  };
}

/** @param {Context} ctx @param {string} id @returns {Column} */
export function columnOf(ctx, id) {
  let column = ctx.columns.get(id);
  if (!column) {
    column = {id, spec: kindSpec(ctx.fields.get(id) ?? {id}), labels: new Map()};
    ctx.columns.set(id, column);
  }
  return column;
}

/** The field and interval (null when none) of a groupBy entry.
 * @param {GroupEntry} entry @returns {{field: string, interval: Interval|null}} */
export function grouping(entry) {
  return typeof entry === 'string' ? {field: entry, interval: null}
    : {field: entry.field, interval: entry.interval ?? null};
}

/**
 * The column a grouping level groups by. A date or datetime field with an interval groups by
 * calendar bucket, in its own column (its keys differ from the field's); a plain field id, or
 * an interval on a field that holds no date, groups by the field's own keys (a date per day).
 * @param {Context} ctx @param {GroupEntry} entry @returns {Column}
 */
export function groupColumn(ctx, entry) {
  const {field, interval} = grouping(entry);
  const kind = fieldKind(ctx.fields.get(field) ?? {id: field});
  const dayOf = dayReader(kind, ctx.timeZone);
  // A datetime's day is the user's Jira day, the one its drill-down JQL reads, not the
  // browser's: a plain datetime groups by the 'day' bucket.
  const bucket = interval ?? (kind === 'datetime' ? 'day' : null);
  if (!bucket || !dayOf) return columnOf(ctx, field);
  const id = `${field}/${bucket}`;
  let column = ctx.columns.get(id);
  if (!column) {
    const {spec} = columnOf(ctx, field);
    const number = /** @type {(value: any) => number} */ (spec.number);  // date kinds have one
    column = {id: field, spec: bucketSpec(spec, bucket, dayOf, !interval), labels: new Map(),
      time: (issue) => fieldNumber(issue, field, number), dayOf};
    ctx.columns.set(id, column);
  }
  return column;
}

/**
 * A date kind grouped by calendar bucket: an item's key and label are its bucket's key
 * ('2026-01', '2026-W05'), ranked by its day so that buckets run in time order.
 * @param {KindSpec} spec @param {Interval} interval @param {(time: number) => number} dayOf
 * @param {boolean} dated labels as the locale writes a date (a plain datetime's day)
 * @returns {KindSpec}
 */
function bucketSpec(spec, interval, dayOf, dated) {
  const key = (/** @type {{time: number}} */ item) => bucketKey(dayOf(item.time), interval);
  const label = dated ? (item, locale) => formatDate(key(item), locale) : key;
  return {...spec, key, label, rank: (item) => dayOf(item.time), numeric: true};
}

/** The non-empty values of a column on an issue. @param {Issue} issue @param {Column} column */
export function itemsOf(issue, column) {
  return column.spec.items(fieldValue(issue, column.id));
}

/**
 * `work(value)` for a column's value on an issue. A value that is an object (a status, a user,
 * a priority…) is usually the very object many issues share (the loader keeps one copy of
 * each), so the answer for it is remembered by identity: each is worked out once.
 * @template T
 * @param {Column} column
 * @param {(value: any) => T} work
 * @returns {(issue: Issue) => T}
 */
export function perValue(column, work) {
  const memo = new Map();
  return (issue) => {
    const value = fieldValue(issue, column.id);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return work(value);
    if (memo.has(value)) return memo.get(value);
    const answer = work(value);
    memo.set(value, answer);
    return answer;
  };
}

/**
 * A column's number per kept issue (NaN when it has none), shared by sorting and aggregating.
 * @param {Column} column
 * @param {Issue[]} kept
 * @returns {Float64Array}
 */
export function numbersOf(column, kept) {
  if (column.nums) return column.nums;
  const {num, number} = column.spec;
  const nums = new Float64Array(kept.length).fill(NaN);
  if (number) {
    kept.forEach((issue, pos) => { nums[pos] = fieldNumber(issue, column.id, number); });
  } else if (num) {
    kept.forEach((issue, pos) => {
      const items = itemsOf(issue, column);
      if (items.length) nums[pos] = num(items[0]);
    });
  }
  return (column.nums = nums);
}

/**
 * Give a column each kept issue's group key as a code (see Column).
 * @param {Column} column
 * @param {Issue[]} kept
 * @returns {Column}
 */
export function keyColumn(column, kept) {
  const codes = new Int32Array(kept.length);
  const codeOf = new Map([['', 0]]);
  const keys = [''];
  const items = [undefined];
  const several = new Map();
  const code = (/** @type {any} */ item) => {
    const key = column.spec.key(item);
    let known = codeOf.get(key);
    if (known === undefined) {
      codeOf.set(key, (known = keys.length));
      keys.push(key);
      items.push(item);
    }
    return known;
  };
  const {time, dayOf} = column;
  const codesOf = time && dayOf ? byDay(column.id, time, dayOf, code) : byValue(column, code);
  kept.forEach((issue, pos) => {
    const found = codesOf(issue);
    if (typeof found !== 'number') several.set(pos, found);
    codes[pos] = typeof found === 'number' ? found : -1;
  });
  return Object.assign(column, {codes, keys, items, several});
}

/** `work(item)` for each item of a column's value on an issue: a list when several.
 * @template T @param {Column} column @param {(item: any) => T} work */
const byValue = (column, work) => perValue(column, (value) => {
  const values = column.spec.items(value);
  return values.length > 1 ? values.map(work) : values.length && work(values[0]);
});

/** `work(item)` for a bucket column's item, once per day: the day of the date the loader read
 * decides the bucket, so no other issue of it makes an item (as date kinds make them). 0: none.
 * @template T @param {string} id @param {(issue: Issue) => number} time
 * @param {(time: number) => number} dayOf @param {(item: {text: string, time: number}) => T} work
 * @returns {(issue: Issue) => T|0} */
function byDay(id, time, dayOf, work) {
  /** @type {Map<number, T>} */
  const known = new Map();
  return (issue) => {
    const at = time(issue);
    const day = dayOf(at);
    if (Number.isNaN(day)) return 0;
    let answer = known.get(day);
    if (answer !== undefined) return answer;
    known.set(day, (answer = work({text: String(fieldValue(issue, id)), time: at})));
    return answer;
  };
}
