// The engine's date-bucket columns: a date or datetime field grouped by day, week, month…
// @ts-check
import {bucketKey} from './buckets.js';
import {columnOf, grouping} from './columns.js';
import {fieldKind, fieldNumber, fieldValue} from './fields.js';
import {formatDate} from './formats.js';
import {dayReader} from './zones.js';

/**
 * @typedef {import('./fields.js').Issue} Issue
 * @typedef {import('./fields.js').KindSpec} KindSpec
 * @typedef {import('./buckets.js').Interval} Interval
 * @typedef {import('./columns.js').Column} Column
 * @typedef {import('./columns.js').Context} Context
 * @typedef {import('./columns.js').GroupEntry} GroupEntry
 */

/**
 * The column a grouping level (or a pivot's rows or columns) groups by. A date or datetime
 * field with an interval groups by calendar bucket, in its own column (its keys differ from
 * the field's); a plain field id, or an interval on a field that holds no date, groups by the
 * field's own keys (a date per day).
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
    const time = (/** @type {Issue} */ issue) => fieldNumber(issue, field, number);
    column = {id: field, spec: bucketSpec(spec, bucket, dayOf, !interval), labels: new Map(),
      byItem: (work) => byDay(field, time, dayOf, work)};
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
