// Time-series view: an SVG line chart with axes, legend and focusable points, and its data table.
// @ts-check
import { rangeLevel } from '../engine/drill.js';
import { button, formatNumber, h } from '../ui/dom.js';
import { svg } from './chart.js';
import { linkTo, viewJql } from './links.js';
import { computeSeries } from '../engine/series.js';

/**
 * @typedef {import('../engine/series.js').SeriesResult} SeriesResult
 * @typedef {import('../engine/series.js').SeriesBucket} SeriesBucket
 * @typedef {import('../host/host.js').Host} Host
 * @typedef {{left: number, top: number, width: number, height: number}} Plot
 */

const WIDTH = 900;
const HEIGHT = 300;
const PLOT = { left: 56, top: 16, width: WIDTH - 56 - 24, height: HEIGHT - 16 - 44 };
const MAX_X_LABELS = 10;
/** The first column of the data table and of the CSV, named after the interval. */
export const INTERVAL_NAMES = /** @type {Record<string, string>} */ ({
  day: 'Day', week: 'Week', month: 'Month', quarter: 'Quarter' });

/**
 * The series of the open report's shown issues, bucketed in the user's Jira time zone (the
 * browser's when Jira gave none).
 * @param {import('./state.js').Held} data
 */
export function seriesOf(data) {
  const timeSeries = /** @type {any} */ (data.config).timeSeries;
  return computeSeries(timeSeries, data.result.rows, data.fields,
    { timeZone: data.timeZone ?? undefined });
}

/**
 * Round tick values from 0 to at least `top`: 1, 2 or 5 times a power of ten apart.
 * @param {number} top the largest value shown
 * @param {number} [count] about how many steps
 * @returns {number[]}
 */
export function niceTicks(top, count = 4) {
  if (!(top > 0)) return [0, 1];
  const rough = top / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? rough;
  const round = (/** @type {number} */ n) => Number(n.toPrecision(12));  // 3 × 0.1 is 0.3
  return Array.from({ length: Math.ceil(top / step) + 1 }, (_, i) => round(i * step));
}

/**
 * The time-series figure: chart, legend, time-zone note, and its data table on request.
 * @param {Host} host
 * @param {SeriesResult} series
 * @param {boolean} zoneFromJira false when Jira gave no time zone
 */
export function renderSeries(host, series, zoneFromJira) {
  const names = series.series.map((line) => line.name).join(' and ');
  const title = `${names} per ${series.interval}${series.cumulative ? ', cumulative' : ''}`;
  const table = dataTable(series, title);
  table.hidden = true;
  const toggle = button('series-table-toggle', 'Show data table', () => {
    table.hidden = !table.hidden;
    toggle.textContent = table.hidden ? 'Show data table' : 'Hide data table';
    toggle.setAttribute('aria-expanded', String(!table.hidden));
  }, { className: 'subtle', 'aria-expanded': 'false', 'aria-controls': 'series-table' });
  const zone = zoneFromJira ? `Buckets use your Jira time zone, ${series.timeZone}.`
    : `Jira gave no time zone: buckets use this browser's, ${series.timeZone}.`;
  return h('figure', { className: 'chart series', 'data-testid': 'series' },
    h('figcaption', null, title), series.buckets.length ? lineSvg(host, series, title)
      : h('p', { className: 'empty' }, 'No issue has these dates.'),
    legend(series), h('p', { className: 'hint', 'data-testid': 'zone-note' }, zone),
    toggle, table);
}

/** @param {SeriesResult} series */
const legend = (series) => h('ul', { className: 'legend', 'data-testid': 'series-legend' },
  series.series.map((line, s) => h('li', null,
    h('span', { className: `swatch series-${s}`, 'aria-hidden': 'true' }), line.name)));

/**
 * @param {Host} host
 * @param {SeriesResult} series
 * @param {string} title
 */
function lineSvg(host, series, title) {
  const top = Math.max(0, ...series.buckets.flatMap((bucket) => bucket.values));
  const ticks = niceTicks(top);
  const n = series.buckets.length;
  const x = (/** @type {number} */ i) => PLOT.left + (n > 1 ? (i * PLOT.width) / (n - 1)
    : PLOT.width / 2);
  const scale = PLOT.height / ticks[ticks.length - 1];
  const y = (/** @type {number} */ v) => PLOT.top + PLOT.height - v * scale;
  const root = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, width: '100%', role: 'group',
    'aria-label': title, 'data-testid': 'series-chart', preserveAspectRatio: 'xMinYMin meet' });
  root.append(yAxis(ticks, y), xAxis(series.buckets, x));
  const tip = svg('text', { class: 'point-tip', 'aria-hidden': 'true', y: PLOT.top });
  series.series.forEach((line, s) => {
    const points = series.buckets.map((bucket, i) => `${x(i)},${y(bucket.values[s])}`);
    root.append(svg('polyline', { points: points.join(' '), class: `line series-${s}` }));
  });
  const first = series.buckets[0].bounds.start;
  series.series.forEach((line, s) => series.buckets.forEach((bucket, i) => {
    // a running total stands for every issue up to its bucket's end
    const range = series.cumulative ? { start: first, end: bucket.bounds.end } : bucket.bounds;
    root.append(point(host, { name: line.name, level: rangeLevel(line.field, range), bucket, s },
      [x(i), y(bucket.values[s])], tip));
  }));
  root.append(tip);
  return root;
}

/**
 * One focusable point: a link to the issues it counts, named "Created, 2026-W05: 12"; hover or
 * focus shows its value above the plot.
 * @param {Host} host
 * @param {{name: string, level: import('../engine/drill.js').DrillLevel, bucket: SeriesBucket,
 *   s: number}} what
 * @param {[number, number]} at
 * @param {SVGElement} tip
 */
function point(host, { name, level, bucket, s }, [cx, cy], tip) {
  const label = `${name}, ${bucket.label}: ${formatNumber(bucket.values[s])}`;
  const jql = viewJql([level]);
  const link = svg(jql === null ? 'g' : 'a', { class: 'point', 'aria-label': label,
    'data-testid': 'series-point', tabindex: 0, role: jql === null ? 'img' : null });
  link.append(svg('title', {}, label), svg('circle', { cx, cy, r: 4, class: `series-${s}` }));
  const show = () => {
    tip.textContent = label;
    tip.setAttribute('x', String(Math.min(cx, WIDTH - 200)));
  };
  link.addEventListener('mouseenter', show);
  link.addEventListener('focus', show);
  return jql === null ? link : linkTo(host, jql, link);
}

/**
 * @param {number[]} ticks
 * @param {(value: number) => number} y
 */
function yAxis(ticks, y) {
  const axis = svg('g', { class: 'axis y-axis', 'aria-hidden': 'true' });
  for (const tick of ticks) {
    axis.append(svg('line', { x1: PLOT.left, x2: PLOT.left + PLOT.width, y1: y(tick),
      y2: y(tick), class: tick ? 'grid' : 'baseline' }),
    svg('text', { x: PLOT.left - 8, y: y(tick) + 4, 'text-anchor': 'end' }, formatNumber(tick)));
  }
  return axis;
}

/**
 * Bucket labels under the plot, at most MAX_X_LABELS of them, evenly spread.
 * @param {SeriesBucket[]} buckets
 * @param {(index: number) => number} x
 */
function xAxis(buckets, x) {
  const axis = svg('g', { class: 'axis x-axis', 'aria-hidden': 'true' });
  const every = Math.ceil(buckets.length / MAX_X_LABELS);
  buckets.forEach((bucket, i) => {
    if (i % every) return;
    axis.append(svg('text', { x: x(i), y: PLOT.top + PLOT.height + 20, 'text-anchor': 'middle' },
      bucket.label));
  });
  return axis;
}

/**
 * The chart's accessible equivalent: one row per bucket, one column per series.
 * @param {SeriesResult} series
 * @param {string} title
 */
function dataTable(series, title) {
  const head = h('tr', null, h('th', { scope: 'col' }, INTERVAL_NAMES[series.interval]),
    series.series.map((line) => h('th', { scope: 'col' }, line.name)));
  const rows = series.buckets.map((bucket) => h('tr', null,
    h('th', { scope: 'row' }, bucket.label),
    bucket.values.map((value) => h('td', { className: 'num' }, formatNumber(value)))));
  return h('table', { className: 'data-table', id: 'series-table',
    'data-testid': 'series-table' }, h('caption', null, title), h('thead', null, head),
  h('tbody', null, rows));
}
