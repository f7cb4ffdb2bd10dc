// Bootstrap of a dashboard gadget: one saved report, refreshed on its interval or on demand.
// @ts-check
import { pickGadget } from '../host/gadget.js';
import { pickHost } from '../host/hosts.js';
import { button, h } from '../ui/dom.js';
import { readSettings } from './settings.js';
import { loadShown } from './show.js';

/** @typedef {import('./settings.js').Settings} Settings */

const host = await pickHost();
await host.getContext(); // Forge tells the site's address with the context
const gadget = await pickGadget(host);
const root = /** @type {HTMLElement} */ (document.getElementById('gadget'));
let settings = /** @type {Settings|null} */ (null);
let timer = /** @type {ReturnType<typeof setInterval>|undefined} */ (undefined);
let loads = 0;

/** Show what a line of text says, in place of the gadget's content. @param {...any} parts */
const say = (...parts) => root.replaceChildren(...parts);

/** Load the report again and show it; a newer load wins over an older one. */
async function refresh() {
  if (!settings) return;
  const ticket = ++loads;
  const status = root.querySelector('[data-testid="gadget-status"]');
  if (status) status.textContent = 'Refreshing…';
  else say(h('p', { className: 'gadget-loading', 'data-testid': 'gadget-status' }, 'Loading…'));
  try {
    const shown = await loadShown(host, settings);
    if (ticket !== loads) return;
    if (shown.kind === 'unavailable') say(unavailable());
    else show(shown.report, shown.body);
  } catch (error) {
    if (ticket === loads) say(failed(error));
  }
}

/** @param {import('../server/api.js').Report} report @param {HTMLElement} body */
function show(report, body) {
  gadget.setTitle(report.name);
  const path = gadget.reportPath(report.id);
  const site = host.siteUrl();
  const open = path ? h('a', { href: site ? `${site}${path}` : '#', target: '_top',
    'data-testid': 'gadget-open', onClick: (/** @type {MouseEvent} */ event) => {
      event.preventDefault();
      host.openPath(path);
    } }, 'Open full report') : null;
  const time = new Date();
  say(h('header', { className: 'gadget-header' },
    h('h2', { 'data-testid': 'gadget-title' }, report.name), open),
  body,
  h('footer', { className: 'gadget-footer' },
    h('span', { 'data-testid': 'gadget-status' }, 'Last refreshed ',
      h('time', { dateTime: time.toISOString(), 'data-testid': 'gadget-refreshed' },
        time.toLocaleTimeString(navigator.language, { timeStyle: 'short' }))),
    button('gadget-refresh', 'Refresh', refresh, { className: 'subtle' })));
  host.resize();
}

/** The answer for a deleted report or one not shared with the viewer. */
function unavailable() {
  return h('div', { className: 'empty', 'data-testid': 'gadget-unavailable' },
    h('p', null, 'This report is not available to you: it was deleted, or it is not '
      + 'shared with you.'),
    pickAnother());
}

/** A way to pick another report: the form, or where Jira offers it. */
function pickAnother() {
  if (gadget.configurable) {
    return button('gadget-pick', 'Pick another report', configure, { className: 'primary' });
  }
  return h('p', { 'data-testid': 'gadget-pick-hint' },
    'Choose Edit in the gadget\'s menu to pick a report.');
}

/** @param {any} error */
function failed(error) {
  return h('div', { className: 'empty', role: 'alert', 'data-testid': 'gadget-error' },
    h('p', null, `Could not load the report: ${error?.message ?? error}`),
    button('gadget-retry', 'Try again', refresh));
}

/** Start the interval of the current settings again. */
function schedule() {
  clearInterval(timer);
  if (settings) timer = setInterval(refresh, settings.refreshMinutes * 60_000);
}

/** Show the configuration form, then the report once saved. */
async function configure() {
  const before = settings;
  if (!gadget.configurable) {
    say(h('div', { className: 'empty', 'data-testid': 'gadget-unset' },
      h('p', null, 'No report picked yet.'), pickAnother()));
    return;
  }
  try {
    const { settingsForm } = await import('./edit.js'); // only when configuring
    say(await settingsForm(host, before, {
      onSave: async (chosen) => {
        await gadget.save(chosen);
        settings = chosen;
        schedule();
        if (!gadget.editing) await refresh();
      },
      onCancel: before && !gadget.editing ? refresh : null,
    }));
  } catch (error) {
    say(failed(error));
  }
  host.resize();
}

gadget.onEdit(configure);
try {
  settings = readSettings(await gadget.load());
} catch (error) {
  say(failed(error));
}
if (!settings || gadget.editing) await configure();
else {
  schedule();
  await refresh();
}
