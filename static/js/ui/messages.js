// The message area: errors, notes and confirmations for the user, with an optional action button.
// @ts-check
import { ApiError } from '../server/api.js';
import { button, h } from './dom.js';

/** @type {HTMLElement|null} */
let area = null;

/** Create the (single) message area; main puts it at the top of the page. */
export function createMessageArea() {
  area = h('div', { className: 'message', role: 'alert', 'data-testid': 'message', hidden: true });
  return area;
}

/**
 * @typedef {{label: string, run: () => void, testid?: string}} MessageAction
 * @param {'error'|'info'|'success'} kind
 * @param {string} text
 * @param {MessageAction} [action]
 */
export function showMessage(kind, text, action) {
  if (!area) return;
  const run = () => {
    clearMessage();
    action?.run();
  };
  const act = action ? button(action.testid ?? null, action.label, run) : null;
  const close = button('dismiss-message', '×', clearMessage,
    { className: 'subtle close', 'aria-label': 'Dismiss message' });
  area.className = `message message-${kind}`;
  const parts = [h('span', { className: 'message-text' }, text), ...(act ? [act] : []), close];
  area.replaceChildren(...parts);
  area.hidden = false;
  if (kind === 'error') area.scrollIntoView?.({ block: 'nearest' });
}

/**
 * Show an error from Jira, our server or the browser in words a user can act on.
 * @param {unknown} error
 * @param {string} [doing] what failed, e.g. "Could not save the report"
 * @param {MessageAction} [action]
 */
export function showError(error, doing, action) {
  const text = errorText(error);
  showMessage('error', doing ? `${doing}: ${text}` : text, action);
}

/** @param {string} text */
export function showInfo(text) {
  showMessage('success', text);
}

export function clearMessage() {
  if (!area) return;
  area.hidden = true;
  area.replaceChildren();
}

/** @param {any} error */
function errorText(error) {
  if (error?.status === 401) return 'Your session has expired. Reload the page to sign in again.';
  if (error instanceof ApiError) return error.message;
  return error?.message ? String(error.message) : 'Something went wrong.';
}
