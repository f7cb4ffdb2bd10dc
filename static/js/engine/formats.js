// How Jira's dates, datetimes, durations and numbers are read and written for reports.
// @ts-check

/** @type {[string, number][]} */
const DURATION_UNITS = [['w', 5 * 8 * 3600], ['d', 8 * 3600], ['h', 3600], ['m', 60]];
/** Jira's datetime format, "2026-09-14T10:02:34.255+0200", with every part in range (groups
 * that capture nothing: a test is all that is asked of it, for every issue's dates). */
const JIRA_DATETIME = new RegExp('^\\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])'
  + 'T(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d\\.\\d{3}[+-](?:[01]\\d|2[0-3])[0-5]\\d$');
/** Memoised Intl formatters: building one costs far more than using it. */
const formatters = new Map();

/** Seconds as Jira shows time tracking: 8h days, 5d weeks, e.g. "1w 2d 3h 30m".
 * @param {number} seconds */
export function formatDuration(seconds) {
  let rest = Math.floor(Math.abs(seconds) / 60) * 60;
  const parts = [];
  for (const [unit, size] of DURATION_UNITS) {
    const amount = Math.floor(rest / size);
    rest -= amount * size;
    if (amount) parts.push(amount + unit);
  }
  return (seconds < 0 ? '-' : '') + (parts.join(' ') || '0m');
}

/** @template T @param {string} name @param {string|undefined} locale @param {() => T} make
 * @returns {T} */
function formatter(name, locale, make) {
  const id = `${name}|${locale ?? ''}`;
  let format = formatters.get(id);
  if (!format) formatters.set(id, (format = make()));
  return format;
}

/** @param {number} n @param {string} [locale] */
export const formatNumber = (n, locale) => formatter('number', locale,
  () => new Intl.NumberFormat(locale, {maximumFractionDigits: 2})).format(n);
/** @param {string} [locale] */
const dateFormat = (locale) => formatter('date', locale,
  () => new Intl.DateTimeFormat(locale, {dateStyle: 'medium', timeZone: 'UTC'}));
/** @param {string} [locale] */
const timeFormat = (locale) => formatter('datetime', locale,
  () => new Intl.DateTimeFormat(locale, {dateStyle: 'medium', timeStyle: 'short'}));

/** Epoch ms of a yyyy-mm-dd date at UTC midnight (ISO date-only forms parse as UTC).
 * @param {any} s */
export const dayEpoch = (s) => Date.parse(String(s).slice(0, 10));

/**
 * Epoch ms of a Jira datetime. Jira's own format is read digit by digit (jiraInstant); other
 * forms go to Date.parse, their +0100 offsets made the portable +01:00.
 * @param {any} s
 */
export function parseDateTime(s) {
  const text = String(s);
  const time = jiraInstant(text);
  if (!Number.isNaN(time)) return time;
  const sign = text[text.length - 5];
  return Date.parse(sign === '+' || sign === '-' ? `${text.slice(0, -2)}:${text.slice(-2)}`
    : text);
}

/**
 * Epoch ms of a text in Jira's own datetime format, NaN for any other text. The loader reads
 * each issue's datetimes with it once (slim.js), so reports need not parse them again; it is
 * digit arithmetic, since Date.parse is slower.
 * @param {string} text @returns {number}
 */
export function jiraInstant(text) {
  if (!JIRA_DATETIME.test(text)) return NaN;
  const day = civilDays(two(text, 0) * 100 + two(text, 2), two(text, 5), two(text, 8));
  const local = ((day * 24 + two(text, 11)) * 60 + two(text, 14)) * 60000
    + two(text, 17) * 1000 + two(text, 20) * 10 + text.charCodeAt(22) - 48;
  const offset = (two(text, 24) * 60 + two(text, 26)) * 60000;
  return text.charCodeAt(23) === 43 ? local - offset : local + offset;  // 43: '+'
}

/** The two digits of a text at a place as a number; a module-level function, not a closure
 * per call, since every issue's dates pass through here.
 * @param {string} text @param {number} at */
const two = (text, at) => (text.charCodeAt(at) - 48) * 10 + text.charCodeAt(at + 1) - 48;

/** Days from 1970-01-01 to a Gregorian date; days past a month's end run into the next month,
 * as with Date.parse (H. Hinnant's days_from_civil).
 * @param {number} year @param {number} month @param {number} day */
export function civilDays(year, month, day) {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

/** @param {number} n */
const pad = (n) => String(n).padStart(2, '0');
/** @param {Intl.DateTimeFormat} format @param {number} time @param {any} raw */
const safeFormat = (format, time, raw) => (Number.isNaN(time) ? String(raw) : format.format(time));
/** @param {any} s @param {string} [locale] */
export const formatDate = (s, locale) => safeFormat(dateFormat(locale), dayEpoch(s), s);
/** @param {any} s @param {string} [locale] */
export const formatDateTime = (s, locale) =>
  s ? safeFormat(timeFormat(locale), parseDateTime(s), s) : '';

/** The local calendar day (yyyy-mm-dd) of an epoch time. @param {number} time */
export function localDay(time) {
  const d = new Date(time);
  if (Number.isNaN(time)) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
