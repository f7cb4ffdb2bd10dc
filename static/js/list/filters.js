// The list's views: "Mine", "Shared with me" and "All", and the one chosen for this page.
// @ts-check

/**
 * @typedef {import('../server/api.js').ReportSummary} ReportSummary
 * @typedef {'mine'|'shared'|'all'} View
 */

/** The views in the order they are offered. */
export const VIEWS = /** @type {const} */ ([
  { key: 'mine', label: 'Mine', empty: 'You own no reports yet.' },
  { key: 'shared', label: 'Shared with me', empty: 'No one has shared a report with you yet.' },
  { key: 'all', label: 'All', empty: '' },
]);

/** The view chosen last, kept in this page's memory (not in any browser storage). */
let chosen = /** @type {View} */ ('all');

/** The view the list shows. */
export const chosenView = () => chosen;

/** @param {View} view */
export function chooseView(view) {
  chosen = view;
}

/**
 * Whether the user owns a report. `me` is the user's account id from Jira; when Jira gave none,
 * the server's canShare says it (only the owner may share).
 * @param {ReportSummary} report
 * @param {string|null} me
 */
export const isMine = (report, me) => (me ? report.owner === me : report.canShare === true);

/**
 * The reports of a view: Mine, the user's own; Shared with me, those owned by someone else or
 * by no one; All, every report the server lists (the ones the user may view).
 * @param {View} view
 * @param {ReportSummary[]} reports
 * @param {string|null} me
 */
export function inView(view, reports, me) {
  if (view === 'mine') return reports.filter((report) => isMine(report, me));
  if (view === 'shared') return reports.filter((report) => !isMine(report, me));
  return reports;
}
