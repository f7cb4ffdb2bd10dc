// The list's table: a row per report with its owner, a Private marker and the actions allowed.
// @ts-check
import { confirmDelete, duplicateReport } from './actions.js';
import { button, h } from '../ui/dom.js';
import { isMine } from './filters.js';
import { person } from '../ui/people.js';

/**
 * @typedef {import('../main.js').App} App
 * @typedef {import('../server/api.js').ReportSummary} ReportSummary
 */

const TITLES = ['Name', 'Owner', 'Description', 'Last updated'];

/**
 * The reports as a table; `highlightId` marks one (e.g. one just saved).
 * @param {App} app
 * @param {ReportSummary[]} reports
 * @param {string} [highlightId]
 */
export function reportTable(app, reports, highlightId) {
  const titles = TITLES.map((title) => h('th', { scope: 'col' }, title));
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
  const marker = report.visibility === 'private' ? h('span', { className: 'lozenge private',
    'data-testid': 'private-marker', title: 'Only the owner sees it' }, 'Private') : null;
  const owner = report.owner ? [person(report.owner), isMine(report) ? ' (you)' : '']
    : h('span', { className: 'no-owner' }, 'No owner');
  const actions = h('td', { className: 'actions' },
    report.canEdit ? button('edit-report', 'Edit', () => app.editReport(report.id)) : null,
    button('duplicate-report', 'Duplicate', () => duplicateReport(app, report.id)),
    report.canDelete ? button('delete-report', 'Delete', () => askDelete(app, row, report)) : null);
  const cells = [h('td', { className: 'name' }, open, marker),
    h('td', { className: 'owner', 'data-testid': 'report-owner' }, owner),
    h('td', { className: 'description' }, report.description),
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
  confirmRow.append(h('td', { colspan: TITLES.length + 1 }, bar));
  row.after(confirmRow);
}
