// CSV of the open report as shown (pivot matrix, time series or table), built in the browser.
// @ts-check
import { extraColumns, fieldName } from './cells.js';
import { downloadText, fileName } from '../ui/dom.js';
import { INTERVAL_NAMES, seriesOf } from './line-chart.js';
import { choice } from '../editor/pickers.js';
import { pivotOf } from './pivot-table.js';
import { kindSpec } from '../engine/fields.js';
import { cellText, fieldKind, fieldValue, grouping } from '../engine/report.js';
import * as state from './state.js';
import { browserTimeZone } from '../engine/zones.js';

/**
 * @typedef {string|number|null} Cell  numbers are written plain, null as an empty cell
 * @typedef {{locale?: string, timeZone: string}} CsvOptions  timeZone: where datetimes are
 *   written (the user's Jira zone, the browser's when Jira gives none)
 */

const FORMULA_START = /^[=+\-@\t\r]/;
/** The separators offered: a comma, or a semicolon for locales where Excel expects one. */
export const SEPARATORS = [{ value: ',', label: 'Comma' }, { value: ';', label: 'Semicolon' }];
const NUMERIC_KINDS = new Set(['number', 'votes', 'watches']);
const HOUR_SECONDS = 3600;

/**
 * One CSV cell: a number plain; text quoted, quotes doubled, and text a spreadsheet would run
 * as a formula made inert.
 * @param {Cell} value
 */
export function csvCell(value) {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = value ?? '';
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

/**
 * The file's text: a byte-order mark (Excel then reads UTF-8), CRLF line ends.
 * @param {Cell[][]} lines
 * @param {string} [separator]
 */
export function csvText(lines, separator = ',') {
  const text = lines.map((cells) => cells.map(csvCell).join(separator)).join('\r\n');
  return `\uFEFF${text}\r\n`;
}

/**
 * An instant as ISO 8601 in a time zone, with its offset: 2026-01-31T14:05:00+01:00.
 * @param {number} time epoch ms
 * @param {string} timeZone
 */
export function isoDateTime(time, timeZone) {
  const format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23',
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
    second: '2-digit', timeZoneName: 'longOffset' });
  /** @type {Record<string, string>} */
  const part = {};
  for (const { type, value } of format.formatToParts(time)) part[type] = value;
  const offset = part.timeZoneName.replace(/^GMT/, '') || '+00:00';
  return `${part.year}-${part.month}-${part.day}T${part.hour}:${part.minute}:${part.second}`
    + offset;
}

/**
 * A field's value in a CSV cell: numbers plain, durations in hours, dates as YYYY-MM-DD,
 * datetimes in ISO 8601 in the time zone, anything else as the table's text.
 * @param {any} issue
 * @param {any} field
 * @param {CsvOptions} options
 * @returns {Cell}
 */
export function csvValue(issue, field, { locale, timeZone }) {
  const kind = fieldKind(field);
  const value = fieldValue(issue, field.id);
  const number = kindSpec(field).number;
  if (value === null || value === undefined || value === '') return null;
  if (NUMERIC_KINDS.has(kind) && number) return number(value);
  if (kind === 'duration') return Number(value) / HOUR_SECONDS;
  if (kind === 'date') return String(value).slice(0, 10);
  if (kind === 'datetime' && number) {
    const time = issue.times?.[field.id] ?? number(value);
    return Number.isNaN(time) ? String(value) : isoDateTime(time, timeZone);
  }
  return cellText(value, field, locale);
}

/**
 * The lines of a result's table: group columns first when grouped (a field grouped on as it
 * is appears there only, not again among the columns), then Key and the report's columns; one
 * line per issue in view order (an issue in several groups appears under each, as on screen).
 * @param {any} config
 * @param {any} result
 * @param {Map<string, any>} fields
 * @param {CsvOptions} options
 * @returns {Cell[][]}
 */
export function tableLines(config, result, fields, options) {
  const levels = result.groups.length ? config.groupBy.map(grouping) : [];
  const asIs = new Set(levels.filter((level) => !level.interval).map((level) => level.field));
  const columns = extraColumns(config).filter((id) => !asIs.has(id));
  /** @param {string} id */
  const name = (id) => fieldName(fields, id);
  /** @type {Cell[][]} */
  const lines = [[...levels.map((level) => name(level.field)), 'Key', ...columns.map(name)]];
  /** @param {any} issue @param {string[]} labels */
  const line = (issue, labels) => lines.push([...labels, issue.key,
    ...columns.map((id) => csvValue(issue, fields.get(id) ?? { id }, options))]);
  if (levels.length) walk(result.groups, [], line);
  else result.rows.forEach((/** @type {any} */ issue) => line(issue, []));
  return lines;
}

/**
 * Visit the issues of the last grouping level, depth first, with the labels of their group path.
 * @param {any[]} groups
 * @param {string[]} labels
 * @param {(issue: any, labels: string[]) => void} visit
 */
function walk(groups, labels, visit) {
  for (const group of groups) {
    const path = [...labels, group.label];
    if (group.children.length) walk(group.children, path, visit);
    else group.rows.forEach((/** @type {any} */ issue) => visit(issue, path));
  }
}

/**
 * How a summed or averaged field's numbers are written: a duration's seconds as hours.
 * @param {any} field the value field, if any
 * @returns {(value: number|null) => Cell}
 */
export const amountOf = (field) => (field && fieldKind(field) === 'duration'
  ? (value) => (value === null ? null : value / HOUR_SECONDS) : (value) => value);

/**
 * A pivot as its matrix: the row field's name over the row labels, a Total column and row.
 * @param {string} rowName
 * @param {import('../engine/pivot.js').PivotResult} pivot
 * @param {(value: number|null) => Cell} [amount] how a cell's value is written
 * @returns {Cell[][]}
 */
export function pivotLines(rowName, pivot, amount = (value) => value) {
  /** @param {{value: number|null}} cell */
  const cellOf = (cell) => amount(cell.value);
  return [[rowName, ...pivot.columns.map((column) => column.label), 'Total'],
    ...pivot.rows.map((row, r) => [row.label, ...pivot.cells[r].map(cellOf), cellOf(row.total)]),
    ['Total', ...pivot.columns.map((column) => cellOf(column.total)), cellOf(pivot.total)]];
}

/**
 * A time series: one line per bucket (2026-01-31, 2026-W05, 2026-01, 2026-Q1), one column per
 * series, the first named after the interval.
 * @param {import('../engine/series.js').SeriesResult} series
 * @param {(value: number|null) => Cell} [amount] how a bucket's value is written
 * @returns {Cell[][]}
 */
export function seriesLines(series, amount = (value) => value) {
  return [[INTERVAL_NAMES[series.interval], ...series.series.map((line) => line.name)],
    ...series.buckets.map((bucket) => [bucket.label, ...bucket.values.map(amount)])];
}

/**
 * The lines of what the open report shows first: its pivot, its time series, or its table.
 * @param {state.Held} data
 */
function reportLines(data) {
  const config = /** @type {any} */ (data.config);
  const { pivot, timeSeries } = config;
  /** @param {string|null} id */
  const amount = (id) => amountOf(id ? data.fields.get(id) : null);
  if (pivot) {
    return pivotLines(fieldName(data.fields, pivot.rows), pivotOf(data), amount(pivot.value.field));
  }
  if (timeSeries) return seriesLines(seriesOf(data), amount(timeSeries.value.field));
  return tableLines(config, data.result, data.fields,
    { locale: navigator.language, timeZone: data.timeZone ?? browserTimeZone() });
}

/** The separator chosen in this page. */
let separator = SEPARATORS[0].value;

/** Download the open report as CSV; answers false when nothing is loaded. */
export function downloadCsv() {
  const data = state.current();
  if (!data) return false;
  const text = csvText(reportLines(data), separator);
  downloadText(fileName(data.config.name, 'csv'), text, 'text/csv;charset=utf-8');
  return true;
}

/** The separator choice offered next to the CSV button. */
export const separatorChoice = () => choice(SEPARATORS, separator,
  { 'data-testid': 'csv-separator', 'aria-label': 'CSV separator', className: 'subtle' },
  (value) => { separator = value; });
