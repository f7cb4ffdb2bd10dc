// A demo gadget frame's ties to the demo dashboard around it, which holds Jira's side.
// @ts-check

/**
 * What the dashboard page (dashboard.js) offers its frames, as Jira's dashboard would.
 * @typedef {{
 *   items: import('./dashboard-items.js').Dashboards,
 *   setTitle(itemId: string, title: string): void,
 *   configuration(itemId: string): any,
 *   submit(itemId: string, payload: any): void,
 * }} DemoDashboard
 */

/** Jira's state when the frame is on no dashboard: no dashboards, so every property is a 404. */
const NOWHERE = { dashboards: new Map(), properties: new Map() };

/** The dashboard page around this frame, or null. @returns {DemoDashboard|null} */
export function demoDashboard() {
  try {
    return window.parent !== window ? /** @type {any} */ (window.parent).demoDashboard ?? null
      : null;
  } catch {
    return null;
  }
}

/** This frame's dashboard item id (`dashboardItemId` for Connect, `gadget` for Forge). */
export function itemId() {
  const params = new URLSearchParams(window.location.search);
  return params.get('dashboardItemId') ?? params.get('gadget') ?? '';
}

/** The dashboard item properties this frame's Jira answers from. */
export const dashboardItems = () => demoDashboard()?.items ?? NOWHERE;

/**
 * all.js's jira module as far as a dashboard item uses it (atlassian-connect-js, jira module):
 * DashboardItem.onDashboardItemEdit(listener) keeps one listener, which Jira calls when the
 * user picks Configure (here the dashboard page calls DashboardItem.triggerEdit());
 * setDashboardItemTitle(title); isDashboardItemEditable(callback).
 */
export function apJira() {
  let listener = /** @type {Function|null} */ (null);
  return {
    DashboardItem: {
      onDashboardItemEdit: (/** @type {Function} */ given) => { listener = given; },
      triggerEdit: () => listener?.(),
    },
    setDashboardItemTitle: (/** @type {string} */ title) =>
      demoDashboard()?.setTitle(itemId(), String(title)),
    isDashboardItemEditable: (/** @type {Function} */ callback) => callback(true),
  };
}

/**
 * What view.getContext() adds in a jira:dashboardGadget frame (the module's extension
 * context: gadgetConfiguration, dashboard.id, gadget.id; entryPoint `edit` in its edit view).
 */
export function gadgetExtension() {
  const params = new URLSearchParams(window.location.search);
  const dashboard = demoDashboard();
  return { type: 'jira:dashboardGadget', dashboard: { id: '10000' }, gadget: { id: itemId() },
    gadgetConfiguration: dashboard?.configuration(itemId()) ?? {},
    ...(params.get('entryPoint') === 'edit' && { entryPoint: 'edit' }) };
}

/**
 * view.submit (@forge/bridge 7.2.0, out/view/submit.js: throws "this resource's view is not
 * submittable." when the host refuses): only the gadget's edit view submits.
 * @param {any} payload
 */
export async function submitGadget(payload) {
  const dashboard = demoDashboard();
  if (!dashboard || new URLSearchParams(window.location.search).get('entryPoint') !== 'edit') {
    throw new Error("this resource's view is not submittable.");
  }
  dashboard.submit(itemId(), JSON.parse(JSON.stringify(payload ?? {})));
}

/** Whether this page is a gadget inside the demo dashboard. */
export const inDashboard = () => demoDashboard() !== null;
