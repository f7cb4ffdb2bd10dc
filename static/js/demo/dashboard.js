// The demo's Jira dashboard: three gadgets of the app in their frames, with Jira's side of them.
// @ts-check
import { DEMO_USERS } from './data.js';
import { showUserSwitcher, startAsChosenUser } from './switcher.js';

/**
 * Jira keeps each gadget's settings (Connect: dashboard item properties; Forge: the gadget's
 * configuration). This page plays Jira, so it keeps them, in memory and in the tab's
 * sessionStorage, so that they outlive a reload of a gadget and of the page.
 */
const DASHBOARD = '10000';
// `?gadgets=1` shows the first only (bench/gadget.py measures one frame alone).
const COUNT = Math.min(3, Math.max(1, Number(new URLSearchParams(window.location.search)
  .get('gadgets')) || 3));
const ITEMS = ['1', '2', '3'].slice(0, COUNT);
const STORE_KEY = 'jqlr-demo-dashboard';
const OWNER = DEMO_USERS[0].user.accountId;

/** @returns {{properties: [string, any][], configurations: [string, any][]}} */
function restore() {
  try {
    const saved = JSON.parse(window.sessionStorage.getItem(STORE_KEY) ?? 'null');
    if (saved) return saved;
  } catch {
    // nothing kept, or storage refused: start empty
  }
  return { properties: [], configurations: [] };
}

/** A Map whose every change is kept for the tab. @extends {Map<string, any>} */
class KeptMap extends Map {
  /** @param {string} key @param {any} value */
  set(key, value) {
    super.set(key, value);
    keep();
    return this;
  }

  /** @param {string} key */
  delete(key) {
    const had = super.delete(key);
    keep();
    return had;
  }
}

const saved = restore();
let restored = false; // a Map's constructor calls set() for each entry it is given
const properties = new KeptMap(saved.properties);
const configurations = new KeptMap(saved.configurations);
restored = true;

function keep() {
  if (!restored) return;
  const state = { properties: [...properties], configurations: [...configurations] };
  try {
    window.sessionStorage.setItem(STORE_KEY, JSON.stringify(state));
  } catch {
    // storage refused: the settings live as long as the page
  }
}

const host = await fetch('/demo/config').then((answer) => answer.json()).then((c) => c.host)
  .catch(() => 'connect');

/** @param {string} item @param {boolean} [edit] the Forge gadget's edit view */
function frameUrl(item, edit = false) {
  const query = host === 'forge'
    ? new URLSearchParams({ gadget: item, ...(edit && { entryPoint: 'edit' }) })
    : new URLSearchParams({ dashboardId: DASHBOARD, dashboardItemId: item, view: 'default' });
  return `/demo/gadget?${query}`;
}

/** @param {string} item */
const frameOf = (item) => /** @type {HTMLIFrameElement} */ (
  document.querySelector(`[data-testid="gadget-frame-${item}"]`));

/** Jira's Configure in a gadget's menu. @param {string} item */
function configure(item) {
  const frame = frameOf(item);
  if (host === 'forge') frame.src = frameUrl(item, true);
  else /** @type {any} */ (frame.contentWindow)?.AP?.jira?.DashboardItem?.triggerEdit();
}

/** One gadget on the dashboard: its title bar and its frame. @param {string} item */
function gadgetCell(item) {
  const title = Object.assign(document.createElement('h2'), { textContent: 'JQL Reports' });
  title.setAttribute('data-testid', `gadget-chrome-title-${item}`);
  // Jira's gadget menu says Configure for a Connect item and Edit for a Forge gadget.
  const edit = Object.assign(document.createElement('button'), { type: 'button',
    textContent: host === 'forge' ? 'Edit' : 'Configure' });
  edit.setAttribute('data-testid', `configure-${item}`);
  edit.setAttribute('aria-label', `Configure gadget ${item}`);
  edit.addEventListener('click', () => configure(item));
  const frame = Object.assign(document.createElement('iframe'), { src: frameUrl(item),
    title: `Gadget ${item}` });
  frame.setAttribute('data-testid', `gadget-frame-${item}`);
  const bar = document.createElement('div');
  bar.className = 'demo-gadget-bar';
  bar.append(title, edit);
  const cell = document.createElement('section');
  cell.className = 'demo-gadget';
  cell.append(bar, frame);
  return cell;
}

Object.assign(window, {
  demoDashboard: {
    items: { dashboards: new Map([[DASHBOARD, { owner: OWNER, items: new Set(ITEMS) }]]),
      properties },
    setTitle: (/** @type {string} */ item, /** @type {string} */ title) => {
      const node = document.querySelector(`[data-testid="gadget-chrome-title-${item}"]`);
      if (node) node.textContent = title;
    },
    configuration: (/** @type {string} */ item) => configurations.get(item) ?? {},
    // Jira stores what the edit view submits, then shows the gadget's view again.
    submit: (/** @type {string} */ item, /** @type {any} */ payload) => {
      configurations.set(item, payload);
      frameOf(item).src = frameUrl(item);
    },
  },
});

showUserSwitcher(startAsChosenUser().accountId);
document.getElementById('gadgets')?.append(...ITEMS.map(gadgetCell));
