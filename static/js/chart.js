// Bar chart (SVG, built node by node) of the first grouping level by the first aggregation.
// @ts-check
import { aggregateText, aggregationLabel, fieldName, kindOf } from './cells.js';
import { formatNumber, h } from './dom.js';
import { statusCategory } from './report.js';

const SVG = 'http://www.w3.org/2000/svg';
const MAX_BARS = 30;
const WIDTH = 900;
const LABEL_WIDTH = 200;
const VALUE_WIDTH = 110;
const ROW = 26;
const BAR = 18;

/**
 * @param {string} tag
 * @param {Record<string, string|number>} attributes
 * @param {string} [text]
 */
function svg(tag, attributes, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * The chart of a result, or null when it is not grouped.
 * @param {any} config
 * @param {any} result
 * @param {Map<string, any>} fields
 */
export function renderChart(config, result, fields) {
  if (!result.groups.length) return null;
  const measure = config.aggregations[0];
  const bars = result.groups.slice(0, MAX_BARS)
    .map((/** @type {any} */ group) => toBar(fields, measure, group));
  const what = measure ? aggregationLabel(fields, measure) : 'Issues';
  const title = `${what} by ${fieldName(fields, config.groupBy[0])}`;
  const count = result.groups.length;
  const more = count > MAX_BARS
    ? h('p', { className: 'hint' }, `Showing the first ${MAX_BARS} of ${count} groups.`) : null;
  return h('figure', { className: 'chart' }, h('figcaption', null, title), barsSvg(title, bars),
    more);
}

/**
 * One bar: the group's first aggregate, or its issue count when the report has none.
 * @param {Map<string, any>} fields
 * @param {any} measure the first aggregation, if any
 * @param {any} group
 */
function toBar(fields, measure, group) {
  const aggregate = measure ? group.values[0] ?? { ...measure, value: null } : null;
  return {
    label: group.label,
    value: aggregate ? aggregate.value ?? 0 : group.count,
    text: aggregate ? aggregateText(fields, aggregate) : formatNumber(group.count, 0),
    category: barCategory(fields, group),
  };
}

/**
 * Status groups take their category's colour.
 * @param {Map<string, any>} fields
 * @param {any} group
 */
function barCategory(fields, group) {
  if (kindOf(fields.get(group.field)) !== 'status') return 'plain';
  return statusCategory(group.rows[0]?.fields?.[group.field]) || 'plain';
}

/**
 * @param {string} title
 * @param {{label: string, value: number, text: string, category: string}[]} bars
 */
function barsSvg(title, bars) {
  const height = bars.length * ROW + 4;
  const top = Math.max(0, ...bars.map((bar) => bar.value));
  const scale = top > 0 ? (WIDTH - LABEL_WIDTH - VALUE_WIDTH) / top : 0;
  const root = svg('svg', { viewBox: `0 0 ${WIDTH} ${height}`, width: '100%', role: 'img',
    'aria-label': title, 'data-testid': 'chart', preserveAspectRatio: 'xMinYMin meet' });
  root.style.maxHeight = `${height}px`;
  bars.forEach((bar, index) => root.appendChild(barRow(bar, index, scale)));
  return root;
}

/**
 * @param {{label: string, value: number, text: string, category: string}} bar
 * @param {number} index
 * @param {number} scale
 */
function barRow(bar, index, scale) {
  const y = index * ROW + 4;
  const label = bar.label.length > 28 ? `${bar.label.slice(0, 27)}…` : bar.label;
  const width = Math.max(bar.value > 0 ? 2 : 0, bar.value * scale);
  const row = svg('g', { class: 'bar-row' });
  const baseline = y + BAR - 5;
  row.append(svg('title', {}, `${bar.label}: ${bar.text}`),
    svg('text', { x: LABEL_WIDTH - 8, y: baseline, 'text-anchor': 'end', class: 'bar-label' },
      label),
    svg('rect', { x: LABEL_WIDTH, y, width, height: BAR, rx: 3, class: `bar bar-${bar.category}` }),
    svg('text', { x: LABEL_WIDTH + width + 6, y: baseline, class: 'bar-value' }, bar.text));
  return row;
}
