// The report list: every report of the site with open, edit, duplicate and delete; export, import.
// @ts-check
import { confirmDelete, duplicateReport, exportAll, importFile } from './actions.js';
import { listReports } from '../server/api.js';
import { button, h } from '../ui/dom.js';
import { showError } from '../ui/messages.js';
import { fillNames, person } from '../ui/people.js';
import { followWaits } from '../ui/progress.js';

/**
 * @typedef {import('../main.js').App} App
 * @typedef {import('../server/api.js').ReportSummary} ReportSummary
 */

const EMPTY = 'A report lists the issues of a JQL query with the columns you choose, grouped and '
  + 'summed the way you need. Choose New report to create the first one.';

/**
 * Render the list into `main`, loading it from the server.
 * @param {App} app
 * @param {HTMLElement} main
 * @param {string} [highlightId] a report to mark, e.g. a fresh copy
 */
export async function showList(app, main, highlightId) {
  const body = h('div', { className: 'list-body' },
    h('p', { className: 'hint' }, 'Loading reports…'));
  const waiting = h('p', { className: 'hint', role: 'status', 'data-testid': 'jira-wait',
    hidden: true });
  main.replaceChildren(h('section', { className: 'list-page' }, listToolbar(app, body), waiting,
    body));
  try {
    const reports = await listReports(app.host);
    body.replaceChildren(reports.length ? reportTable(app, reports, highlightId)
      : h('div', { className: 'empty' }, h('p', null, h('strong', null, 'No reports yet.')),
        h('p', null, EMPTY)));
    // The names are the list's Jira calls: while they wait on Jira, the list says so.
    const unfollow = followWaits((text) => {
      waiting.textContent = text;
      waiting.hidden = !text;
    });
    fillNames(app.host, body).finally(unfollow);
  } catch (error) {
    body.replaceChildren();
    showError(error, 'Could not load the reports');
  }
}

/**
 * @param {App} app
 * @param {HTMLElement} body
 */
function listToolbar(app, body) {
  const search = /** @type {HTMLInputElement} */ (h('input', { type: 'search', id: 'report-search',
    placeholder: 'Find a report', 'data-testid': 'report-search' }));
  search.addEventListener('input', () => filterRows(body, search.value));
  const file = /** @type {HTMLInputElement} */ (h('input', { type: 'file', hidden: true,
    accept: 'application/json,.json', 'data-testid': 'import-file',
    'aria-label': 'File to import' }));
  file.addEventListener('change', () => {
    if (file.files?.[0]) importFile(app, file.files[0]);
  });
  return h('div', { className: 'toolbar' }, h('h2', null, 'Reports'),
    h('label', { for: 'report-search', className: 'visually-hidden' }, 'Find a report'), search,
    h('span', { className: 'spacer' }),
    button('export-reports', 'Export', () => exportAll(app), { className: 'subtle' }),
    button('import-reports', 'Import', () => file.click(), { className: 'subtle' }), file,
    button('new-report', 'New report', () => app.editReport(null), { className: 'primary' }));
}

/**
 * Hide the rows whose text does not contain the query.
 * @param {HTMLElement} body
 * @param {string} query
 */
function filterRows(body, query) {
  const needle = query.trim().toLowerCase();
  for (const row of body.querySelectorAll('tr[data-testid="report-item"]')) {
    const text = (row.textContent ?? '').toLowerCase();
    /** @type {HTMLElement} */ (row).hidden = !text.includes(needle);
  }
}

/**
 * @param {App} app
 * @param {ReportSummary[]} reports
 * @param {string} [highlightId]
 */
function reportTable(app, reports, highlightId) {
  const titles = ['Name', 'Description', 'Last updated']
    .map((title) => h('th', { scope: 'col' }, title));
  const actions = h('th', { scope: 'col' }, h('span', { className: 'visually-hidden' }, 'Actions'));
  const rows = reports.map((report) => reportRow(app, report, report.id === highlightId));
  return h('table', { className: 'report-list', 'data-testid': 'report-list' },
    h('thead', null, h('tr', null, titles, actions)), h('tbody', null, rows));
}

/**
 * @param {App} app
 * @param {ReportSummary} report
 * @param {boolean} highlight
 */
function reportRow(app, report, highlight) {
  const updated = report.updatedAt ? new Date(report.updatedAt)
    .toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '';
  const by = report.updatedBy ? h('span', { className: 'by' }, 'by ', person(report.updatedBy))
    : null;
  const open = button('open-report', report.name, () => app.openReport(report.id),
    { className: 'link report-name' });
  const actions = h('td', { className: 'actions' },
    button('edit-report', 'Edit', () => app.editReport(report.id)),
    button('duplicate-report', 'Duplicate', () => duplicateReport(app, report.id)),
    button('delete-report', 'Delete', () => askDelete(app, row, report)));
  const cells = [h('td', null, open), h('td', { className: 'description' }, report.description),
    h('td', { className: 'updated' }, updated, by), actions];
  const row = h('tr', { 'data-testid': 'report-item', 'data-id': report.id,
    className: highlight ? 'highlight' : null }, cells);
  return row;
}

/**
 * Show the delete confirmation under a report's row.
 * @param {App} app
 * @param {HTMLElement} row
 * @param {ReportSummary} report
 */
function askDelete(app, row, report) {
  if (row.nextElementSibling?.classList.contains('confirm-row')) return;
  const confirmRow = h('tr', { className: 'confirm-row' });
  const bar = confirmDelete(app, report, (deleted) => {
    confirmRow.remove();
    if (deleted) app.showList();
  });
  confirmRow.append(h('td', { colspan: 4 }, bar));
  row.after(confirmRow);
}
