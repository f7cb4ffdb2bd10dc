// Drill-down links: the issues behind a group, cell or point, in Jira's issue search via the host.
// @ts-check
import { h } from '../ui/dom.js';
import { drillJql, issueSearchUrl, levelJql } from '../engine/drill.js';
import { fieldValue, kindSpec } from '../engine/fields.js';
import * as state from './state.js';

/**
 * @typedef {import('../host/host.js').Host} Host
 * @typedef {import('../ui/dom.js').Child} Child
 * @typedef {import('../engine/drill.js').DrillLevel} DrillLevel
 */

/**
 * A drill-down link of the open report: to the issues its levels select (a group's path, a
 * pivot cell's row and column, a point's date range) among those the report shows now, so its
 * JQL, the levels and the active filters. Plain text when JQL cannot say it exactly.
 * @param {Host} host
 * @param {DrillLevel[]} levels
 * @param {Child} content
 * @param {Record<string, any>} [props]
 */
export const drillLink = (host, levels, content, props) =>
  searchLink(host, viewJql(levels), content, props);

/**
 * The JQL of the issues behind levels of the open report: `(<JQL>) AND <level> … AND
 * <filter> …`, a filter of several values as `(<value> OR <value>)`; null when nothing is
 * held or a part has no exact JQL.
 * @param {DrillLevel[]} levels
 * @returns {string|null}
 */
export function viewJql(levels) {
  const data = state.current();
  if (!data) return null;
  const base = drillJql(data.jql, levels, data.fields);
  const filters = (data.config.filters ?? []).map((filter) => filterJql(data, filter));
  if (base === null || filters.includes(null)) return null;
  return [base, ...filters].filter(Boolean).join(' AND ');
}

/**
 * One filter's condition: any of its values, each written as drill.js writes a group's.
 * @param {state.Held} data
 * @param {import('../server/api.js').Filter} filter
 */
function filterJql(data, { field, values }) {
  const known = data.fields.get(field) ?? { id: field };
  const items = itemsByKey(data.issues, known);
  const parts = values.map((key) => levelJql({ field, key, item: items.get(key) }, known));
  if (parts.includes(null)) return null;
  if (parts.length === 1) return parts[0];
  return `(${parts.map((part) => (part?.includes(' AND ') ? `(${part})` : part)).join(' OR ')})`;
}

/**
 * The field's values in the loaded issues by group key (the empty key has none), found once per
 * load and field.
 * @param {any[]} issues
 * @param {any} field
 * @returns {Map<string, any>}
 */
function itemsByKey(issues, field) {
  const byField = itemMaps.get(issues) ?? new Map();
  itemMaps.set(issues, byField);
  let items = byField.get(field.id);
  if (items) return items;
  const spec = kindSpec(field);
  items = new Map();
  for (const issue of issues) {
    for (const item of spec.items(fieldValue(issue, field.id))) items.set(spec.key(item), item);
  }
  byField.set(field.id, items);
  return items;
}

/** @type {WeakMap<any[], Map<string, Map<string, any>>>} */
const itemMaps = new WeakMap();

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
  return linkTo(host, jql, h('a', { className: 'drill-link', ...props }, content));
}

/**
 * Make an <a> (HTML or SVG: a chart's bar or point) a link to the issues of a JQL, as
 * searchLink describes.
 * @template {Element} T
 * @param {Host} host
 * @param {string} jql
 * @param {T} link
 * @returns {T}
 */
export function linkTo(host, jql, link) {
  const site = host.siteUrl();
  link.setAttribute('data-jql', jql);
  link.setAttribute('href', site ? issueSearchUrl(site, jql) : '#');
  if (site) link.setAttribute('target', '_top');
  link.addEventListener('click', (event) => {
    if (site && !isPlainClick(/** @type {MouseEvent} */ (event))) return;
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

