// Cell content per field type (lozenges, lists, links) and the wording of aggregate values.
// @ts-check
import { formatNumber, h } from '../ui/dom.js';
import { cellText, fieldKind, fieldValue, groupKeys, statusCategory } from '../engine/report.js';

/** Kinds whose values are lists, shown one item per line. */
const LIST_KINDS = new Set(['users', 'options', 'strings', 'components', 'versions', 'sprint']);
const NUMBER_KINDS = new Set(['number', 'duration', 'count', 'votes', 'watches']);
const FUNCTION_LABELS = /** @type {Record<string, string>} */ ({
  count: 'Count', sum: 'Sum', avg: 'Average', min: 'Minimum', max: 'Maximum', distinct: 'Distinct',
});
const locale = () => navigator.language;

/** The issue key is always the first column, so a configured key column is not repeated. */
const KEY_FIELDS = new Set(['issuekey', 'key']);

/**
 * The report's columns after the issue key.
 * @param {{columns: string[]}} config
 */
export function extraColumns(config) {
  return config.columns.filter((id) => !KEY_FIELDS.has(id));
}

/**
 * A field's display name; unknown ids show as themselves.
 * @param {Map<string, any>} fields
 * @param {string} id
 */
export function fieldName(fields, id) {
  return fields.get(id)?.name ?? (id === 'key' ? fields.get('issuekey')?.name ?? 'Key' : id);
}

/** @param {any} field */
export function kindOf(field) {
  return field ? fieldKind(field) : 'any';
}

/**
 * The content of one table cell.
 * @param {any} issue
 * @param {any} field
 * @returns {Node}
 */
export function cellContent(issue, field) {
  const value = fieldValue(issue, field.id);
  const kind = kindOf(field);
  if (kind === 'status' && value) return statusLozenge(value);
  if (LIST_KINDS.has(kind) && Array.isArray(value) && value.length > 1) {
    const items = groupKeys(issue, field).map(({ label }) => h('li', null, label));
    return h('ul', { className: 'cell-list' }, items);
  }
  const text = cellText(value, field, locale());
  if (kind === 'adf') {
    return h('span', { className: 'rich-text', title: text.slice(0, 1000) }, text);
  }
  return document.createTextNode(text);
}

/**
 * A status as a lozenge coloured by its category.
 * @param {any} status
 */
export function statusLozenge(status) {
  const category = statusCategory(status) || 'none';
  return h('span', { className: `lozenge lozenge-${category}` }, status?.name ?? '');
}

/**
 * Whether a field's cells are right-aligned numbers.
 * @param {any} field
 */
export function isNumeric(field) {
  return NUMBER_KINDS.has(kindOf(field));
}

/**
 * "Sum of Story point estimate" and the like.
 * @param {Map<string, any>} fields
 * @param {{field: string, function: string}} aggregation
 */
export function aggregationLabel(fields, aggregation) {
  const name = fieldName(fields, aggregation.field);
  if (aggregation.function === 'distinct') return `Distinct ${name}`;
  return `${FUNCTION_LABELS[aggregation.function] ?? aggregation.function} of ${name}`;
}

/**
 * The value of an aggregate as text: counts as integers, durations as "1d 2h", dates per locale.
 * @param {Map<string, any>} fields
 * @param {{field: string, function: string, value: number|null}} aggregate
 */
export function aggregateText(fields, aggregate) {
  const { value } = aggregate;
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  const counted = aggregate.function === 'count' || aggregate.function === 'distinct';
  return counted ? formatNumber(value, 0) : measureText(fields.get(aggregate.field), value);
}

/**
 * A sum, average, minimum or maximum in the field's terms (dates arrive as epoch ms).
 * @param {any} field
 * @param {number} value
 */
function measureText(field, value) {
  const kind = kindOf(field);
  const date = new Date(value);
  const dateStyle = 'medium';
  if (kind === 'date') return date.toLocaleDateString(locale(), { dateStyle, timeZone: 'UTC' });
  if (kind === 'datetime') return date.toLocaleString(locale(), { dateStyle, timeStyle: 'short' });
  if (kind === 'duration') return cellText(Math.round(value), field, locale()) || '0m';
  return formatNumber(value);
}

/**
 * An issue key as a link to the issue; a click navigates the Jira page through the host.
 * @param {import('../host/host.js').Host} host
 * @param {string} key
 */
export function issueLink(host, key) {
  const href = host.issueHref(key);
  const link = h('a', { href: href ?? '#', target: href ? '_top' : null, className: 'issue-key' },
    key);
  link.addEventListener('click', (event) => {
    if (href && (event.ctrlKey || event.metaKey || event.shiftKey)) return;
    event.preventDefault();
    host.openIssue(key);
  });
  return link;
}

/** @param {number} count */
export function issueCount(count) {
  return count === 1 ? '1 issue' : `${formatNumber(count, 0)} issues`;
}

/**
 * Aggregate values as "Sum of Story point estimate: 120" chips.
 * @param {Map<string, any>} fields
 * @param {any[]} values
 */
export function aggregateChips(fields, values) {
  return values.map((value) => h('span', { className: 'aggregate' },
    `${aggregationLabel(fields, value)}: `, h('strong', null, aggregateText(fields, value))));
}
