// The report list: the reports the user may view, by view (Mine, Shared with me, All); export, import.
// @ts-check
import { exportAll, importFile } from './actions.js';
import { VIEWS, chooseView, chosenView, inView } from './filters.js';
import { listReports } from '../server/api.js';
import { button, h } from '../ui/dom.js';
import { showError } from '../ui/messages.js';
import { fillNames } from '../ui/people.js';
import { followWaits } from '../ui/progress.js';
import { reportTable } from './rows.js';

/**
 * @typedef {import('../main.js').App} App
 * @typedef {import('../server/api.js').ReportSummary} ReportSummary
 */

const EMPTY = 'A report lists the issues of a JQL query with the columns you choose, grouped and '
  + 'summed the way you need. Choose New report to create the first one.';

/**
 * Render the list into `main`, loading it from the server, in the view chosen last.
 * @param {App} app
 * @param {HTMLElement} main
 * @param {string} [highlightId] a report to mark, e.g. one just saved
 */
export async function showList(app, main, highlightId) {
  const body = h('div', { className: 'list-body' },
    h('p', { className: 'hint' }, 'Loading reports…'));
  const waiting = h('p', { className: 'hint', role: 'status', 'data-testid': 'jira-wait',
    hidden: true });
  const views = h('div', { className: 'views', role: 'group', 'aria-label': 'Show',
    'data-testid': 'list-views', hidden: true });
  const toolbar = listToolbar(app, body);
  main.replaceChildren(h('section', { className: 'list-page' }, toolbar.root, views, waiting,
    body));
  // The names are the list's Jira calls: while they wait on Jira, the list says so.
  const unfollow = followWaits((text) => {
    waiting.textContent = text;
    waiting.hidden = !text;
  });
  try {
    const reports = await listReports(app.host);
    const show = () => {
      body.replaceChildren(listBody(app, reports, highlightId));
      filterRows(body, toolbar.search.value);
      return fillNames(app.host, body);
    };
    views.replaceChildren(...viewButtons(reports, show));
    views.hidden = !reports.length;
    await show();
  } catch (error) {
    body.replaceChildren();
    showError(error, 'Could not load the reports');
  } finally {
    unfollow();
  }
}

/**
 * The reports of the chosen view, or why there are none.
 * @param {App} app
 * @param {ReportSummary[]} reports
 * @param {string} [highlightId]
 */
function listBody(app, reports, highlightId) {
  const view = VIEWS.find((v) => v.key === chosenView()) ?? VIEWS[2];
  const shown = inView(view.key, reports);
  if (shown.length) return reportTable(app, shown, highlightId);
  const [title, text] = reports.length ? [view.empty, 'Choose All to see every report.']
    : ['No reports yet.', EMPTY];
  return h('div', { className: 'empty', 'data-testid': 'list-empty' },
    h('p', null, h('strong', null, title)), h('p', null, text));
}

/**
 * The view buttons (Mine, Shared with me, All), each with its count; the pressed one shows.
 * @param {ReportSummary[]} reports
 * @param {() => void} show
 */
function viewButtons(reports, show) {
  const buttons = VIEWS.map((view) => button(`view-${view.key}`,
    [view.label, ' ', h('span', { className: 'count' }, String(inView(view.key, reports).length))],
    () => {
      chooseView(view.key);
      buttons.forEach((b, n) => b.setAttribute('aria-pressed', String(VIEWS[n] === view)));
      show();
    }, { className: 'segment', 'aria-pressed': String(view.key === chosenView()) }));
  return buttons;
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
  const root = h('div', { className: 'toolbar' }, h('h2', null, 'Reports'),
    h('label', { for: 'report-search', className: 'visually-hidden' }, 'Find a report'), search,
    h('span', { className: 'spacer' }),
    button('export-reports', 'Export', () => exportAll(app), { className: 'subtle' }),
    button('import-reports', 'Import', () => file.click(), { className: 'subtle' }), file,
    button('new-report', 'New report', () => app.editReport(null), { className: 'primary' }));
  return { root, search };
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
