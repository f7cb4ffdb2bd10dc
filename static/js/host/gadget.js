// What a dashboard gadget asks of its host: its stored settings, Jira's edit, its title, links.
// @ts-check

/**
 * @typedef {{
 *   editing: boolean,
 *   configurable: boolean,
 *   load(): Promise<any>,
 *   save(settings: import('../gadget/settings.js').Settings): Promise<void>,
 *   onEdit(listener: () => void): void,
 *   setTitle(title: string): void,
 *   reportPath(reportId: string): string|null,
 * }} Gadget  editing: the frame was opened to configure the gadget (Forge's edit entry
 *   point); configurable: the settings can be changed in this frame (Forge's view cannot:
 *   the user picks Edit in the gadget's menu); load: the stored settings value, null when
 *   none; onEdit: Jira's "Configure" on a gadget already shown (Connect); reportPath: the
 *   site-relative address of the app's page showing a report, null when unknown
 */

// Built into the Forge resource only (forge/build.mjs), as in hosts.js.
const FORGE_BRIDGE = '../vendor/forge-bridge.js';

/**
 * The Gadget of this frame: Connect when all.js gave us AP, Forge otherwise.
 * @param {import('./host.js').Host} host
 * @returns {Promise<Gadget>}
 */
export async function pickGadget(host) {
  const page = /** @type {any} */ (globalThis);
  if (page.AP) return connectGadget(page.AP, host.requestJira);
  const bridge = page.forgeBridge ?? (await import(FORGE_BRIDGE));
  return forgeGadget(bridge, await bridge.view.getContext());
}

/** The dashboard item property holding a Connect gadget's settings (at most 255 characters). */
export const PROPERTY_KEY = 'jql-reports-gadget';

/**
 * The Connect dashboard item of this frame: Jira fills the module URL's `{dashboard.id}`,
 * `{dashboardItem.id}` and `{dashboardItem.viewType}` (developer.atlassian.com/cloud/jira/
 * platform/modules/dashboard-item/), which atlassian-connect.json names as below.
 * @param {any} AP
 * @param {(path: string, options?: any) => Promise<import('./host.js').HostResponse>} requestJira
 * @returns {Gadget}
 */
export function connectGadget(AP, requestJira) {
  const params = new URLSearchParams(window.location.search);
  const path = `/rest/api/3/dashboard/${encodeURIComponent(params.get('dashboardId') ?? '')}`
    + `/items/${encodeURIComponent(params.get('dashboardItemId') ?? '')}`
    + `/properties/${PROPERTY_KEY}`;
  return {
    editing: false,
    configurable: true,
    // Get dashboard item property: 200 {key, value}; 404 while none is set (Jira's OpenAPI).
    load: async () => {
      const answer = await requestJira(path);
      if (answer.status === 404) return null;
      if (!answer.ok) throw new Error(jiraMessage(answer, 'read'));
      return answer.body?.value ?? null;
    },
    // Set dashboard item property: 200 or 201; 403 for a user who does not own the dashboard.
    save: async (settings) => {
      const answer = await requestJira(path, { method: 'PUT', body: settings });
      if (!answer.ok) throw new Error(jiraMessage(answer, 'save'));
    },
    // all.js's jira module: DashboardItem.onDashboardItemEdit(listener), called when the user
    // picks Configure in the gadget's menu (atlassian-connect-js, jira module; Atlassian's
    // dashboard item example app reaches it through AP.require(['jira'], …), kept for an
    // all.js that has no AP.jira.DashboardItem).
    onEdit: (listener) => {
      if (AP.jira?.DashboardItem) AP.jira.DashboardItem.onDashboardItemEdit(listener);
      else AP.require?.(['jira'], (/** @type {any} */ jira) =>
        jira.DashboardItem.onDashboardItemEdit(listener));
    },
    setTitle: (title) => AP.jira?.setDashboardItemTitle?.(title),
    // A Connect general page lives at /plugins/servlet/ac/<app key>/<module key>; the app
    // keeps its place in the anchor (AP.history): `#!report=<id>`.
    reportPath: (id) => `/plugins/servlet/ac/jql-reports/reports-all#!report=${
      encodeURIComponent(id)}`,
  };
}

/**
 * The Forge gadget of this frame (jira:dashboardGadget): its settings are the gadget's
 * configuration, which Jira hands back in the context (`extension.gadgetConfiguration`,
 * the module's extension context) and which the edit entry point stores with view.submit.
 * @param {{view: {getContext(): Promise<any>, submit(payload?: any): Promise<void>}}} bridge
 * @param {any} context the answer of view.getContext()
 * @returns {Gadget}
 */
export function forgeGadget(bridge, context) {
  const app = forgeApp(context?.localId);
  return {
    editing: context?.extension?.entryPoint === 'edit',
    configurable: context?.extension?.entryPoint === 'edit',
    load: async () => context?.extension?.gadgetConfiguration ?? null,
    // `refresh` (minutes) is Jira's own reload interval for the gadget (module docs,
    // "Auto-refresh"); the gadget keeps its own timer as well.
    save: (settings) => bridge.view.submit({ ...settings, refresh: settings.refreshMinutes }),
    onEdit: () => {},
    setTitle: () => {},
    // A Forge global page lives at /jira/apps/<app id>/<environment id>; the app keeps its
    // place in the query below it (view.createHistory).
    reportPath: (id) => (app ? `/jira/apps/${app}?report=${encodeURIComponent(id)}` : null),
  };
}

/**
 * `<app id>/<environment id>` from a Forge localId
 * (`ari:cloud:ecosystem::extension/<app id>/<environment id>/static/<module key>`), or null.
 * @param {any} localId
 */
function forgeApp(localId) {
  const match = /^ari:cloud:ecosystem::extension\/([\w-]+)\/([\w-]+)\//.exec(String(localId));
  return match ? `${match[1]}/${match[2]}` : null;
}

/** @param {import('./host.js').HostResponse} answer @param {string} doing */
function jiraMessage(answer, doing) {
  const said = answer.body?.errorMessages?.[0];
  const reason = said ? `: ${said}` : ` (Jira answered ${answer.status})`;
  if (answer.status === 403) {
    return `Only the dashboard's owner can ${doing} its gadgets' settings.`;
  }
  return `Could not ${doing} the gadget's settings${reason}`;
}
