// One report on the admin page: its owner and access, and the administrator's actions on it
// (change or assign the owner, delete), each answered in its row.
// @ts-check
import { assignOwner, listAllReports, removeReport } from './api.js';
import { ApiError } from '../server/api.js';
import { button, h } from '../ui/dom.js';
import { showError, showInfo, showMessage } from '../ui/messages.js';
import { fillNames, person } from '../ui/people.js';
import { peoplePicker } from '../ui/people-picker.js';

/**
 * @typedef {import('./api.js').AdminReport} AdminReport
 * @typedef {import('../host/host.js').Host} Host
 */

export const COLUMNS = ['Name', 'Owner', 'Visibility', 'Editors', 'Last updated'];

/** Who may edit, in words. @param {AdminReport} report */
function editorsText({ editors }) {
  if (editors === 'site') return 'Anyone who can view it';
  if (!editors.length) return 'Owner only';
  return editors.length === 1 ? 'Owner and 1 person' : `Owner and ${editors.length} people`;
}

/** @param {AdminReport} report */
function cells(report) {
  const updated = report.updatedAt ? new Date(report.updatedAt)
    .toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '';
  const owner = report.owner ? person(report.owner) : h('em', null, 'No owner');
  return [
    h('td', { className: 'report-name' }, h('strong', null, report.name),
      report.description ? h('div', { className: 'hint' }, report.description) : null),
    h('td', { className: 'owner', 'data-testid': 'admin-owner' }, owner),
    h('td', { 'data-testid': 'admin-visibility' },
      report.visibility === 'private' ? 'Private' : 'Site'),
    h('td', { 'data-testid': 'admin-editors' }, editorsText(report)),
    h('td', { className: 'updated' }, updated),
  ];
}

/**
 * The row of one report, with its actions.
 * @param {Host} host
 * @param {AdminReport} report
 * @returns {HTMLElement}
 */
export function reportRow(host, report) {
  const row = h('tr', { 'data-testid': 'admin-report', 'data-id': report.id });
  const ownerLabel = report.owner ? 'Change owner' : 'Assign owner';
  row.append(...cells(report), h('td', { className: 'actions' },
    button('admin-change-owner', ownerLabel, () => openPanel(row, ownerPanel(host, row, report))),
    button('admin-delete', 'Delete', () => openPanel(row, deletePanel(host, row, report)))));
  return row;
}

/**
 * Show `content` in a row under the report's (one at a time), or close it when already open.
 * @param {HTMLElement} row
 * @param {HTMLElement} content
 */
function openPanel(row, content) {
  const open = panelOf(row);
  const same = open?.dataset.kind === content.dataset.kind;
  open?.remove();
  if (same) return;
  const panel = h('tr', { className: 'confirm-row', 'data-kind': content.dataset.kind },
    h('td', { colspan: COLUMNS.length + 1 }, content));
  row.after(panel);
  /** @type {HTMLElement|null} */ (panel.querySelector('input, .danger'))?.focus();
}

/** @param {HTMLElement} row @returns {HTMLElement|null} */
function panelOf(row) {
  const next = /** @type {HTMLElement|null} */ (row.nextElementSibling);
  return next?.classList.contains('confirm-row') ? next : null;
}

/**
 * The people picker that gives the report to someone else.
 * @param {Host} host
 * @param {HTMLElement} row
 * @param {AdminReport} report
 */
function ownerPanel(host, row, report) {
  const picker = peoplePicker(host, {
    id: 'admin-owner-picker',
    label: `New owner of “${report.name}”`,
    onPick: (chosen) => changeOwner(host, row, report, chosen),
    exclude: () => (report.owner ? [report.owner] : []),
  });
  return h('div', { className: 'confirm', role: 'group', 'data-kind': 'owner',
    'aria-label': 'Change owner' }, picker.root,
  button('admin-cancel-owner', 'Cancel', () => panelOf(row)?.remove()));
}

/**
 * @param {Host} host
 * @param {HTMLElement} row
 * @param {AdminReport} report
 * @param {{accountId: string, displayName: string}} chosen
 */
async function changeOwner(host, row, report, chosen) {
  try {
    const saved = await assignOwner(host, report.id, chosen.accountId, report.version);
    replaceRow(host, row, saved);
    showInfo(`“${saved.name}” now belongs to ${chosen.displayName}.`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 409) {
      await reloadRow(host, row, report, error.current);
    } else if (error instanceof ApiError && error.status === 404) {
      dropRow(row, `“${report.name}” no longer exists.`);
    } else {
      showError(error, 'Could not change the owner');
    }
  }
}

/**
 * Someone changed the report after the page listed it: show it as it is now, and say so.
 * @param {Host} host
 * @param {HTMLElement} row
 * @param {AdminReport} report
 * @param {AdminReport} [current] the stored report, when the 409 carried it
 */
async function reloadRow(host, row, report, current) {
  try {
    const now = current ?? (await listAllReports(host)).find((r) => r.id === report.id);
    if (!now) return dropRow(row, `“${report.name}” was deleted meanwhile.`);
    replaceRow(host, row, now);
    showMessage('error', `“${report.name}” was changed meanwhile; its row now shows it as it `
      + 'is. Nothing was changed: choose the owner again if you still want to.');
  } catch (error) {
    showError(error, 'The report was changed meanwhile, and could not be reloaded');
  }
}

/**
 * The confirmation that deletes the report for everyone.
 * @param {Host} host
 * @param {HTMLElement} row
 * @param {AdminReport} report
 */
function deletePanel(host, row, report) {
  const remove = async () => {
    try {
      await removeReport(host, report.id);
      dropRow(row, `Deleted “${report.name}”.`);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        dropRow(row, `“${report.name}” was already deleted.`);
      } else {
        showError(error, 'Could not delete the report');
      }
    }
  };
  return h('div', { className: 'confirm', role: 'group', 'data-kind': 'delete',
    'aria-label': 'Confirm deletion' },
  h('span', null, `Delete “${report.name}” for everyone? This cannot be undone.`),
  button('admin-confirm-delete', 'Delete', remove, { className: 'danger' }),
  button('admin-cancel-delete', 'Cancel', () => panelOf(row)?.remove()));
}

/**
 * @param {Host} host
 * @param {HTMLElement} row
 * @param {AdminReport} report
 */
function replaceRow(host, row, report) {
  panelOf(row)?.remove();
  const fresh = reportRow(host, report);
  row.replaceWith(fresh);
  fillNames(host, fresh);
}

/** Take the row (and its panel) away and say why. @param {HTMLElement} row @param {string} text */
function dropRow(row, text) {
  panelOf(row)?.remove();
  row.remove();
  showInfo(text);
}
