// Load progress ("Loading 300 of ~1,234", its step, Cancel) and what the page says as Jira waits.
// @ts-check
import { button, formatNumber, h } from './dom.js';
import { waitText, watchWaits } from '../jira/waits.js';

const STEPS = /** @type {Record<string, string>} */ ({
  ids: '(step 1 of 2: finding the issues)', fields: '(step 2 of 2: reading their fields)',
  pages: '(page by page: Jira refused bulk loading, which is slower)',
});

/** @typedef {{phase: string, loaded: number, total?: number|null}} LoadProgress */

/**
 * A hidden progress box: `start(onCancel)` shows it, `update()` moves it, `stop()` hides it.
 * While Jira makes the load wait, its text says so instead of how far the load got.
 */
export function progressBox() {
  const bar = /** @type {HTMLProgressElement} */ (h('progress',
    { 'data-testid': 'load-progress', 'aria-label': 'Loading issues' }));
  const text = h('span', { className: 'progress-text', 'data-testid': 'progress-text' });
  const step = h('span', { className: 'hint' });
  const line = progressLine(text);
  let onCancel = () => {};
  const root = h('div', { className: 'progress', hidden: true, role: 'status' }, bar,
    h('span', null, text, ' ', step), button('cancel-load', 'Cancel', () => onCancel()));
  /** @param {() => void} cancel */
  const start = (cancel) => {
    onCancel = cancel;
    bar.removeAttribute('value');
    step.textContent = '';
    line.start();
    root.hidden = false;
  };
  return {
    root,
    start,
    /** @param {LoadProgress} progress */
    update: (progress) => line.loaded(showProgress(bar, step, progress)),
    stop: () => {
      line.stop();
      root.hidden = true;
    },
  };
}

/**
 * The progress text: how far the load got, or, while Jira makes it wait, that wait.
 * @param {HTMLElement} text
 */
function progressLine(text) {
  const said = { loaded: '', waiting: '' };
  const say = () => { text.textContent = said.waiting || said.loaded; };
  let unfollow = () => {};
  return {
    start: () => {
      said.loaded = 'Loading…';
      unfollow();
      unfollow = followWaits((waiting) => {
        said.waiting = waiting;
        say();
      });
    },
    /** @param {string} loaded */
    loaded: (loaded) => {
      said.loaded = loaded;
      say();
    },
    stop: () => unfollow(),
  };
}

/**
 * Follow Jira's waits until the returned function is called: `show` gets the text to put up,
 * counting down each second, and '' when nothing waits.
 * @param {(text: string) => void} show
 * @returns {() => void}
 */
export function followWaits(show) {
  let timer = /** @type {ReturnType<typeof setTimeout>|undefined} */ (undefined);
  let next = /** @type {import('../jira/waits.js').Wait|null} */ (null);
  const tick = () => {
    clearTimeout(timer);
    show(next ? waitText(next, Date.now()) : '');
    // Next when the shown second runs out (a little after, so the count has moved on).
    if (next) timer = setTimeout(tick, Math.max(50, ((next.until - Date.now()) % 1000) + 10));
  };
  const unwatch = watchWaits((wait) => {
    next = wait;
    tick();
  });
  return () => {
    unwatch();
    clearTimeout(timer);
  };
}

/**
 * Move the bar and the step; answer the text that says how far the load got.
 * @param {HTMLProgressElement} bar
 * @param {HTMLElement} step
 * @param {LoadProgress} progress
 */
function showProgress(bar, step, { phase, loaded, total }) {
  const known = typeof total === 'number' && total > 0;
  const of = known ? Math.max(total, loaded) : 0;
  if (known) Object.assign(bar, { max: of, value: loaded });
  else bar.removeAttribute('value');
  step.textContent = STEPS[phase] ?? '';
  const out = known ? ` of ~${formatNumber(of, 0)}` : '';
  return `Loading ${formatNumber(loaded, 0)}${out}`;
}
