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
 * Whether the user owns a report. The server's canShare says it: only the owner may share, and
 * the server reads the user from the verified token, so the list needs no Jira call to know.
 * @param {ReportSummary} report
 */
export const isMine = (report) => report.owner !== null && report.canShare === true;

/**
 * The reports of a view: Mine, the user's own; Shared with me, those owned by someone else or
 * by no one; All, every report the server lists (the ones the user may view).
 * @param {View} view
 * @param {ReportSummary[]} reports
 */
export function inView(view, reports) {
  if (view === 'mine') return reports.filter(isMine);
  if (view === 'shared') return reports.filter((report) => !isMine(report));
  return reports;
}
