// Quick filters: a report's filter fields as pickers of the loaded values, applied in memory.
// @ts-check
import { ApiError, updateReport } from '../server/api.js';
import { fieldName } from './cells.js';
import { button, h } from '../ui/dom.js';
import { CONFLICT } from '../editor/editor.js';
import { showError, showInfo, showMessage } from '../ui/messages.js';
import { grouping } from '../engine/report.js';
import * as state from './state.js';

/**
 * @typedef {import('../server/api.js').Filter} Filter
 * @typedef {import('../server/api.js').Report} Report
 * @typedef {import('../main.js').App} App
 * @typedef {(filters: Filter[], field: string) => void} Apply  field: the one changed, whose
 *   picker then takes the keyboard
 */

/** The filters chosen in this page for one report; version null: whatever its version. */
let chosen = /** @type {{reportId: string, version: number|null, filters: Filter[]}|null} */ (
  null);

/** A report's saved filters that select anything (a filter of no values passes no issue).
 * @param {Report} report @returns {Filter[]} */
export const savedFilters = (report) => (report.filters ?? []).filter((f) => f.values.length);

/**
 * The filters a report shows: those chosen for it in this page while it is saved as it was
 * then, else its saved ones.
 * @param {Report} report
 * @returns {Filter[]}
 */
export function filtersFor(report) {
  const same = chosen?.reportId === report.id
    && (chosen.version === null || chosen.version === report.version);
  return same && chosen ? chosen.filters : savedFilters(report);
}

/** Choose filters for a report (null: its saved ones again).
 * @param {string} reportId @param {number|null} version @param {Filter[]|null} filters */
export function choose(reportId, version, filters) {
  chosen = filters ? { reportId, version, filters } : null;
}

/**
 * The fields offered as quick filters: the report's filter fields, then those it breaks its
 * issues down by: its grouping fields (without a date interval, whose groups are calendar
 * buckets rather than values) and its pivot's rows and columns.
 * @param {Report} report
 * @returns {string[]}
 */
export function offeredFields(report) {
  const grouped = (report.groupBy ?? []).map((entry) => grouping(entry))
    .filter((entry) => !entry.interval).map((entry) => entry.field);
  const pivot = report.pivot ? [report.pivot.rows, report.pivot.columns] : [];
  return [...new Set([...(report.filters ?? []).map((f) => f.field), ...grouped, ...pivot])];
}

/**
 * The filters with a value added to (or taken from) a field's; a field left with no value is
 * dropped. Fields keep their order, a new one comes last.
 * @param {Filter[]} filters @param {string} field @param {string} key @param {boolean} on
 * @returns {Filter[]}
 */
export function withValue(filters, field, key, on) {
  const old = filters.find((f) => f.field === field)?.values ?? [];
  const values = on ? [...new Set([...old, key])] : old.filter((value) => value !== key);
  const next = filters.map((f) => (f.field === field ? { field, values } : f));
  if (!old.length && on) next.push({ field, values });
  return next.filter((f) => f.values.length);
}

/** Whether two filter lists select the same issues (order aside).
 * @param {Filter[]} a @param {Filter[]} b */
export function sameFilters(a, b) {
  const norm = (/** @type {Filter[]} */ list) => JSON.stringify(list.filter((f) => f.values.length)
    .map((f) => [f.field, [...new Set(f.values)].sort()]).sort());
  return norm(a) === norm(b);
}

/**
 * What the view says of its filters: `Filtered: Status = Done or To Do, Assignee = Alice`, or
 * `No quick filters`.
 * @param {Filter[]} filters
 * @param {(field: string) => string} nameOf
 * @param {(field: string, key: string) => string} labelOf
 */
export function filtersText(filters, nameOf, labelOf) {
  if (!filters.length) return 'No quick filters';
  const parts = filters.map(({ field, values }) =>
    `${nameOf(field)} = ${values.map((key) => labelOf(field, key)).join(' or ')}`);
  return `Filtered: ${parts.join(', ')}`;
}

/**
 * The quick filter bar of the open report: a picker per offered field, the active filters as
 * removable chips, what is filtered in words, and saving them as the report's filters.
 * @param {App} app
 * @param {Report} report
 * @param {Filter[]} filters the active ones
 * @param {Apply} apply shows the report with other filters
 */
export function quickFilterBar(app, report, filters, apply) {
  const data = state.current();
  if (!data) return null;
  const fieldOf = (/** @type {string} */ id) => data.fields.get(id) ?? { id, name: id };
  const nameOf = (/** @type {string} */ id) => fieldName(data.fields, id);
  const labelOf = (/** @type {string} */ id, /** @type {string} */ key) =>
    state.valueOptions(report.id, fieldOf(id)).get(key) ?? key;
  const pickers = offeredFields(report).map((id) => picker(id, nameOf(id),
    state.valueOptions(report.id, fieldOf(id)), filters, apply));
  const chips = filters.flatMap(({ field, values }) => values.map((key) =>
    chip(`${nameOf(field)}: ${labelOf(field, key)}`, () => apply(withValue(filters, field, key,
      false), field))));
  const save = sameFilters(filters, savedFilters(report)) ? null
    : button('save-filters', 'Save as the report’s filters', () => saveFilters(app, report,
      filters), { className: 'subtle' });
  return h('section', { className: 'quick-filters', 'aria-label': 'Quick filters',
    'data-testid': 'quick-filters' }, pickers.length ? h('div', { className: 'pickers' }, pickers)
    : null, h('p', { className: 'active-filters', 'data-testid': 'active-filters' },
    filtersText(filters, nameOf, labelOf)), chips.length ? h('ul', { className: 'chips' }, chips)
    : null, save);
}

/**
 * A field's picker: choosing a value adds it to the field's filter.
 * @param {string} field @param {string} name @param {Map<string, string>} options
 * @param {Filter[]} filters @param {Apply} apply
 */
function picker(field, name, options, filters, apply) {
  const active = new Set(filters.find((f) => f.field === field)?.values ?? []);
  const choices = [...options].filter(([key]) => !active.has(key));
  const select = /** @type {HTMLSelectElement} */ (h('select', { 'data-testid': 'quick-filter',
    'data-field': field, disabled: choices.length === 0 },
  h('option', null, 'Add a value…'), choices.map(([key, label]) => h('option', { value: key },
    label))));
  select.addEventListener('change', () => {
    if (select.selectedIndex > 0) apply(withValue(filters, field, select.value, true), field);
  });
  return h('label', { className: 'picker' }, h('span', null, name), select);
}

/** A removable chip. @param {string} text @param {() => void} remove */
const chip = (text, remove) => h('li', null, button('filter-chip', [text,
  h('span', { 'aria-hidden': 'true' }, ' ×')], remove,
{ className: 'filter-chip', 'aria-label': `Remove the filter ${text}` }));

/**
 * Save the active filters as the report's own (its version checked, as the editor saves).
 * @param {App} app @param {Report} report @param {Filter[]} filters
 */
async function saveFilters(app, report, filters) {
  try {
    const saved = await updateReport(app.host, report.id, { ...report, filters,
      version: report.version });
    choose(saved.id, saved.version, savedFilters(saved));
    await app.openReport(saved);
    showInfo('Saved the quick filters as the report’s filters.');
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 409)) {
      showError(error, 'Could not save the filters');
      return;
    }
    choose(report.id, null, filters);  // reloading keeps what the user chose
    showMessage('error', CONFLICT, { label: 'Reload', testid: 'reload-report',
      run: () => app.openReport(report.id) });
  }
}
