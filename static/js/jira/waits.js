// The waits on Jira in progress (rate limits, outages): when the next try goes out, for the page.
// @ts-check

/**
 * @typedef {{until: number, status: number}} Wait  the next try at `until` (ms), after a `status`
 * @typedef {(next: Wait|null) => void} WaitListener
 * @typedef {{now(): number, sleep(ms: number, signal?: AbortSignal): Promise<void>}} Sleeper
 */

/**
 * Every wait in progress, whichever load it belongs to: the fields, a report's issues and the
 * names in the list all wait on the same Jira, so the page shows them in one way.
 * @type {Set<Wait>}
 */
const waits = new Set();
/** @type {Set<WaitListener>} */
const listeners = new Set();

/**
 * Follow the waits: `listener` hears the one that ends first, or null when none is pending,
 * at once and on every change. Returns the function that stops it.
 * @param {WaitListener} listener
 * @returns {() => void}
 */
export function watchWaits(listener) {
  listeners.add(listener);
  listener(nextWait());
  return () => {
    listeners.delete(listener);
  };
}

/**
 * Sleep `ms` on `clock` before trying again after `status`, and let the page know meanwhile.
 * @param {Sleeper} clock
 * @param {number} ms
 * @param {number} status
 * @param {AbortSignal} [signal] ends the wait at once, with the sleep's AbortError
 */
export async function waitOut(clock, ms, status, signal) {
  const wait = { until: clock.now() + ms, status };
  waits.add(wait);
  announce();
  try {
    await clock.sleep(ms, signal);
  } finally {
    waits.delete(wait);
    announce();
  }
}

/**
 * What the page says during a wait: "Jira is limiting requests; retrying in 4 s".
 * @param {Wait} wait
 * @param {number} now
 */
export function waitText({ until, status }, now) {
  const seconds = Math.max(1, Math.ceil((until - now) / 1000));
  const when = seconds < 120 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
  const why = status === 429 ? 'Jira is limiting requests' : 'Jira is temporarily unavailable';
  return `${why}; retrying in ${when}`;
}

/** The pending wait that ends first, or null. */
function nextWait() {
  let next = null;
  for (const wait of waits) if (!next || wait.until < next.until) next = wait;
  return next;
}

function announce() {
  const next = nextWait();
  for (const listener of listeners) listener(next);
}
