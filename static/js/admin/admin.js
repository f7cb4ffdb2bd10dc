// The admin page: every report of the site for a Jira administrator, with its owner and access,
// a filter by name or owner, and per report "Change owner" and "Delete".
// @ts-check
import { listAllReports } from './api.js';
import { COLUMNS, reportRow } from './rows.js';
import { ApiError } from '../server/api.js';
import { h } from '../ui/dom.js';
import { showError } from '../ui/messages.js';
import { fillNames } from '../ui/people.js';

/**
 * @typedef {import('./api.js').AdminReport} AdminReport
 * @typedef {import('../host/host.js').Host} Host
 */

export const REFUSAL = 'Only a Jira administrator can use this page.';

/**
 * Render the admin page into `main`. Whether the user administers the site is the server's
 * answer (it asks Jira); a refusal shows that sentence and nothing else.
 * @param {Host} host
 * @param {HTMLElement} main
 */
export async function showAdmin(host, main) {
  const body = h('div', { className: 'list-body' },
    h('p', { className: 'hint' }, 'Loading the reports of the site…'));
  main.replaceChildren(h('section', { className: 'list-page', 'data-testid': 'admin-page' },
    h('div', { className: 'toolbar' }, h('h2', null, 'All reports of the site')), body));
  let reports;
  try {
    reports = await listAllReports(host);
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) {
      main.replaceChildren(h('p', { className: 'refusal', 'data-testid': 'admin-refusal' },
        REFUSAL));
    } else {
      body.replaceChildren();
      showError(error, 'Could not load the reports of the site');
    }
    return;
  }
  body.replaceChildren(...adminList(host, reports));
  fillNames(host, body);
}

/**
 * The filter and the table, or a note when the site has no reports.
 * @param {Host} host
 * @param {AdminReport[]} reports
 */
function adminList(host, reports) {
  if (!reports.length) return [h('p', { className: 'hint' }, 'The site has no reports.')];
  const rows = reports.map((report) => reportRow(host, report));
  const titles = COLUMNS.map((title) => h('th', { scope: 'col' }, title));
  const actions = h('th', { scope: 'col' }, h('span', { className: 'visually-hidden' }, 'Actions'));
  const tbody = h('tbody', null, rows);
  const table = h('table', { className: 'report-list', 'data-testid': 'admin-list' },
    h('caption', { className: 'visually-hidden' }, 'Every report of the site'),
    h('thead', null, h('tr', null, titles, actions)), tbody);
  const filter = /** @type {HTMLInputElement} */ (h('input', { type: 'search',
    id: 'admin-filter', 'data-testid': 'admin-filter', placeholder: 'Name or owner' }));
  filter.addEventListener('input', () => filterRows(tbody, filter.value));
  const count = `${reports.length} ${reports.length === 1 ? 'report' : 'reports'}, private `
    + 'ones included.';
  return [h('div', { className: 'toolbar' },
    h('label', { for: 'admin-filter' }, 'Find a report by name or owner'), filter,
    h('span', { className: 'hint' }, count)), table];
}

/**
 * Show only the reports whose name or owner contains the query (any case); a row's panel goes
 * with it.
 * @param {HTMLElement} tbody
 * @param {string} query
 */
function filterRows(tbody, query) {
  const needle = query.trim().toLowerCase();
  /** @type {NodeListOf<HTMLElement>} */
  const rows = tbody.querySelectorAll('tr[data-testid="admin-report"]');
  for (const row of rows) {
    const text = ['.report-name strong', '.owner']
      .map((selector) => row.querySelector(selector)?.textContent ?? '').join(' ').toLowerCase();
    row.hidden = !text.includes(needle);
    const next = /** @type {HTMLElement|null} */ (row.nextElementSibling);
    if (next?.classList.contains('confirm-row')) next.hidden = row.hidden;
  }
}
