// A virtual table body: only the rows in and near view exist, two spacer rows stand for the rest.
// @ts-check
import { h } from '../ui/dom.js';
import { covers, windowOf } from './lines.js';

/** Every body row is this tall (addon.css keeps them so), which makes positions arithmetic. */
export const ROW_HEIGHT = 36;
/** Until the scroll container is laid out, render as if it were this tall. */
const FIRST_HEIGHT = 900;

/**
 * @typedef {{start: number, end: number, rows: HTMLElement[]}} Shown
 * @typedef {{reset: (count: number) => void}} VirtualBody
 */

/**
 * Make `body` show `count` lines (set by reset) as a window over the scroll container `wrap`.
 * @param {HTMLElement} wrap the element that scrolls
 * @param {HTMLElement} body the tbody
 * @param {number} span the number of columns
 * @param {(index: number) => HTMLElement} renderRow builds the row of one line
 * @returns {VirtualBody}
 */
export function virtualBody(wrap, body, span, renderRow) {
  const top = spacer(span);
  const bottom = spacer(span);
  body.replaceChildren(top, bottom);
  /** @type {Shown} */
  let shown = { start: 0, end: 0, rows: [] };
  let count = 0;
  let frame = 0;
  /** @param {boolean} fresh the lines changed: no rendered row may be kept */
  const paint = (fresh) => {
    const wanted = windowOf({ offset: wrap.scrollTop - body.offsetTop, rowHeight: ROW_HEIGHT,
      height: wrap.clientHeight || FIRST_HEIGHT, count });
    if (fresh) {
      shown = { start: wanted.start, end: wanted.end,
        rows: build(wanted.start, wanted.end, renderRow) };
      body.replaceChildren(top, ...shown.rows, bottom);
    } else if (!covers(shown, wanted)) {
      shown = move(shown, wanted, renderRow, top);
    }
    setHeight(top, shown.start);
    setHeight(bottom, count - shown.end);
  };
  wrap.addEventListener('scroll', () => {
    frame ||= requestAnimationFrame(() => { frame = 0; paint(false); });
  }, { passive: true });
  new ResizeObserver(() => paint(false)).observe(wrap);
  return { reset: (next) => { count = next; paint(true); } };
}

/**
 * Keep the rows that stay in the window, drop the others, and build the missing ones (added
 * after `top`, or after the last kept row).
 * @param {Shown} shown
 * @param {{start: number, end: number}} wanted
 * @param {(index: number) => HTMLElement} renderRow
 * @param {HTMLElement} top
 * @returns {Shown}
 */
function move(shown, wanted, renderRow, top) {
  const { start, end } = wanted;
  const keepFrom = Math.max(start, shown.start);
  const keepTo = Math.min(end, shown.end);
  /** @type {HTMLElement[]} */
  const kept = [];
  shown.rows.forEach((row, n) => {
    const index = shown.start + n;
    if (index >= keepFrom && index < keepTo) kept.push(row);
    else row.remove();
  });
  const from = kept.length ? keepFrom : end;
  const before = build(start, from, renderRow);
  const after = build(kept.length ? keepTo : end, end, renderRow);
  top.after(...before);
  (kept[kept.length - 1] ?? before[before.length - 1] ?? top).after(...after);
  return { start, end, rows: [...before, ...kept, ...after] };
}

/** @param {number} from @param {number} to @param {(index: number) => HTMLElement} renderRow */
function build(from, to, renderRow) {
  const rows = [];
  for (let index = from; index < to; index += 1) rows.push(renderRow(index));
  return rows;
}

/** @param {number} span */
function spacer(span) {
  return h('tr', { className: 'spacer', 'aria-hidden': 'true' }, h('td', { colspan: span }));
}

/** @param {HTMLElement} row @param {number} lines */
function setHeight(row, lines) {
  row.hidden = lines === 0;
  row.style.height = `${lines * ROW_HEIGHT}px`;
}
