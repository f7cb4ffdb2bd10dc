// Wall-clock days of instants in an IANA time zone, and of Jira dates, which have no zone.
// @ts-check

const DAY_MS = 86400000;
/** Instant → day functions per zone, each remembering the days it has seen. */
const zones = new Map();

/** The browser's own IANA time zone, for when Jira gives the user none. */
export const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** @param {number} n @param {number} m */
const mod = (n, m) => ((n % m) + m) % m;

/**
 * How a date field's number (epoch ms, as its kind's `number` gives it) becomes a day number:
 * a date's is UTC midnight of its own day; a datetime's is an instant, whose day is its
 * wall-clock date in the zone (the browser's when none is given). NaN stays NaN; null for
 * kinds that hold no date.
 * @param {string} kind @param {string} [timeZone] @returns {((time: number) => number)|null}
 */
export function dayReader(kind, timeZone) {
  if (kind === 'date') return (time) => Math.floor(time / DAY_MS);
  return kind === 'datetime' ? zoneDays(timeZone || browserTimeZone()) : null;
}

/**
 * Instant → local day for one zone. Intl is asked about each UTC day seen, not each issue:
 * zones change offset at most once a day, so a day is known by its offsets before and after
 * its change, if any. Issues come in JQL order, often by date: the last day is kept at hand.
 * @param {string} timeZone @returns {(time: number) => number}
 */
function zoneDays(timeZone) {
  let days = zones.get(timeZone);
  if (days) return days;
  const offsetAt = zoneOffset(timeZone);
  const changes = perDay((day) => dayChange(offsetAt, day));
  let lastDay = NaN;
  let change = {at: Infinity, before: 0, after: 0};
  days = (/** @type {number} */ time) => {
    const utcDay = Math.floor(time / DAY_MS);
    if (utcDay !== lastDay) {
      if (Number.isNaN(utcDay)) return NaN;
      lastDay = utcDay;
      change = changes(utcDay);
    }
    return Math.floor((time + (time < change.at ? change.before : change.after)) / DAY_MS);
  };
  zones.set(timeZone, days);
  return days;
}

/**
 * A UTC day's offsets before and after its change, and when it comes (Infinity: none), found
 * by halving the day down to the second (zones change on whole seconds).
 * @param {(time: number) => number} offsetAt @param {number} day
 * @returns {{at: number, before: number, after: number}}
 */
function dayChange(offsetAt, day) {
  let [low, high] = [day * DAY_MS, (day + 1) * DAY_MS];
  const [before, after] = [offsetAt(low), offsetAt(high)];
  if (before === after) return {at: Infinity, before, after};
  while (high - low > 1000) {  // offsetAt(low) is before's; high's is not
    const middle = low + Math.floor((high - low) / 2000) * 1000;
    if (offsetAt(middle) === before) low = middle;
    else high = middle;
  }
  return {at: high, before, after};
}

/**
 * The instant a JQL date literal ('yyyy-MM-dd' or 'yyyy/MM/dd', ' HH:mm' optional) stands
 * for, NaN when the text is none: a date field's day is its own (UTC midnight, as dayReader
 * reads dates); a datetime's wall-clock time is read in the searching user's time zone, as
 * Jira does (contracts.md, "Drill-down for a date bucket").
 * @param {string} kind @param {string} text @param {string} [timeZone] UTC when absent
 * @returns {number}
 */
export function wallInstant(kind, text, timeZone = 'UTC') {
  const date = /^(\d{4})[-/](\d\d?)[-/](\d\d?)(?:\s+(\d\d?):(\d\d))?$/.exec(text.trim());
  if (!date) return NaN;
  const [year, month, day, hour, minute] = date.slice(1).map((n) => Number(n ?? 0));
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  if (kind === 'date') return wall;
  const offsetAt = zoneOffset(timeZone);
  return wall - offsetAt(wall - offsetAt(wall));  // the offset in force at that instant
}

/** A function of a day number, remembered (keys kept small integers: Maps hash those fast).
 * @template T @param {(day: number) => T} work @returns {(day: number) => T} */
export function perDay(work) {
  /** @type {Map<number, T>} */
  const known = new Map();
  return (day) => {
    let answer = known.get(day | 0);
    if (answer === undefined) known.set(day | 0, (answer = work(day)));
    return answer;
  };
}

/** The zone's offset from UTC (ms) at an instant, read from its wall clock there.
 * @param {string} timeZone @returns {(time: number) => number} */
function zoneOffset(timeZone) {
  const format = new Intl.DateTimeFormat('en-US', {timeZone, hourCycle: 'h23', year: 'numeric',
    month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric'});
  return (time) => {
    /** @type {Record<string, number>} */
    const wall = {};
    for (const {type, value} of format.formatToParts(time)) wall[type] = Number(value);
    const utc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
    return utc - (time - mod(time, 1000));
  };
}
