// The one place holding the open report's issues and result, in memory only; drop() forgets them.
// @ts-check
import { visibleLines } from './lines.js';
import { computeReport, fieldValue, groupKeys, reportFields } from '../engine/report.js';
import { nextSort, sortedConfig } from './sorting.js';

/** Groups start collapsed above this many issues, so a big report opens as an overview. */
export const COLLAPSE_ABOVE = 500;

/**
 * @typedef {import('../server/api.js').Report} Report
 * @typedef {{
 *   reportId: string, jql: string, loadedFields: Set<string>, fields: Map<string, any>,
 *   issues: any[], note: string, unloaded: string[], config: Report, result: any,
 *   expandAll: boolean, toggled: Set<string>, lines: import('./lines.js').Lines|null,
 *   options: Map<string, Map<string, string>>, sort: import('./sorting.js').ViewSort|null,
 *   timeZone: string|null,
 * }} Held  lines: the table's visible lines, flattened again after expanding or collapsing;
 *   options: valueOptions by field id; sort: the view's own sort by a column, over the saved one;
 *   unloaded: the keys of matching issues Jira could not return, which no total counts;
 *   timeZone: the user's Jira time zone, which date buckets use (the browser's when null)
 */

/** @type {Held|null} */
let held = null;

/**
 * Keep freshly loaded issues for a report and compute its result.
 * @param {{report: Report, fields: Map<string, any>, issues: any[], note?: string,
 *   unloaded?: string[], timeZone?: string|null}} loaded
 */
export function hold({ report, fields, issues, note, unloaded, timeZone }) {
  held = {
    reportId: report.id, jql: report.jql, loadedFields: new Set(reportFields(report)), fields,
    issues, note: note ?? '', unloaded: unloaded ?? [], config: report, result: null,
    expandAll: true, toggled: new Set(), lines: null, options: new Map(), sort: null,
    timeZone: timeZone ?? null,
  };
  compute(held, report);
}

/**
 * Recompute from the issues in memory when they serve this report as configured now (same
 * report, same JQL, no new field); answers whether it could.
 * @param {Report} report
 */
export function reuse(report) {
  if (!held || held.reportId !== report.id || held.jql !== report.jql) return false;
  const loaded = held.loadedFields;
  if (!reportFields(report).every((id) => loaded.has(id))) return false;
  compute(held, report);
  return true;
}

/**
 * @param {Held} data
 * @param {Report} report
 */
function compute(data, report) {
  data.config = report;
  data.sort = null;
  run(data);
  data.expandAll = data.result.rows.length <= COLLAPSE_ABOVE;
  data.toggled.clear();
}

/**
 * Compute the result from the issues in memory, in the view's order.
 * @param {Held} data
 */
function run(data) {
  data.result = computeReport(sortedConfig(data.config, data.sort), data.issues, data.fields,
    { locale: navigator.language, timeZone: data.timeZone ?? undefined });
  data.lines = null;
}

/**
 * Sort the view by a column as one more click on its header asks (no reload, nothing saved);
 * groups keep their order and their expanded state, their rows are sorted.
 * @param {string} field
 */
export function sortBy(field) {
  if (!held) return;
  held.sort = nextSort(held.sort, field);
  run(held);
}

/** The open report's data, or null. */
export function current() {
  return held;
}

/** Forget every issue and result held in memory. */
export function drop() {
  held = null;
}

/** @param {string} path */
export function isExpanded(path) {
  return Boolean(held) && held?.expandAll !== held?.toggled.has(path);
}

/** @param {string} path */
export function toggle(path) {
  if (!held) return;
  if (held.toggled.has(path)) held.toggled.delete(path);
  else held.toggled.add(path);
  held.lines = null;
}

/** @param {boolean} expanded */
export function setAllExpanded(expanded) {
  if (!held) return;
  held.expandAll = expanded;
  held.toggled.clear();
  held.lines = null;
}

/** The table's visible lines (group headers and the rows of expanded groups), or null. */
export function lines() {
  if (!held) return null;
  held.lines ??= visibleLines(held.result, isExpanded);
  return held.lines;
}

/**
 * The values (groupKeys) of a field in the loaded issues of a report, as a key → label map.
 * @param {string|undefined} reportId
 * @param {any} field
 * @returns {Map<string, string>}
 */
export function valueOptions(reportId, field) {
  if (!held || !reportId || held.reportId !== reportId) return new Map();
  if (!held.loadedFields.has(field.id)) return new Map();
  let options = held.options.get(field.id);
  if (!options) held.options.set(field.id, (options = readOptions(held.issues, field)));
  return options;
}

/**
 * @param {any[]} issues
 * @param {any} field
 */
function readOptions(issues, field) {
  const options = new Map();
  const seen = new Set();
  for (const issue of issues) {
    const value = fieldValue(issue, field.id);
    const shared = value && typeof value === 'object' && !Array.isArray(value);
    if (shared && seen.has(value)) continue;  // issues share their statuses, users…
    if (shared) seen.add(value);
    for (const { key, label } of groupKeys(issue, field)) options.set(key, label);
  }
  return options;
}

/**
 * The group at a path of keys, or null.
 * @param {string[]} keys
 */
export function groupAt(keys) {
  let groups = held?.result.groups ?? [];
  let group = null;
  for (const key of keys) {
    group = groups.find((/** @type {any} */ candidate) => candidate.key === key);
    if (!group) return null;
    groups = group.children;
  }
  return group;
}
