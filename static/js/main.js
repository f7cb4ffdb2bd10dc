// Bootstrap: connect to the host, build the page, move between the list, a report and the editor;
// on the admin page, show every report of the site instead.
// @ts-check
import { showAdmin } from './admin/admin.js';
import { getReport } from './server/api.js';
import { h } from './ui/dom.js';
import { showEditor } from './editor/editor.js';
import { pickHost } from './host/hosts.js';
import { loadFields } from './jira/jira.js';
import { showList } from './list/list.js';
import { clearMessage, createMessageArea, showError } from './ui/messages.js';
import { LIST, openStart, showPlace } from './view/place.js';
import * as state from './view/state.js';
import { showReport, stopLoading } from './view/view.js';

/**
 * What every screen gets: the host, the page's project, the Jira fields and the ways to move on.
 * @typedef {import('./server/api.js').Report} Report
 * @typedef {{host: import('./host/host.js').Host, projectKey?: string,
 *   fields: () => Promise<Map<string, any>>, showList: (highlightId?: string) => Promise<void>,
 *   openReport: (report: Report|string, fresh?: boolean) => Promise<void>,
 *   editReport: (report: Report|string|null) => Promise<void>}} App
 */

const host = await pickHost();
const main = h('main', { className: 'page' });
let fieldsLoad = /** @type {Promise<Map<string, any>>|null} */ (null);
let screen = 0;

/** The site's Jira fields by id, loaded once (again after a failure). */
function fields() {
  fieldsLoad ??= loadFields(host)
    .then((list) => new Map(list.map((field) => [field.id, field])))
    .catch((error) => { fieldsLoad = null; throw error; });
  return fieldsLoad;
}

/**
 * Leave the screen (stop its load, clear its message), then run the next unless a newer came.
 * @param {string} failure what to say when it fails
 * @param {(isCurrent: () => boolean) => Promise<void>} next
 */
async function go(failure, next) {
  const ticket = ++screen;
  stopLoading();
  clearMessage();
  try {
    await next(() => ticket === screen);
  } catch (error) {
    if (ticket === screen) showError(error, failure);
  }
}

/** @param {Report|string} report */
const fetchReport = async (report) => (typeof report === 'string' ? getReport(host, report)
  : report);

/** @type {App} */
const app = {
  host,
  fields,
  showList: (id) => go('Could not load the reports', () => {
    showPlace(host, LIST);
    return showList(app, main, id);
  }),
  openReport: (report, fresh) => go('Could not open the report', async (isCurrent) => {
    const loaded = await fetchReport(report);
    if (isCurrent()) await showReport(app, main, loaded, fresh);
  }),
  editReport: (report) => go('Could not open the editor', async (isCurrent) => {
    const known = fields().catch((error) => {
      showError(error, 'Could not load the Jira fields');
      return new Map();
    });
    const [loaded, fieldMap] = await Promise.all([report ? fetchReport(report) : null, known]);
    if (isCurrent()) showEditor(app, main, loaded, fieldMap);
  }),
};

const context = await host.getContext();
app.projectKey = context.projectKey;
const heading = context.admin ? 'JQL Reports administration' : 'JQL Reports';
const title = h('header', { className: 'app-header' }, h('h1', null, heading),
  app.projectKey ? h('span', { className: 'project-chip' }, `Project ${app.projectKey}`) : null);
document.getElementById('app')?.append(title, createMessageArea(), main);
if (context.admin) {
  showAdmin(host, main);
} else {
  window.addEventListener('pagehide', state.drop);
  openStart(app);
}
