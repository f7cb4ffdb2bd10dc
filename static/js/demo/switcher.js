// The demo's user switcher: who the demo runs as, remembered for the tab, changed from a select.
// @ts-check
import { DEMO_USERS, useDemoUser } from './data.js';

/** Where the tab keeps the chosen person (sessionStorage: gone when the tab closes). */
const KEY = 'jqlr-demo-user';

/**
 * Use the demo as the person chosen in this tab (the first demo user until one is chosen):
 * /myself, currentUser() and the demo server's tokens all name them.
 */
export function startAsChosenUser() {
  let chosen = null;
  try {
    chosen = window.sessionStorage.getItem(KEY);
  } catch {
    // storage refused (a strict privacy setting): the demo runs as its first user
  }
  return useDemoUser(chosen);
}

/**
 * Put the "Demo user" select above the app, outside its <main>: choosing someone remembers
 * them for the tab and reloads the page as them, as signing in as someone else in Jira would.
 * @param {string} current the accountId the page runs as
 */
export function showUserSwitcher(current) {
  const select = document.createElement('select');
  select.id = 'demo-user';
  select.setAttribute('data-testid', 'demo-user');
  for (const { user, admin } of DEMO_USERS) {
    const label = `${user.displayName}${admin ? ' (Jira administrator)' : ''}`;
    select.append(new Option(label, user.accountId, false, user.accountId === current));
  }
  select.addEventListener('change', () => {
    window.sessionStorage.setItem(KEY, select.value);
    window.location.reload();
  });
  const label = Object.assign(document.createElement('label'),
    { htmlFor: 'demo-user', textContent: 'Demo user ' });
  const bar = document.createElement('aside');
  bar.className = 'demo-navigation';
  bar.setAttribute('aria-label', 'Demo');
  bar.append(label, select);
  document.body.prepend(bar);
}
