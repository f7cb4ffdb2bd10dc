// People named on screen ("by …"): Jira display names, kept in this page's memory only.
// @ts-check
import { h } from './dom.js';
import { loadUsers } from '../jira/jira.js';

/** @typedef {import('../jira/retry.js').Host} Host */

/** accountId → displayName, as Jira gave them; gone when the page closes. */
const known = new Map();

/**
 * How to name a person: the display name once Jira gave it, else a shortened account id.
 * @param {string} accountId
 */
export function personLabel(accountId) {
  const name = known.get(accountId);
  if (name) return name;
  return accountId.length > 6 ? `user ${accountId.slice(0, 6)}…` : `user ${accountId}`;
}

/**
 * A text element naming a person; fillNames puts the display name in when it arrives.
 * @param {string} accountId
 */
export function person(accountId) {
  return h('span', { className: 'person', 'data-account-id': accountId }, personLabel(accountId));
}

/**
 * Ask Jira for the names of the people shown under `root` that are not known yet, then show
 * every known one. Never rejects: people Jira does not name keep their short id.
 * @param {Host} host
 * @param {ParentNode} root
 */
export async function fillNames(host, root) {
  /** @type {HTMLElement[]} */
  const shown = [...root.querySelectorAll('[data-account-id]')];
  const ids = shown.map((el) => el.dataset.accountId ?? '');
  const missing = ids.filter((id) => id && !known.has(id));
  if (missing.length) {
    for (const [id, name] of await loadUsers(host, missing)) known.set(id, name);
  }
  shown.forEach((el, n) => (el.textContent = personLabel(ids[n])));
}

/**
 * Keep the names of people Jira answered elsewhere (a people search), so person() shows them.
 * @param {Iterable<{accountId: string, displayName: string}>} people
 */
export function rememberNames(people) {
  for (const { accountId, displayName } of people) known.set(accountId, displayName);
}
