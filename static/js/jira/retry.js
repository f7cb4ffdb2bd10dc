// One Jira request with retries: backoff on 429/503, a shared quota pause, cancel.
// @ts-check
import { waitOut } from './waits.js';

/**
 * @typedef {{status: number, ok: boolean, headers: {get(name: string): string|null},
 *   body: any}} JiraResponse
 * @typedef {{requestJira(path: string, init?: {method?: string, body?: any}):
 *   Promise<JiraResponse>}} Host
 * @typedef {{now(): number, sleep(ms: number, signal?: AbortSignal): Promise<void>,
 *   random?(): number}} Clock  time source; tests pass a virtual one
 * @typedef {{until: number}} Gate  no request of a load starts before `until`
 * @typedef {{host: Host, clock: Clock, gate: Gate, signal?: AbortSignal}} Caller
 */

const MAX_RETRIES = 4;
const FIRST_BACKOFF_MS = 2000;
/** @type {Record<number, string>} */
const GIVE_UP = {
  429: 'Jira is rate-limiting requests (429)',
  503: 'Jira is temporarily unavailable (503)',
};

/** A Jira answer the client cannot use; `status` is 0 when Jira was not reached. */
export class JiraError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   * @param {string[]} [messages] Jira's own messages, when it sent any
   */
  constructor(status, message, messages = []) {
    super(message);
    this.name = 'JiraError';
    this.status = status;
    this.messages = messages;
  }
}

/** The rejection every cancelled call ends with. */
function abortError() {
  return new DOMException('Loading was cancelled.', 'AbortError');
}

/** @type {Clock} */
export const realClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortError());
      const onAbort = () => {
        clearTimeout(timer);
        reject(abortError());
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
  random: Math.random,
};

/**
 * Settle like `promise`, or reject with AbortError as soon as `signal` aborts (the
 * host's request itself cannot be aborted, so its late answer is dropped).
 * @template T
 * @param {Promise<T>} promise
 * @param {AbortSignal} [signal]
 * @returns {Promise<T>}
 */
export function raceAbort(promise, signal) {
  if (!signal) return promise;
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(abortError());
    promise
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Send one Jira request and return the parsed body, retrying 429/503 at most 4 times.
 * @param {Caller} caller
 * @param {string} path
 * @param {{method?: string, body?: any}} [init]
 * @returns {Promise<any>}
 * @throws {JiraError|DOMException}
 */
export async function callJira(caller, path, init = {}) {
  for (let attempt = 0; ; attempt += 1) {
    await passGate(caller);
    const res = await send(caller, path, init);
    if (res.ok) return res.body;
    if (!(res.status in GIVE_UP)) throw errorFromResponse(res);
    if (attempt === MAX_RETRIES) throw gaveUp(res.status, attempt + 1);
    await pause(caller, res, attempt);
  }
}

/**
 * Wait while a quota 429 (the only thing that closes it) keeps the gate shut.
 * @param {Caller} caller
 */
async function passGate({ clock, gate, signal }) {
  if (signal?.aborted) throw abortError();
  while (gate.until > clock.now()) await waitOut(clock, gate.until - clock.now(), 429, signal);
}

/**
 * @param {Caller} caller
 * @param {string} path
 * @param {{method?: string, body?: any}} init
 */
function send({ host, signal }, path, init) {
  const pending = Promise.resolve()
    .then(() => host.requestJira(path, init))
    .catch((err) => {
      throw new JiraError(0, `Could not reach Jira: ${err?.message ?? err}`);
    });
  return raceAbort(pending, signal);
}

/**
 * Wait before the next attempt; a quota limit closes the gate for the whole load.
 * @param {Caller} caller
 * @param {JiraResponse} res
 * @param {number} attempt
 */
async function pause({ clock, gate, signal }, res, attempt) {
  const wait = waitMs(res, attempt, clock);
  if (isQuotaLimit(res)) gate.until = Math.max(gate.until, clock.now() + wait);
  else await waitOut(clock, wait, res.status, signal);
}

/** @param {JiraResponse} res */
function isQuotaLimit(res) {
  const reason = res.headers.get('RateLimit-Reason') ?? '';
  return res.status === 429 && reason.startsWith('jira-quota');
}

/**
 * Jira's hint (Retry-After; X-RateLimit-Reset for quota limits), else Atlassian's schedule:
 * 2, 4, 8, 16 s, each ×0.7–1.3. Neither host promises the hint: AP.request's xhr and Forge's
 * requestJira Response carry whichever headers the host hands on (@forge/bridge 7.2.0
 * out/fetch/fetch.js builds it from them; its docs name none).
 * @param {JiraResponse} res
 * @param {number} attempt
 * @param {Clock} clock
 */
function waitMs(res, attempt, clock) {
  const now = clock.now();
  const hints = [hintMs(res.headers.get('Retry-After'), now)];
  if (isQuotaLimit(res)) hints.push(hintMs(res.headers.get('X-RateLimit-Reset'), now));
  const known = hints.filter((ms) => ms !== null);
  if (known.length) return Math.max(...known);
  const jitter = 0.7 + 0.6 * (clock.random ?? Math.random)();
  return FIRST_BACKOFF_MS * 2 ** attempt * jitter;
}

/**
 * Milliseconds until a header's time: seconds (Retry-After) or a date; null if absent.
 * @param {string|null} value
 * @param {number} now
 */
function hintMs(value, now) {
  if (!value?.trim()) return null;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  return Number.isNaN(ms) ? null : Math.max(0, ms);
}

/** @param {JiraResponse} res */
function errorFromResponse(res) {
  const body = res.body ?? {};
  const listed = Array.isArray(body.errorMessages) ? body.errorMessages : [];
  const byField = body.errors && typeof body.errors === 'object' ? body.errors : {};
  const messages = [...listed, ...Object.values(byField)].map(String);
  const detail = messages.length ? `: ${messages.join(' ')}` : '.';
  return new JiraError(res.status, `Jira answered ${res.status}${detail}`, messages);
}

/**
 * @param {number} status
 * @param {number} tries
 */
function gaveUp(status, tries) {
  const advice = `tried ${tries} times. Try again in a minute.`;
  return new JiraError(status, `${GIVE_UP[status]}; ${advice}`);
}
