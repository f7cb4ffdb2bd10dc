// The engine's per-issue values of a report's fields (numbers, group key codes), made once.
// @ts-check
import {fieldNumber, fieldValue, kindSpec} from './fields.js';
import {browserTimeZone} from './zones.js';

/**
 * @typedef {import('./fields.js').Field} Field
 * @typedef {import('./fields.js').Issue} Issue
 * @typedef {import('./fields.js').KindSpec} KindSpec
 * @typedef {<T>(work: (item: any) => T) => (issue: Issue) => T|T[]|0} ItemReader
 * @typedef {import('./buckets.js').Interval} Interval
 * @typedef {string|{field: string, interval: Interval}} GroupEntry  a groupBy entry
 * @typedef {{id: string, spec: KindSpec, labels: Map<string, string>, nums?: Float64Array,
 *   codes?: Int32Array, keys?: string[], items?: any[], lists?: number[],
 *   byItem?: ItemReader}} Column
 *   Per field: labels memoises group labels; nums holds each kept issue's number; codes each
 *   kept issue's group key as an index into keys and items (0: empty), or for an issue with
 *   several distinct keys -1 - i, where lists[i] is their count and their codes follow it.
 *   byItem: how a calendar bucket column (dated.js) reaches an issue's item, `work` done once
 *   per day; other columns go by value (byValue).
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
    let answer = memo.get(value);
    if (answer === undefined) memo.set(value, (answer = work(value)));
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
    const {id} = column;
    for (let pos = 0; pos < kept.length; pos++) nums[pos] = fieldNumber(kept[pos], id, number);
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
  const codesOf = column.byItem ? column.byItem(code) : byValue(column, code);
  /** @type {number[]} */
  const lists = [];
  for (let pos = 0; pos < kept.length; pos++) {
    const found = codesOf(kept[pos]);
    codes[pos] = typeof found === 'number' ? found : listed(lists, found);
  }
  return Object.assign(column, {codes, keys, items, lists});
}

/** Add an issue's distinct codes to a column's lists (see Column): its code, or when it has
 * one only, that code. @param {number[]} lists @param {number[]} found @returns {number} */
function listed(lists, found) {
  const distinct = found.filter((code, at) => found.indexOf(code) === at);
  if (distinct.length === 1) return distinct[0];
  const at = lists.length;
  lists.push(distinct.length, ...distinct);
  return -1 - at;
}

/** An issue's distinct key codes in a keyed column; `one` is reused for the usual single code.
 * @param {Column} column @param {number} pos @param {number[]} one @returns {number[]} */
export function keyCodes(column, pos, one) {
  const code = column.codes?.[pos] ?? 0;
  if (code >= 0) {
    one[0] = code;
    return one;
  }
  const {lists = []} = column;
  const at = -1 - code;
  return lists.slice(at + 1, at + 1 + lists[at]);
}

/** `work(item)` for each item of a column's value on an issue: a list when several.
 * @template T @param {Column} column @param {(item: any) => T} work */
const byValue = (column, work) => perValue(column, (value) => {
  const values = column.spec.items(value);
  return values.length > 1 ? values.map(work) : values.length && work(values[0]);
});
