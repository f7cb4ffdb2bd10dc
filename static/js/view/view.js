// The report view: loads the report's issues with progress and cancel, then shows the result.
// @ts-check
import { confirmDelete, duplicateReport } from '../list/actions.js';
import { downloadCsv, separatorChoice } from './csv.js';
import { button, h } from '../ui/dom.js';
import { loadIssues, userTimeZone } from '../jira/jira.js';
import { showError } from '../ui/messages.js';
import { fillNames, person } from '../ui/people.js';
import { reportFields } from '../engine/report.js';
import { placeOf, showPlace } from './place.js';
import { progressBox } from '../ui/progress.js';
import { choose, filtersFor, offeredFields, quickFilterBar } from './quick-filters.js';
import { renderResult } from './result.js';
import * as state from './state.js';

/**
 * @typedef {import('../main.js').App} App
 * @typedef {import('../server/api.js').Report} Report
 * @typedef {ReturnType<typeof viewPage>} Page
 */

/** The load in progress, if any; aborting it makes its results be ignored. */
let controller = /** @type {AbortController|null} */ (null);

/** Abort the load in progress (the issues loaded so far are not kept). */
export function stopLoading() {
  controller?.abort();
  controller = null;
}

/**
 * Show a report with its quick filters (the engine's filters, over the issues in memory); its
 * issues are loaded unless the ones in memory already serve it. The host's address names it.
 * @param {App} app
 * @param {HTMLElement} main
 * @param {Report} report
 * @param {boolean} [fresh] load again even when memory could serve
 */
export async function showReport(app, main, report, fresh = false) {
  stopLoading();
  const offered = offeredFields(report);
  const filters = filtersFor(report).filter((filter) => offered.includes(filter.field));
  const page = viewPage(app, report);
  main.replaceChildren(page.root);
  page.root.querySelector('h2')?.focus(); // the focused control left with the old screen
  fillNames(app.host, page.root.querySelector('header') ?? page.root);
  showPlace(app.host, placeOf(report, filters));
  const shown = { ...report, filters };
  if (!fresh && state.reuse(shown)) {
    page.showResult();
    return;
  }
  state.drop();
  await load(app, page, shown);
}

/**
 * Show the report in memory with other quick filters: nothing is loaded or saved, and the
 * host's address changes in place.
 * @param {App} app
 * @param {Report} report
 * @param {(field: string) => void} showResult shows the result again, the field's picker focused
 * @returns {import('./quick-filters.js').Apply}
 */
const applyFilters = (app, report, showResult) => (filters, field) => {
  choose(report.id, report.version, filters);
  if (!state.reuse({ ...report, filters })) return;
  showPlace(app.host, placeOf(report, filters), true);
  showResult(field);
};

/**
 * @param {App} app
 * @param {Page} page
 * @param {Report} report
 */
async function load(app, page, report) {
  const current = new AbortController();
  controller = current;
  page.progress.start(() => cancel(app, page, report));
  try {
    const [fields, timeZone] = await Promise.all([app.fields(), userTimeZone(app.host)]);
    if (current.signal.aborted) return;
    const loaded = await loadIssues(app.host, { jql: report.jql, fields: reportFields(report),
      signal: current.signal, onProgress: (progress) => page.progress.update(progress) });
    if (current.signal.aborted) return;
    const { issues, note, unloaded } = loaded;
    state.hold({ report, fields, issues, note, unloaded, timeZone });
    page.showResult();
  } catch (error) {
    if (!current.signal.aborted) showError(error, 'Could not load the issues');
  } finally {
    if (controller === current) controller = null;
    page.progress.stop();
  }
}

/**
 * @param {App} app
 * @param {Page} page
 * @param {Report} report
 */
function cancel(app, page, report) {
  stopLoading();
  page.progress.stop();
  page.body.replaceChildren(h('div', { className: 'empty' }, h('p', null, 'Loading cancelled.'),
    button('load-again', 'Load again', () => app.openReport(report, true))));
}

/**
 * The view's skeleton: actions, header, progress, and the place of the result.
 * @param {App} app
 * @param {Report} report
 */
function viewPage(app, report) {
  const csv = /** @type {HTMLButtonElement} */ (button('download-csv', 'Download CSV', downloadCsv,
    { disabled: true }));
  const confirmSlot = h('div');
  const progress = progressBox();
  const body = h('div', { className: 'view-body' });
  const showResult = (/** @type {string|undefined} */ field) => {
    const filters = state.current()?.config.filters ?? [];
    body.replaceChildren(quickFilterBar(app, report, filters,
      applyFilters(app, report, showResult)) ?? '', renderResult(app.host) ?? '');
    csv.disabled = !state.current();
    if (field) /** @type {HTMLElement|null} */ (body.querySelector(
      `select[data-field="${CSS.escape(field)}"]`))?.focus();
  };
  const root = h('section', { className: 'view-page' }, actionBar(app, report, confirmSlot, csv),
    confirmSlot, reportHeader(report), progress.root, body);
  return { root, body, progress, showResult };
}

/**
 * @param {App} app
 * @param {Report} report
 * @param {HTMLElement} confirmSlot where the delete confirmation goes
 * @param {HTMLElement} csv
 */
function actionBar(app, report, confirmSlot, csv) {
  const askDelete = () => confirmSlot.replaceChildren(confirmDelete(app, report, (deleted) => {
    confirmSlot.replaceChildren();
    if (!deleted) return;
    state.drop();
    app.showList();
  }));
  // Edit and Delete only for those the server lets do it; anyone may duplicate it as their own.
  return h('div', { className: 'toolbar' },
    button('back-to-list', '‹ All reports', () => app.showList(), { className: 'subtle' }),
    h('span', { className: 'spacer' }),
    report.canEdit ? button('edit-report', 'Edit', () => app.editReport(report),
      { className: 'primary' }) : null,
    button('duplicate-report', 'Duplicate', () => duplicateReport(app, report.id)),
    report.canDelete ? button('delete-report', 'Delete', askDelete) : null,
    button('refresh-report', 'Refresh', () => app.openReport(report, true)), csv,
    separatorChoice());
}

/** @param {Report} report */
function reportHeader(report) {
  const owner = report.owner ? ['Owned by ', person(report.owner)] : 'No owner';
  return h('header', { className: 'report-header' },
    h('h2', { 'data-testid': 'report-title', tabindex: -1 }, report.name),
    h('p', { className: 'access-line', 'data-testid': 'report-access' }, owner,
      report.visibility === 'private' ? ' · Private' : '', report.canEdit ? '' : ' · View only'),
    report.description ? h('p', { className: 'description' }, report.description) : null,
    h('p', { className: 'jql' }, h('span', { className: 'visually-hidden' }, 'JQL: '),
      h('code', null, report.jql)));
}
