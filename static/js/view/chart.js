// Bar chart (SVG, built node by node) of the first grouping level, stacked by the second.
// @ts-check
import { aggregateText, aggregationLabel, fieldName, kindOf } from './cells.js';
import { formatNumber, h } from '../ui/dom.js';
import { groupLevels, otherLevel } from '../engine/drill.js';
import { linkTo, viewJql } from './links.js';
import { computeReport, grouping, statusCategory } from '../engine/report.js';

/**
 * @typedef {{label: string, key: string, value: number, text: string, levels: any[]}} Part
 * @typedef {Part & {category: string, segments: Part[]}} Bar  segments: the second level's
 *   groups when the report has two levels
 * @typedef {import('../host/host.js').Host} Host
 */

const SVG = 'http://www.w3.org/2000/svg';
const MAX_BARS = 30;
const WIDTH = 900;
const LABEL_WIDTH = 200;
const VALUE_WIDTH = 110;
const ROW = 26;
const BAR = 18;
const SEGMENT_COLOURS = 10;  // addon.css: .segment-0 … .segment-9

/**
 * An SVG element; null and undefined attributes are left out.
 * @param {string} tag
 * @param {Record<string, string|number|null|undefined>} attributes
 * @param {string} [text]
 */
export function svg(tag, attributes, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined) node.setAttribute(name, String(value));
  }
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * The chart of a result, or null when it is not grouped: the first MAX_BARS groups, and an
 * "Other" bar for the issues of the rest.
 * @param {Host} host
 * @param {any} config
 * @param {any} result
 * @param {Map<string, any>} fields
 */
export function renderChart(host, config, result, fields) {
  if (!result.groups.length) return null;
  const measure = config.aggregations[0];
  const shown = result.groups.slice(0, MAX_BARS);
  const bars = shown.map((/** @type {any} */ group) => toBar(fields, measure, group));
  const rest = result.groups.slice(MAX_BARS);
  if (rest.length) bars.push(otherBar(fields, measure, shown, rest));
  const what = measure ? aggregationLabel(fields, measure) : 'Issues';
  const stackedBy = config.groupBy.length > 1 ? fieldName(fields, grouping(config.groupBy[1]).field)
    : '';
  const title = `${what} by ${fieldName(fields, grouping(config.groupBy[0]).field)}`
    + (stackedBy ? ` and ${stackedBy}` : '');
  const keys = stackedBy ? segmentKeys(bars) : new Map();
  return h('figure', { className: 'chart' }, h('figcaption', null, title),
    barsSvg(host, title, bars, keys), stackedBy ? legend(keys) : null);
}

/**
 * One bar: the group's first aggregate, or its issue count when the report has none; its
 * second-level groups as segments.
 * @param {Map<string, any>} fields
 * @param {any} measure the first aggregation, if any
 * @param {any} group
 * @param {any[]} [path] the groups above
 * @returns {Bar}
 */
function toBar(fields, measure, group, path = []) {
  const aggregate = measure ? group.values[0] ?? { ...measure, value: null } : null;
  const levels = groupLevels([...path, group]);
  return {
    label: group.label, key: group.key, levels,
    value: aggregate ? aggregate.value ?? 0 : group.count,
    text: aggregate ? aggregateText(fields, aggregate) : formatNumber(group.count, 0),
    category: barCategory(fields, group),
    segments: path.length ? [] : group.children.map((/** @type {any} */ child) =>
      toBar(fields, measure, child, [group])),
  };
}

/**
 * "Other": the issues of the groups past the limit, each counted once and aggregated as one.
 * @param {Map<string, any>} fields
 * @param {any} measure
 * @param {any[]} shown
 * @param {any[]} rest
 * @returns {Bar}
 */
function otherBar(fields, measure, shown, rest) {
  const issues = [...new Set(rest.flatMap((group) => group.rows))];
  const { totals } = computeReport({ aggregations: measure ? [measure] : [] }, issues, fields);
  const value = measure ? totals.values[0]?.value ?? 0 : totals.count;
  const empty = rest.some((group) => group.item === undefined);
  return { label: 'Other', key: '', value, category: 'plain', segments: [],
    text: measure ? aggregateText(fields, totals.values[0]) : formatNumber(value, 0),
    levels: [otherLevel(shown[0].field, shown, empty)] };
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
 * The second level's values in order of appearance, each with its colour's number.
 * @param {Bar[]} bars
 * @returns {Map<string, {label: string, colour: number}>}
 */
function segmentKeys(bars) {
  const keys = new Map();
  for (const part of bars.flatMap((bar) => bar.segments)) {
    if (!keys.has(part.key)) keys.set(part.key, { label: part.label,
      colour: keys.size % SEGMENT_COLOURS });
  }
  return keys;
}

/** @param {Map<string, {label: string, colour: number}>} keys */
const legend = (keys) => h('ul', { className: 'legend', 'data-testid': 'chart-legend' },
  [...keys.values()].map(({ label, colour }) => h('li', null,
    h('span', { className: `swatch segment-${colour}`, 'aria-hidden': 'true' }), label)));

/**
 * @param {Host} host
 * @param {string} title
 * @param {Bar[]} bars
 * @param {Map<string, {label: string, colour: number}>} keys
 */
function barsSvg(host, title, bars, keys) {
  const height = bars.length * ROW + 4;
  const length = (/** @type {Bar} */ bar) => (bar.segments.length
    ? bar.segments.reduce((sum, part) => sum + part.value, 0) : bar.value);
  const top = Math.max(0, ...bars.map(length));
  const scale = top > 0 ? (WIDTH - LABEL_WIDTH - VALUE_WIDTH) / top : 0;
  const root = svg('svg', { viewBox: `0 0 ${WIDTH} ${height}`, width: '100%', role: 'group',
    'aria-label': title, 'data-testid': 'chart', preserveAspectRatio: 'xMinYMin meet' });
  root.style.maxHeight = `${height}px`;
  bars.forEach((bar, index) => root.appendChild(barRow(host, bar, index * ROW + 4,
    { scale, keys, length: length(bar) })));
  return root;
}

/**
 * One bar's row: its label, its bar or segments, each a link to its issues, and its value.
 * @param {Host} host
 * @param {Bar} bar
 * @param {number} y
 * @param {{scale: number, keys: Map<string, {colour: number}>, length: number}} how
 */
function barRow(host, bar, y, { scale, keys, length }) {
  const label = bar.label.length > 28 ? `${bar.label.slice(0, 27)}…` : bar.label;
  const baseline = y + BAR - 5;
  const row = svg('g', { class: 'bar-row', 'data-testid': 'bar', 'data-key': bar.key });
  const parts = bar.segments.length ? bar.segments : [bar];
  let x = LABEL_WIDTH;
  row.append(svg('text', { x: LABEL_WIDTH - 8, y: baseline, 'text-anchor': 'end',
    class: 'bar-label' }, label));
  for (const part of parts) {
    const width = Math.max(part.value > 0 ? 2 : 0, part.value * scale);
    const colour = bar.segments.length ? `segment segment-${keys.get(part.key)?.colour}`
      : `bar bar-${bar.category}`;
    row.append(partLink(host, part, bar.segments.length ? `${bar.label}, ` : '',
      svg('rect', { x, y, width, height: BAR, rx: 3, class: colour })));
    x += width;
  }
  row.append(svg('text', { x: LABEL_WIDTH + length * scale + 6, y: baseline,
    class: 'bar-value' }, bar.text));
  return row;
}

/**
 * A bar or segment as a link to its issues (a plain group when JQL cannot say which).
 * @param {Host} host
 * @param {Part} part
 * @param {string} prefix the bar's label, before a segment's
 * @param {SVGElement} shape
 */
function partLink(host, part, prefix, shape) {
  const name = `${prefix}${part.label}: ${part.text}`;
  const jql = viewJql(part.levels);
  const node = svg(jql === null ? 'g' : 'a', { 'aria-label': name, class: 'bar-link',
    'data-testid': prefix ? 'segment' : null });
  node.append(svg('title', {}, name), shape);
  return jql === null ? node : linkTo(host, jql, node);
}
