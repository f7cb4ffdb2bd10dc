// The result table: group headers and issue rows, only those in view rendered, and a total.
// @ts-check
import {
  aggregateChips, cellContent, extraColumns, fieldName, isNumeric, issueCount, issueLink, kindOf,
  statusLozenge,
} from './cells.js';
import { button, h } from '../ui/dom.js';
import { groupLevels } from '../engine/drill.js';
import { markSorted, sortHeader } from './heads.js';
import { lineAt } from './lines.js';
import { drillLink } from './links.js';
import * as state from './state.js';
import { virtualBody } from './virtual.js';

/**
 * What the table's handlers keep: no issue data, which they read from state when called.
 * @typedef {{host: import('../host/host.js').Host, columns: any[], span: number, tbody: HTMLElement,
 *   body: import('./virtual.js').VirtualBody|null}} TableContext
 */

/** @param {any} field */
const numClass = (field) => (isNumeric(field) ? 'num' : null);

/**
 * The scrolling table of the open report, or null when nothing is held.
 * @param {import('../host/host.js').Host} host
 */
export function renderTable(host) {
  const data = state.current();
  const lines = state.lines();
  if (!data || !lines) return null;
  const columns = extraColumns(data.config)
    .map((id) => data.fields.get(id) ?? { id, name: fieldName(data.fields, id) });
  const tbody = h('tbody');
  /** @type {TableContext} */
  const context = { host, columns, span: columns.length + 1, tbody, body: null };
  const table = h('table', { className: 'report-table', 'data-testid': 'report-table',
    style: `min-width: ${120 * context.span}px` }, tableHead(context), tbody,
  grandTotal(context, data));
  const wrap = h('div', { className: 'table-wrap', role: 'region', tabindex: '0',
    'aria-label': 'Report rows', 'data-testid': 'table-scroll' }, table);
  context.body = virtualBody(wrap, tbody, context.span, (index) => lineRow(context, index));
  showLines(context, lines.count);
  return wrap;
}

/**
 * Show `count` lines, and tell assistive technology how many rows the whole table has.
 * @param {TableContext} context
 * @param {number} count
 */
function showLines(context, count) {
  context.body?.reset(count);
  const table = /** @type {HTMLTableElement|null} */ (context.tbody.parentElement);
  table?.setAttribute('aria-rowcount', String(count + 2));
  table?.tFoot?.rows[0]?.setAttribute('aria-rowindex', String(count + 2));
}

/** @param {TableContext} context */
function tableHead(context) {
  const onSort = (/** @type {string} */ field) => sortTable(context, field);
  const head = h('thead', null, h('tr', { 'aria-rowindex': 1 },
    sortHeader({ id: 'key', name: 'Key' }, 'key-col', onSort),
    context.columns.map((field) => sortHeader(field, numClass(field), onSort))));
  markSorted(head, state.current()?.sort ?? null);
  return head;
}

/**
 * Sort the view by a column from the issues in memory and show it from its first line; the
 * header's button keeps the focus.
 * @param {TableContext} context
 * @param {string} field
 */
function sortTable(context, field) {
  state.sortBy(field);
  const table = /** @type {HTMLTableElement|null} */ (context.tbody.parentElement);
  if (table?.tHead) markSorted(table.tHead, state.current()?.sort ?? null);
  const wrap = table?.parentElement;
  if (wrap) wrap.scrollTop = 0;
  showLines(context, state.lines()?.count ?? 0);
}

/**
 * @param {TableContext} context
 * @param {state.Held} data
 */
function grandTotal(context, data) {
  const { totals } = data.result;
  const missing = data.unloaded.length;
  const cell = h('th', { colspan: context.span, scope: 'row' },
    h('span', { className: 'total-label' }, 'Total'),
    h('span', { className: 'count' }, issueCount(totals.count)),
    missing ? h('span', { className: 'excluded' },
      `excluding ${issueCount(missing)} that could not be loaded`) : null,
    aggregateChips(data.fields, totals.values));
  const row = h('tr', { className: 'grand-total', 'data-testid': 'grand-total' }, cell);
  return h('tfoot', null, row);
}

/**
 * The row of one visible line: a group header or an issue.
 * @param {TableContext} context
 * @param {number} index
 */
function lineRow(context, index) {
  const lines = state.lines();
  const line = lines && index < lines.count ? lineAt(lines, index) : null;
  let row;
  if (!line) row = h('tr');
  else if (line.kind === 'group') row = groupHeader(context, line);
  else row = issueRow(context, line.issue, line.path, line.depth);
  row.setAttribute('aria-rowindex', String(index + 2));
  return row;
}

/**
 * @param {TableContext} context
 * @param {import('./lines.js').GroupLine} line
 */
function groupHeader(context, { group, keys, path, depth }) {
  const toggle = button(null, [h('span', { className: 'chevron', 'aria-hidden': 'true' }),
    groupLabel(group)], () => toggleGroup(context, path),
  { className: 'group-toggle', 'aria-expanded': String(state.isExpanded(path)) });
  const data = state.current();
  const total = data?.result.totals.count || 1;
  const share = depth ? null
    : h('span', { className: 'share' }, ` · ${Math.round((100 * group.count) / total)}%`);
  const cell = h('th', { colspan: context.span, scope: 'rowgroup' }, toggle,
    h('span', { className: 'count' }, groupDrill(context, group, keys), share),
    aggregateChips(data?.fields ?? new Map(), group.values));
  return h('tr', { className: `group-header depth-${depth}`, 'data-testid': 'group-header',
    'data-key': keys[keys.length - 1], 'data-path': path, 'data-depth': depth }, cell);
}

/**
 * A group's count as a link to its issues in Jira's issue search: every level of its path.
 * @param {TableContext} context
 * @param {any} group
 * @param {string[]} keys its path
 */
function groupDrill(context, group, keys) {
  const path = keys.map((_, depth) => state.groupAt(keys.slice(0, depth + 1)));
  const count = issueCount(group.count);
  return drillLink(context.host, groupLevels(path), count, { 'data-testid': 'group-drill',
    'aria-label': `${count} in ${group.label}, in Jira's issue search` });
}

/** @param {any} group */
function groupLabel(group) {
  const field = state.current()?.fields.get(group.field);
  if (kindOf(field) !== 'status' || !group.key) {
    return h('span', { className: 'group-label' }, group.label);
  }
  // The status object from the group's first issue; the first subgroup of the last level
  // has it too and its rows are few (a group's rows are made when first read).
  let first = group;
  while (first.children.length) first = first.children[0];
  const status = first.rows[0]?.fields?.[group.field];
  return status ? statusLozenge(status) : h('span', { className: 'group-label' }, group.label);
}

/**
 * Expand or collapse a group: the lines are flattened again and the window repainted; the
 * group's toggle keeps the focus.
 * @param {TableContext} context
 * @param {string} path
 */
function toggleGroup(context, path) {
  state.toggle(path);
  showLines(context, state.lines()?.count ?? 0);
  const header = [...context.tbody.querySelectorAll('tr.group-header')]
    .find((row) => row instanceof HTMLElement && row.dataset.path === path);
  header?.querySelector('button')?.focus();
}

/**
 * @param {TableContext} context
 * @param {any} issue
 * @param {string} path
 * @param {number} depth
 */
function issueRow(context, issue, path, depth) {
  const cells = context.columns.map((field) => h('td', { className: numClass(field) },
    cellContent(issue, field)));
  const key = h('td', { className: `key indent-${depth}` }, issueLink(context.host, issue.key));
  return h('tr', { className: 'issue-row', 'data-testid': 'issue-row', 'data-path': path },
    key, cells);
}
