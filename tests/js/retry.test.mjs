// Waits on Jira's rate limits: what retry announces, and what the page says, on a virtual clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forgeHost } from '../../static/js/host/forge-host.js';
import { callJira } from '../../static/js/jira/retry.js';
import { waitOut, waitText, watchWaits } from '../../static/js/jira/waits.js';

const START = Date.parse('2026-10-01T12:00:00Z');

/** Time moves only when a sleep is let go: `release()` ends the earliest one. */
class HeldClock {
  time = START;
  sleeps = [];

  now() {
    return this.time;
  }

  sleep(ms, signal) {
    return new Promise((resolve, reject) => {
      const sleep = { at: this.time + ms, resolve };
      this.sleeps.push(sleep);
      signal?.addEventListener('abort', () => {
        this.sleeps.splice(this.sleeps.indexOf(sleep), 1);
        reject(new DOMException('aborted', 'AbortError'));
      });
    });
  }

  async release() {
    await new Promise((resolve) => setImmediate(resolve));
    this.sleeps.sort((a, b) => a.at - b.at);
    const sleep = this.sleeps.shift();
    this.time = Math.max(this.time, sleep.at);
    sleep.resolve();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Every announcement `watchWaits` makes until `stop()`, as texts at the clock's time. */
function heard(clock) {
  const said = [];
  const stop = watchWaits((wait) => said.push(wait && waitText(wait, clock.now())));
  return { said, stop };
}

/** A Connect-style host answering each Jira call with the next of `answers`. */
function hostOf(answers) {
  return {
    requestJira: async () => {
      const { status, headers = {} } = answers.shift();
      return { status, ok: status < 300, headers: { get: (name) => headers[name] ?? null },
        body: {} };
    },
  };
}

test('a 429 with Retry-After is announced for exactly that long, then withdrawn', async () => {
  const clock = new HeldClock();
  const { said, stop } = heard(clock);
  const host = hostOf([{ status: 429, headers: { 'Retry-After': '4' } }, { status: 200 }]);
  const call = callJira({ host, clock, gate: { until: 0 } }, '/rest/api/3/field');
  await clock.release();
  await call;
  stop();
  assert.deepEqual(said, [null, 'Jira is limiting requests; retrying in 4 s', null]);
});

// @forge/bridge 7.2.0 (out/fetch/fetch.js) builds requestJira's Response from whatever headers
// the host hands on, and Forge documents none: with no Retry-After the wait follows the schedule.
test('under Forge, a 429 without Retry-After waits 2 s, then 4 s, and says so', async () => {
  const clock = Object.assign(new HeldClock(), { random: () => 0.5 });
  const answers = [429, 429, 200].map((status) => new Response('{}', { status }));
  const bridge = { requestJira: async () => answers.shift() };
  const { said, stop } = heard(clock);
  const caller = { host: forgeHost(bridge), clock, gate: { until: 0 } };
  const call = callJira(caller, '/rest/api/3/field');
  await clock.release();
  await clock.release();
  await call;
  stop();
  assert.equal(clock.time, START + 6000);
  assert.deepEqual(said, [null, 'Jira is limiting requests; retrying in 2 s', null,
    'Jira is limiting requests; retrying in 4 s', null]);
});

test('a quota 429 holds the gate until the reset, and says so', async () => {
  const clock = new HeldClock();
  const reset = new Date(START + 90_000).toISOString();
  const headers = { 'RateLimit-Reason': 'jira-quota-tenant-based', 'X-RateLimit-Reset': reset };
  const host = hostOf([{ status: 429, headers }, { status: 200 }]);
  const { said, stop } = heard(clock);
  const call = callJira({ host, clock, gate: { until: 0 } }, '/rest/api/3/field');
  await clock.release();
  await call;
  stop();
  assert.deepEqual(said, [null, 'Jira is limiting requests; retrying in 90 s', null]);
});

test('a 503 says Jira is unavailable; long waits count in minutes, never 0 s', () => {
  assert.equal(waitText({ until: START + 1500, status: 503 }, START),
    'Jira is temporarily unavailable; retrying in 2 s');
  assert.equal(waitText({ until: START + 3_000_000, status: 429 }, START),
    'Jira is limiting requests; retrying in 50 min');
  assert.equal(waitText({ until: START, status: 429 }, START + 20),
    'Jira is limiting requests; retrying in 1 s');
});

test('of several waits the first to end is shown; an aborted one is withdrawn', async () => {
  const clock = new HeldClock();
  const { said, stop } = heard(clock);
  const stopped = new AbortController();
  const long = waitOut(clock, 8000, 429);
  const short = waitOut(clock, 3000, 429, stopped.signal).catch((error) => error.name);
  stopped.abort();
  assert.equal(await short, 'AbortError');
  await clock.release();
  await long;
  stop();
  const [eight, three] = [8, 3].map((n) => `Jira is limiting requests; retrying in ${n} s`);
  assert.deepEqual(said, [null, eight, three, eight, null]);
});
