// CSV of the open report's current view, built in the browser from memory, as a download.
// @ts-check
import { downloadText, fileName } from './dom.js';
import { extraColumns, fieldName } from './cells.js';
import { cellText, fieldValue } from './report.js';
import * as state from './state.js';

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell: quoted, quotes doubled, and text a spreadsheet would run as a formula made inert.
 * @param {string} text
 */
export function csvCell(text) {
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

/**
 * The CSV text of a result: group path columns first when grouped, then Key and the report's
 * columns; one line per issue in view order (an issue in several groups appears under each of
 * them, as on screen).
 * @param {any} config
 * @param {any} result
 * @param {Map<string, any>} fields
 */
export function buildCsv(config, result, fields) {
  const grouped = result.groups.length > 0;
  const columns = extraColumns(config);
  /** @param {string} id */
  const name = (id) => fieldName(fields, id);
  const lines = [[...(grouped ? config.groupBy : []).map(name), 'Key', ...columns.map(name)]];
  /** @param {any} issue @param {string[]} labels */
  const line = (issue, labels) => lines.push([...labels, issue.key, ...columns.map((id) =>
    cellText(fieldValue(issue, id), fields.get(id) ?? { id }, navigator.language))]);
  if (grouped) walk(result.groups, [], line);
  else result.rows.forEach((/** @type {any} */ issue) => line(issue, []));
  const text = lines.map((cells) => cells.map(csvCell).join(',')).join('\r\n');
  return `\uFEFF${text}\r\n`;
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

/** Download the open report's view as CSV; answers false when nothing is loaded. */
export function downloadCsv() {
  const data = state.current();
  if (!data) return false;
  const text = buildCsv(data.config, data.result, data.fields);
  downloadText(fileName(data.config.name, 'csv'), text, 'text/csv;charset=utf-8');
  return true;
}
