// Report actions of the list and the view: duplicate, delete after confirming, export, import.
// @ts-check
import { deleteReport, exportReports, getReport, importReports } from '../server/api.js';
import { button, downloadText, h } from '../ui/dom.js';
import { showError, showInfo, showMessage } from '../ui/messages.js';
import { outcomeText, sendParts, splitDocument, tooMany } from './parts.js';

/**
 * @typedef {import('../main.js').App} App
 * @typedef {import('../server/api.js').Report} Report
 * @typedef {import('../server/api.js').ReportConfig} ReportConfig
 */

/**
 * The configuration part of a report, as the API accepts it on create.
 * @param {Report|ReportConfig} report
 * @returns {ReportConfig}
 */
export function configOf(report) {
  const { name, description, jql, columns, sort, groupBy, filters, aggregations } = report;
  return {
    name, description: description ?? '', jql, columns, sort, groupBy, filters, aggregations,
    pivot: report.pivot ?? null, timeSeries: report.timeSeries ?? null,  // null: none
  };
}

/**
 * A report's content named "Copy of …", without its id or access: the editor takes it as a
 * new report (editor/drafts.js draftOf), so saving it makes a report of the user's.
 * @param {Report} original
 * @returns {ReportConfig}
 */
export function copyOf(original) {
  return { ...configOf(original), name: `Copy of ${original.name}`.slice(0, 200) };
}

/**
 * Open the editor on a copy of a report (see copyOf); nothing is saved until the user saves.
 * @param {App} app
 * @param {string} id
 */
export async function duplicateReport(app, id) {
  try {
    const original = await getReport(app.host, id);
    await app.editReport(/** @type {any} */ (copyOf(original)));
  } catch (error) {
    showError(error, 'Could not duplicate the report');
  }
}

/**
 * An inline confirmation bar for deleting a report; `done(true)` runs after the server deleted it,
 * `done(false)` when the user cancels.
 * @param {App} app
 * @param {{id: string, name: string}} report
 * @param {(deleted: boolean) => void} done
 */
export function confirmDelete(app, report, done) {
  const remove = async () => {
    try {
      await deleteReport(app.host, report.id);
      done(true);
      showInfo(`Deleted “${report.name}”.`);
    } catch (error) {
      showError(error, 'Could not delete the report');
    }
  };
  const yes = button('confirm-delete', 'Delete', remove, { className: 'danger' });
  const bar = h('div', { className: 'confirm', role: 'group', 'aria-label': 'Confirm deletion' },
    h('span', null, `Delete “${report.name}”? This cannot be undone.`), yes,
    button('cancel-delete', 'Cancel', () => done(false)));
  queueMicrotask(() => yes.focus());
  return bar;
}

/**
 * Download every report configuration of the site as one JSON document.
 * @param {App} app
 */
export async function exportAll(app) {
  try {
    const document = await exportReports(app.host);
    const day = new Date().toISOString().slice(0, 10);
    downloadText(`jql-reports-${day}.json`, JSON.stringify(document, null, 2), 'application/json');
  } catch (error) {
    showError(error, 'Could not export the reports');
  }
}

/**
 * Add the reports of an export file, in parts that each fit one request, then show the list
 * and say what was imported (static/js/list/parts.js).
 * @param {App} app
 * @param {File} file
 */
export async function importFile(app, file) {
  let document;
  try {
    document = JSON.parse(await file.text());
  } catch {
    showError(new Error('the file is not valid JSON.'), 'Could not import the reports');
    return;
  }
  const refused = tooMany(document);
  if (refused) {
    showMessage('error', refused);
    return;
  }
  const outcome = await sendParts(splitDocument(document), (part) => importReports(app.host, part));
  if (outcome.imported) await app.showList();
  const { ok, text } = outcomeText(outcome);
  if (ok || outcome.failed?.error?.status !== 401) showMessage(ok ? 'success' : 'error', text);
  else showError(outcome.failed.error, 'Could not import the reports');
}
