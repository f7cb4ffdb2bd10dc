// The load progress: a <progress> bar, "Loading 300 of ~1,234" with its step, and Cancel.
// @ts-check
import { button, formatNumber, h } from './dom.js';

const STEPS = /** @type {Record<string, string>} */ ({
  ids: '(step 1 of 2: finding the issues)', fields: '(step 2 of 2: reading their fields)',
  pages: '(page by page: Jira refused bulk loading, which is slower)',
});

/** @typedef {{phase: string, loaded: number, total?: number|null}} LoadProgress */

/** A hidden progress box: `start(onCancel)` shows it, `update()` moves it, `stop()` hides it. */
export function progressBox() {
  const bar = /** @type {HTMLProgressElement} */ (h('progress',
    { 'data-testid': 'load-progress', 'aria-label': 'Loading issues' }));
  const text = h('span', { className: 'progress-text', 'data-testid': 'progress-text' });
  const step = h('span', { className: 'hint' });
  let onCancel = () => {};
  const root = h('div', { className: 'progress', hidden: true, role: 'status' }, bar,
    h('span', null, text, ' ', step), button('cancel-load', 'Cancel', () => onCancel()));
  /** @param {() => void} cancel */
  const start = (cancel) => {
    onCancel = cancel;
    bar.removeAttribute('value');
    text.textContent = 'Loading…';
    step.textContent = '';
    root.hidden = false;
  };
  return {
    root,
    start,
    /** @param {LoadProgress} progress */
    update: (progress) => showProgress(bar, text, step, progress),
    stop: () => { root.hidden = true; },
  };
}

/**
 * @param {HTMLProgressElement} bar
 * @param {HTMLElement} text
 * @param {HTMLElement} step
 * @param {LoadProgress} progress
 */
function showProgress(bar, text, step, { phase, loaded, total }) {
  const known = typeof total === 'number' && total > 0;
  const of = known ? Math.max(total, loaded) : 0;
  if (known) Object.assign(bar, { max: of, value: loaded });
  else bar.removeAttribute('value');
  const out = known ? ` of ~${formatNumber(of, 0)}` : '';
  text.textContent = `Loading ${formatNumber(loaded, 0)}${out}`;
  step.textContent = STEPS[phase] ?? '';
}
