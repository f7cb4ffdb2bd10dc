// Drill-down links: an issue-search link that opens through the host on a plain click.
// @ts-check
import { h } from './dom.js';
import { issueSearchUrl } from './drill.js';

/**
 * @typedef {import('./host.js').Host} Host
 * @typedef {import('./dom.js').Child} Child
 */

/** The site-relative path of Jira's issue search for a JQL (contracts.md, "Drill-down URL").
 * @param {string} jql */
export const searchPath = (jql) => issueSearchUrl('', jql);

/**
 * A link to the issues of a JQL in Jira's issue search. Its href is the real search address,
 * so middle-click, a modified click and "Copy link" work; a plain left click opens the search
 * through the host instead (the app's frame cannot navigate Jira's page itself). A null JQL
 * (a value JQL cannot state exactly) gives the content as plain text.
 * @param {Host} host
 * @param {string|null} jql from drill.js's drillJql
 * @param {Child} content
 * @param {Record<string, any>} [props] more props, e.g. aria-label, data-testid
 * @returns {HTMLElement}
 */
export function searchLink(host, jql, content, props = {}) {
  if (jql === null) return h('span', { className: props.className ?? null }, content);
  const site = host.siteUrl();
  const link = h('a', { className: 'drill-link', ...props, 'data-jql': jql,
    href: site ? issueSearchUrl(site, jql) : '#', target: site ? '_top' : null }, content);
  link.addEventListener('click', (event) => {
    if (site && !isPlainClick(event)) return;
    event.preventDefault();
    host.openPath(searchPath(jql));
  });
  return link;
}

/**
 * A click the page should handle: the main button with no modifier key. Any other click is the
 * browser's (new tab, new window, download).
 * @param {MouseEvent} event
 */
export const isPlainClick = (event) => event.button === 0 && !event.ctrlKey && !event.metaKey
  && !event.shiftKey && !event.altKey;
