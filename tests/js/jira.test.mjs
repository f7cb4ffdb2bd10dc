// The Jira loader against an in-memory Jira on a virtual clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  JiraError, countIssues, loadFields, loadIssues, parseJql,
} from '../../static/js/jira/jira.js';
import { realClock } from '../../static/js/jira/retry.js';

const START = Date.parse('2026-10-01T12:00:00Z');
const LATENCY_MS = 50;
const ID_ONLY = new Set(['id', 'key']);
const HEAVY = new Set(['comment', 'worklog', 'attachment', '*all', '*navigable']);
const SEARCH = '/rest/api/3/search/jql';
const BULK = '/rest/api/3/issue/bulkfetch';
const COUNT = '/rest/api/3/search/approximate-count';

// Time moves only once every pending promise has settled, straight to the next timer:
// backoffs of minutes take no real time and every run is deterministic.
class VirtualClock {
  time = START;
  sleeps = [];
  timers = [];

  now() {
    return this.time;
  }

  /** A wait of the fake Jira (not recorded, not abortable, like AP.request). */
  delay(ms) {
    return new Promise((resolve) => this.timers.push({ at: this.time + ms, resolve }));
  }

  sleep(ms, signal) {
    this.sleeps.push(ms);
    if (signal?.aborted)
      return Promise.reject(new DOMException('aborted', 'AbortError'));
    return new Promise((resolve, reject) => {
      const timer = { at: this.time + ms, resolve };
      this.timers.push(timer);
      signal?.addEventListener('abort', () => {
        this.timers.splice(this.timers.indexOf(timer), 1);
        reject(new DOMException('aborted', 'AbortError'));
      });
    });
  }

  /** Advance time until `promise` settles, and return it. */
  async run(promise) {
    let settled = false;
    const done = () => (settled = true);
    promise.then(done, done);
    await this.drain(() => settled);
    return promise;
  }

  /** Fire timers in time order until `until()` holds or none is left. */
  async drain(until = () => false) {
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (until() || !this.timers.length) return;
      this.timers.sort((a, b) => a.at - b.at);
      const timer = this.timers.shift();
      this.time = Math.max(this.time, timer.at);
      timer.resolve();
    }
  }
}

function makeIssue(n) {
  const id = String(10000 + n);
  const fields = {
    summary: `Issue ${n}`,
    status: { id: String(1 + (n % 3)), name: ['To Do', 'In Progress', 'Done'][n % 3] },
    priority: { id: '3', name: 'Medium' },
    comment: { comments: [], total: 0 },
    customfield_10016: n % 8,
  };
  return { id, key: `RPT-${n + 1}`, fields };
}

function response(status, body, headers = {}) {
  const lower = Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]),
  );
  const get = (name) => lower[name.toLowerCase()] ?? null;
  return { status, ok: status >= 200 && status < 300, headers: { get }, body };
}

function pick(issue, fields) {
  const wanted = fields.filter((f) => !ID_ONLY.has(f));
  const picked = Object.fromEntries(wanted.map((f) => [f, issue.fields[f] ?? null]));
  return { id: issue.id, key: issue.key, fields: picked };
}

// An in-memory Jira of `size` issues whose JQL order is not the id order. It records
// every request; `intercept(request)` may answer instead (429s, refusals, failures).
class FakeJira {
  requests = [];
  inFlight = 0;
  maxInFlight = 0;
  intercept = () => null;

  constructor(clock, { size = 0, idCap = 5000, fieldCap = 100, ...rest } = {}) {
    const failures = { missing: [], flaky: [], gone: [], failedOnce: new Set() };
    Object.assign(this, { clock, size, idCap, fieldCap, strict: false, ...failures, ...rest });
    this.issues = Array.from({ length: size }, (_, n) => makeIssue(n));
    const rank = (issue) => (issue.id * 7919) % 9973;
    this.order = [...this.issues].sort((a, b) => rank(a) - rank(b));
    this.host = { requestJira: (path, init) => this.receive(path, init) };
  }

  async receive(path, { method = 'GET', body } = {}) {
    const request = { method, path, body, at: this.clock.now() };
    this.requests.push(request);
    if (this.requests.length > 500) throw new Error('runaway loader');
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await this.clock.delay(LATENCY_MS);
    this.inFlight -= 1;
    return this.intercept(request) ?? this.route(request);
  }

  route({ method, path, body }) {
    if (path === SEARCH) return this.search(body);
    if (path === BULK) return this.bulkfetch(body);
    if (path === COUNT) return response(200, { count: this.size });
    if (path === '/rest/api/3/field' && method === 'GET') return response(200, FIELDS);
    if (path === '/rest/api/3/jql/parse?validation=strict') return this.parse(body);
    return response(404, { errorMessages: ['Not found'] });
  }

  search({ fields = ['id'], maxResults = 50, nextPageToken }) {
    const idOnly = fields.every((f) => ID_ONLY.has(f));
    const start = nextPageToken ? Number(nextPageToken.slice(4)) : 0;
    const cap = Math.min(maxResults, idOnly ? this.idCap : this.fieldCap);
    const end = Math.min(start + cap, this.size);
    const issues = this.order.slice(start, end).map((issue) => pick(issue, fields));
    const stale = this.tokenOnLast ? { nextPageToken: 'stale' } : {};
    if (end >= this.size) return response(200, { issues, isLast: true, ...stale });
    return response(200, { issues, isLast: false, nextPageToken: `tok-${end}` });
  }

  // Jira's issue cap per call: 1,000 for lean requests, else 100; `strict` applies the
  // OpenAPI spec's 100 to every request. `missing` ids come back in issueErrors every time,
  // `flaky` ones the first time only, `gone` ones not at all (deleted meanwhile).
  bulkfetch({ issueIdsOrKeys, fields }) {
    const included = fields.filter((f) => !f.startsWith('-'));
    const efficient =
      included.length > 0 &&
      included.length <= 100 &&
      !included.some((f) => HEAVY.has(f));
    if (issueIdsOrKeys.length > (efficient && !this.strict ? 1000 : 100)) {
      return response(400, { errorMessages: ['Too many issues requested.'], errors: {} });
    }
    const wanted = new Set(issueIdsOrKeys);
    const failing = this.failing(wanted);
    const found = this.issues.filter(
      (i) => wanted.has(i.id) && !failing.includes(i.id) && !this.gone.includes(i.id),
    );
    const issueErrors = failing.map((id) => ({ id, errorMessage: 'Try again.' }));
    return response(200, { issues: found.map((i) => pick(i, fields)), issueErrors });
  }

  failing(wanted) {
    const flaky = this.flaky.filter((id) => wanted.has(id) && !this.failedOnce.has(id));
    flaky.forEach((id) => this.failedOnce.add(id));
    return [...this.missing.filter((id) => wanted.has(id)), ...flaky];
  }

  parse({ queries: [query] }) {
    const errors = query.includes('universe') ? [UNIVERSE] : [];
    const fields = [{ field: { name: 'created' }, direction: 'desc' }];
    fields.push({ field: { name: 'key' } });
    const structure = { where: {}, orderBy: { fields } };
    return response(200, { queries: [{ query, structure, errors }] });
  }

  sent(path) {
    return this.requests.filter((r) => r.path === path);
  }
}

const UNIVERSE = "Field 'universe' does not exist or you do not have permission \
to view it.";
const FIELDS = [
  { id: 'summary', name: 'Summary', schema: { type: 'string', system: 'summary' } },
  { id: 'status', name: 'Status', schema: { type: 'status', system: 'status' } },
];
/** A fake Jira and `load(options)`, which runs loadIssues on the virtual clock. */
function setup(options) {
  const clock = new VirtualClock();
  const fake = new FakeJira(clock, options);
  const controller = new AbortController();
  const load = (extra) => {
    const base = { jql: 'project = RPT', clock, signal: controller.signal };
    return clock.run(loadIssues(fake.host, { ...base, ...extra }));
  };
  return { clock, fake, load, controller };
}

function tooMany(headers = {}) {
  return response(429, { errorMessages: ['Rate limit exceeded.'] }, headers);
}

/** An intercept that gives `answer` to the first `times` requests to `path`. */
function refuse(path, answer, times = Infinity) {
  return (request) => (request.path === path && times-- > 0 ? answer : null);
}

const keys = (issues) => issues.map((issue) => issue.key);
const sizes = (requests) => requests.map((r) => r.body.issueIdsOrKeys.length);
const within = (ms, base) => ms >= base * 0.7 && ms <= base * 1.3;

test('two-phase loads 2,345 issues in JQL order with the report fields', async () => {
  const { fake, load } = setup({ size: 2345 });
  const events = [];
  const onProgress = (event) => events.push(event);
  const result = await load({ fields: ['summary', 'status'], onProgress });
  assert.deepEqual([result.strategy, result.note, result.unloaded], ['two-phase', '', []]);
  assert.deepEqual(keys(result.issues), keys(fake.order));
  assert.deepEqual(Object.keys(result.issues[0].fields), ['summary', 'status']);
  const idQuery = { jql: 'project = RPT', fields: ['id', 'key'], maxResults: 5000 };
  assert.deepEqual(fake.sent(SEARCH).map((r) => r.body), [idQuery]);
  assert.deepEqual(sizes(fake.sent(BULK)), [1000, 1000, 345]);
  assert.ok(fake.sent(BULK).every((r) => r.body.fields.join() === 'summary,status'));
  assert.equal(fake.sent(COUNT).length, 1);
  assert.equal(fake.requests.length, 5);
  assert.deepEqual(events.at(0), { phase: 'ids', loaded: 2345, total: 2345 });
  assert.deepEqual(events.at(-1), { phase: 'fields', loaded: 2345, total: 2345 });
});

test('the first id page and the approximate count go out together', async () => {
  const { fake, load } = setup({ size: 30 });
  await load({ fields: ['summary'] });
  assert.equal(fake.sent(COUNT)[0].at, fake.sent(SEARCH)[0].at);
  assert.equal(fake.maxInFlight, 2);
});

test('id pages are followed by token when Jira sends fewer ids', async () => {
  const { fake, load } = setup({ size: 2345, idCap: 1000 });
  const result = await load({ fields: ['summary'], total: 9999 });
  const tokens = fake.sent(SEARCH).map((r) => r.body.nextPageToken);
  assert.deepEqual(tokens, [undefined, 'tok-1000', 'tok-2000']);
  assert.equal(fake.sent(COUNT).length, 0, 'a given total needs no count');
  assert.deepEqual(keys(result.issues), keys(fake.order));
});

test('bulkfetch goes by 100 when comment is requested', async () => {
  const { fake, load } = setup({ size: 2345 });
  const result = await load({ fields: ['summary', 'comment'] });
  assert.equal(sizes(fake.sent(BULK)).length, 24);
  assert.ok(sizes(fake.sent(BULK)).every((n) => n <= 100));
  assert.deepEqual(keys(result.issues), keys(fake.order));
  assert.deepEqual(result.issues[7].fields.comment, { comments: [], total: 0 });
});

test('bulkfetch goes by 100 for *all, *navigable and over 100 fields', async () => {
  const many = Array.from({ length: 101 }, (_, i) => `customfield_${10000 + i}`);
  for (const fields of [['*all'], ['summary', '*navigable'], many]) {
    const { fake, load } = setup({ size: 250 });
    await load({ fields });
    assert.deepEqual(sizes(fake.sent(BULK)), [100, 100, 50]);
  }
});

test('no more than six requests are in flight, and the lanes are used', async () => {
  const { fake, load } = setup({ size: 2345 });
  await load({ fields: ['comment'] });
  assert.ok(fake.maxInFlight <= 6, `max in flight ${fake.maxInFlight}`);
  assert.ok(fake.maxInFlight >= 5, `max in flight ${fake.maxInFlight}`);
});

// Bulkfetch's cap: the OpenAPI spec (POST /rest/api/3/issue/bulkfetch) allows 100 issues
// a call and answers 400 beyond; the newer docs allow 1,000 for lean requests. Sites may
// apply either, so a 400 on a chunk over 100 means: go by 100.
test('a 400 on chunks over 100 loads them by 100 in five lanes, with no error', async () => {
  const { fake, load } = setup({ size: 2345, strict: true });
  const result = await load({ fields: ['summary', 'status'] });
  assert.deepEqual([result.strategy, result.note, result.unloaded], ['two-phase', '', []]);
  assert.deepEqual(keys(result.issues), keys(fake.order));
  const [refused, retried] = [fake.sent(BULK).slice(0, 3), fake.sent(BULK).slice(3)];
  assert.deepEqual(sizes(refused), [1000, 1000, 345]);
  assert.equal(retried.length, 24);
  assert.ok(sizes(retried).every((n) => n <= 100));
  const ids = retried.flatMap((r) => r.body.issueIdsOrKeys).sort();
  assert.deepEqual(ids, fake.issues.map((issue) => issue.id).sort());
  const lanes = retried.filter((r) => r.at === retried[0].at);
  assert.equal(lanes.length, 5, 'five lanes at once');
});

test('the calls in flight answer before chunks of 100 go: six in flight at most', async () => {
  const { fake, load } = setup({ size: 6000, strict: true });
  const result = await load({ fields: ['summary'] });
  assert.equal(result.issues.length, 6000);
  assert.deepEqual(sizes(fake.sent(BULK).slice(0, 5)), [1000, 1000, 1000, 1000, 1000]);
  assert.deepEqual(fake.sent(BULK).slice(5).length, 60);
  assert.ok(fake.maxInFlight <= 6, `max in flight ${fake.maxInFlight}`);
});

test('after a 400 on over 100, the page\'s later loads go by 100 at once', async () => {
  const { fake, load } = setup({ size: 2345, strict: true });
  await load({ fields: ['summary'] });
  const before = fake.sent(BULK).length;
  const again = await load({ fields: ['summary', 'status'] });
  assert.deepEqual(keys(again.issues), keys(fake.order));
  const later = fake.sent(BULK).slice(before);
  assert.equal(later.length, 24);
  assert.ok(sizes(later).every((n) => n <= 100));
  const other = setup({ size: 2345 });
  await other.load({ fields: ['summary'] });
  assert.deepEqual(sizes(other.fake.sent(BULK)), [1000, 1000, 345], 'another page');
});

test('a 400 that chunks of 100 do not cure rejects the load', async () => {
  const { fake, load } = setup({ size: 2345 });
  const refused = response(400, { errorMessages: ['Bad request.'], errors: {} });
  fake.intercept = refuse(BULK, refused);
  await assert.rejects(load({ fields: ['summary'] }), { name: 'JiraError', status: 400 });
  assert.deepEqual(sizes(fake.sent(BULK)), [1000, 1000, 345, 100, 100, 100, 100, 100]);
});

// Bulkfetch's issueErrors (OpenAPI spec, BulkIssueResults): ids Jira could not return
// "due to a retriable error or payload constraint", each as {id, errorMessage}.
test('issueErrors are retried once; those still failing are named in JQL order', async () => {
  const [missing, flaky] = [['10250', '10005'], ['10007', '10100']];
  const { fake, load } = setup({ size: 300, missing, flaky });
  const result = await load({ fields: ['summary'] });
  const expected = fake.order.filter((issue) => !missing.includes(issue.id));
  assert.deepEqual(keys(result.issues), keys(expected));
  const named = fake.order.filter((issue) => missing.includes(issue.id));
  assert.deepEqual(result.unloaded, keys(named));
  const retry = fake.sent(BULK).slice(1).map((r) => r.body.issueIdsOrKeys.toSorted());
  assert.deepEqual(retry, [[...missing, ...flaky].sort()], 'one retry, of the failed ids');
});

test('issues Jira leaves out without an error are dropped, not retried', async () => {
  const gone = ['10005', '10250'];
  const { fake, load } = setup({ size: 300, gone });
  const result = await load({ fields: ['summary'] });
  const expected = fake.order.filter((issue) => !gone.includes(issue.id));
  assert.deepEqual(keys(result.issues), keys(expected));
  assert.deepEqual([fake.sent(BULK).length, result.unloaded], [1, []]);
});

for (const status of [403, 404]) {
  test(`bulkfetch answering ${status} falls back to paged with a note`, async () => {
    const { fake, load } = setup({ size: 2345 });
    fake.intercept = refuse(BULK, response(status, null));
    const events = [];
    const onProgress = (event) => events.push(event);
    const result = await load({ fields: ['summary', 'comment'], onProgress });
    assert.equal(result.strategy, 'paged');
    const note = 'Jira refused bulk loading; loaded page by page instead.';
    assert.equal(result.note, note);
    assert.deepEqual(keys(result.issues), keys(fake.order));
    assert.equal(fake.sent(BULK).length, 5, 'the first wave only');
    assert.equal(events.at(-1).phase, 'pages');
  });
}

test('a bulkfetch failure other than a refusal rejects the load', async () => {
  const { fake, load } = setup({ size: 2345 });
  fake.intercept = refuse(BULK, response(500, { errorMessages: ['Boom.'] }));
  const loading = load({ fields: ['summary'] });
  await assert.rejects(loading, { name: 'JiraError', status: 500 });
  assert.equal(fake.sent(BULK).length, 3);
});

test('paged follows nextPageToken until isLast and never sends startAt', async () => {
  const { fake, load } = setup({ size: 250, fieldCap: 40 });
  const events = [];
  const fields = ['summary', 'customfield_10016'];
  const onProgress = (event) => events.push(event);
  const result = await load({ fields, strategy: 'paged', onProgress });
  assert.deepEqual(keys(result.issues), keys(fake.order));
  const bodies = fake.sent(SEARCH).map((r) => r.body);
  assert.equal(bodies.length, 7);
  assert.ok(bodies.every((b) => !('startAt' in b) && b.maxResults === 100));
  assert.ok(bodies.every((b) => b.fields.join() === fields.join()));
  const tokens = bodies.map((b) => b.nextPageToken);
  assert.deepEqual(tokens.slice(0, 3), [undefined, 'tok-40', 'tok-80']);
  assert.equal(fake.sent(BULK).length, 0);
  assert.deepEqual(events.map((e) => e.loaded), [40, 80, 120, 160, 200, 240, 250]);
  assert.ok(events.every((e) => e.phase === 'pages' && e.total === 250));
});

test('isLast ends the walk even if Jira still sends a token', async () => {
  const { fake, load } = setup({ size: 250, tokenOnLast: true });
  const result = await load({ fields: ['summary'], strategy: 'paged', total: 250 });
  assert.equal(result.issues.length, 250);
  assert.equal(fake.sent(SEARCH).length, 3);
});

test('429 with Retry-After waits exactly that long, then completes', async () => {
  const { clock, fake, load } = setup({ size: 30 });
  const burst = { 'Retry-After': '7', 'RateLimit-Reason': 'jira-burst-based' };
  const limited = tooMany(burst);
  fake.intercept = refuse(SEARCH, limited, 1);
  const result = await load({ fields: ['summary'], total: 30 });
  assert.equal(result.issues.length, 30);
  assert.deepEqual(clock.sleeps, [7000]);
  const [refused, retried] = fake.sent(SEARCH);
  assert.equal(retried.at - refused.at, LATENCY_MS + 7000);
});

test('429 without Retry-After backs off 2, 4, 8 s with jitter', async () => {
  const { clock, fake, load } = setup({ size: 30 });
  fake.intercept = refuse(SEARCH, tooMany(), 3);
  const result = await load({ fields: ['summary'], total: 30 });
  assert.equal(result.issues.length, 30);
  assert.equal(clock.sleeps.length, 3);
  clock.sleeps.forEach((ms, i) => assert.ok(within(ms, 2000 * 2 ** i), `${i}: ${ms}`));
});

test('503 is retried like 429', async () => {
  const { fake, load } = setup({ size: 30 });
  fake.intercept = refuse(BULK, response(503, null), 1);
  const result = await load({ fields: ['summary'], total: 30 });
  assert.equal(result.issues.length, 30);
  assert.equal(fake.sent(BULK).length, 2);
});

test('five 429s in a row give up with a JiraError after four backoffs', async () => {
  const { clock, fake, load } = setup({ size: 30 });
  fake.intercept = refuse(SEARCH, tooMany());
  const message =
    'Jira is rate-limiting requests (429); tried 5 times. Try again in a minute.';
  const loading = load({ fields: ['summary'], total: 30 });
  await assert.rejects(loading, (err) => err instanceof JiraError);
  await assert.rejects(loading, { status: 429 });
  await assert.rejects(loading, { message });
  assert.equal(fake.sent(SEARCH).length, 5);
  assert.equal(clock.sleeps.length, 4);
  clock.sleeps.forEach((ms, i) => assert.ok(within(ms, 2000 * 2 ** i), `${i}: ${ms}`));
});

test('a quota 429 holds every other request until the reset time', async () => {
  const { clock, fake, load } = setup({ size: 2345 });
  const reset = START + 10 * 60 * 1000;
  const quota = tooMany({
    'RateLimit-Reason': 'jira-quota-tenant-based',
    'X-RateLimit-Reset': new Date(reset).toISOString(),
  });
  fake.intercept = refuse(BULK, quota, 1);
  const result = await load({ fields: ['comment'] });
  assert.deepEqual(keys(result.issues), keys(fake.order));
  const refusedAt = fake.sent(BULK)[0].at;
  const later = fake.sent(BULK).filter((r) => r.at > refusedAt);
  assert.equal(fake.sent(BULK).length - later.length, 5, 'the first wave');
  assert.equal(later.length, 20, '19 chunks left and the refused one');
  assert.ok(later.every((r) => r.at >= reset), 'nothing before the reset');
  assert.ok(clock.sleeps.every((ms) => ms <= reset - refusedAt));
});

test('a quota 429 with only Retry-After pauses for Retry-After', async () => {
  const { fake, load } = setup({ size: 30 });
  const quota = { 'RateLimit-Reason': 'jira-quota-global-based', 'Retry-After': '90' };
  fake.intercept = refuse(SEARCH, tooMany(quota), 1);
  await load({ fields: ['summary'], total: 30 });
  const [refused, retried] = fake.sent(SEARCH);
  assert.equal(retried.at - refused.at, LATENCY_MS + 90000);
});

test('abort in the ids phase rejects at once and sends nothing more', async () => {
  const { clock, fake, load, controller } = setup({ size: 2345, idCap: 500 });
  const receive = fake.host.requestJira;
  fake.host.requestJira = (path, init) => {
    const second = init.body?.nextPageToken === 'tok-500';
    if (second) queueMicrotask(() => controller.abort());
    return receive(path, init);
  };
  await assert.rejects(load({ fields: ['summary'] }), { name: 'AbortError' });
  const secondPage = fake.sent(SEARCH)[1];
  assert.equal(clock.now(), secondPage.at, 'rejected before the page arrived');
  const sent = fake.requests.length;
  await clock.drain();
  assert.equal(fake.requests.length, sent);
  assert.equal(fake.sent(SEARCH).length, 2);
});

test('abort during a backoff rejects at once and sends nothing more', async () => {
  const { clock, fake, load, controller } = setup({ size: 30 });
  fake.intercept = refuse(SEARCH, tooMany());
  const sleep = clock.sleep.bind(clock);
  clock.sleep = (ms, signal) => {
    queueMicrotask(() => controller.abort());
    return sleep(ms, signal);
  };
  await assert.rejects(load({ fields: ['summary'] }), { name: 'AbortError' });
  assert.equal(clock.now(), START + LATENCY_MS);
  await clock.drain();
  assert.equal(fake.sent(SEARCH).length, 1);
});

test('abort during bulkfetch drops the answers still in flight', async () => {
  const { clock, fake, load, controller } = setup({ size: 2345 });
  fake.intercept = ({ path }) => (path === BULK ? (controller.abort(), null) : null);
  await assert.rejects(load({ fields: ['comment'] }), { name: 'AbortError' });
  await clock.drain();
  assert.equal(fake.sent(BULK).length, 5);
});

test('an already aborted signal sends no request', async () => {
  const { clock, fake, load } = setup({ size: 30 });
  const loading = load({ fields: ['summary'], signal: AbortSignal.abort() });
  await assert.rejects(loading, { name: 'AbortError' });
  await clock.drain();
  assert.equal(fake.requests.length, 0);
});

test('with real timers, abort ends a Retry-After wait at once', async () => {
  const host = { requestJira: async () => tooMany({ 'Retry-After': '30' }) };
  const controller = new AbortController();
  const started = Date.now();
  setTimeout(() => controller.abort(), 20);
  const options = { jql: 'x = 1', fields: ['summary'], signal: controller.signal };
  await assert.rejects(loadIssues(host, options), { name: 'AbortError' });
  assert.ok(Date.now() - started < 1000);
});

test('the real clock ends a sleep at once on abort', async () => {
  const controller = new AbortController();
  const started = Date.now();
  setTimeout(() => controller.abort(), 20);
  const sleeping = realClock.sleep(60000, controller.signal);
  await assert.rejects(sleeping, { name: 'AbortError' });
  assert.ok(Date.now() - started < 1000);
});

test("a Jira error answer becomes a JiraError with Jira's message", async () => {
  const { fake, load } = setup({ size: 30 });
  const body = { errorMessages: [UNIVERSE], errors: {} };
  fake.intercept = refuse(SEARCH, response(400, body));
  const loading = load({ fields: ['summary'], total: 30 });
  const message = `Jira answered 400: ${UNIVERSE}`;
  await assert.rejects(loading, (err) => err instanceof JiraError);
  await assert.rejects(loading, { status: 400, message, messages: [UNIVERSE] });
  assert.equal(fake.sent(SEARCH).length, 1);
});

test('field errors and empty answers make readable messages too', async () => {
  const { clock, fake } = setup();
  fake.intercept = () => response(400, { errorMessages: [], errors: { jql: 'Bad.' } });
  const first = clock.run(loadFields(fake.host, { clock }));
  await assert.rejects(first, { message: 'Jira answered 400: Bad.' });
  fake.intercept = () => response(401, null);
  const second = clock.run(loadFields(fake.host, { clock }));
  await assert.rejects(second, { status: 401, message: 'Jira answered 401.' });
});

const offline = {
  requestJira: async () => {
    throw new Error('network down');
  },
};

test('a host that cannot reach Jira gives a JiraError with status 0', async () => {
  await assert.rejects(loadFields(offline), { name: 'JiraError', status: 0 });
});

test('countIssues answers the approximate count', async () => {
  const { clock, fake } = setup({ size: 153 });
  const count = await clock.run(countIssues(fake.host, 'project = RPT', { clock }));
  assert.equal(count, 153);
  assert.deepEqual(fake.requests[0].body, { jql: 'project = RPT' });
});

test('countIssues gives null when Jira fails or is unreachable', async () => {
  const { clock, fake } = setup({ size: 153 });
  fake.intercept = () => response(500, { errorMessages: ['Internal error'] });
  const count = await clock.run(countIssues(fake.host, 'project = RPT', { clock }));
  assert.equal(count, null);
  assert.equal(await countIssues(offline, 'project = RPT'), null);
});

test('a failing count does not break the load; progress has no total', async () => {
  const { fake, load } = setup({ size: 30 });
  fake.intercept = refuse(COUNT, response(500, null));
  const events = [];
  const result = await load({ fields: ['summary'], onProgress: (e) => events.push(e) });
  assert.equal(result.issues.length, 30);
  assert.deepEqual(events[0], { phase: 'ids', loaded: 30, total: null });
});

test("parseJql returns Jira's errors and the ORDER BY fields", async () => {
  const { clock, fake } = setup();
  const jql = 'universe = 42 ORDER BY created DESC';
  const bad = await clock.run(parseJql(fake.host, jql, { clock }));
  assert.deepEqual(bad.errors, [UNIVERSE]);
  const good = await clock.run(parseJql(fake.host, 'project = RPT', { clock }));
  assert.deepEqual(good, { errors: [], orderBy: ['created', 'key'] });
  const [first] = fake.requests;
  assert.deepEqual([first.method, first.body], ['POST', { queries: [jql] }]);
});

test('parseJql turns a 400 answer into errors', async () => {
  const { clock, fake } = setup();
  const body = { errorMessages: ['The JQL query is invalid.'] };
  fake.intercept = () => response(400, body);
  const parsed = await clock.run(parseJql(fake.host, 'project = ', { clock }));
  assert.deepEqual(parsed, { errors: ['The JQL query is invalid.'], orderBy: [] });
});

test('loadFields returns the field list', async () => {
  const { clock, fake } = setup();
  assert.deepEqual(await clock.run(loadFields(fake.host, { clock })), FIELDS);
  const sent = fake.requests.map((r) => [r.method, r.path]);
  assert.deepEqual(sent, [['GET', '/rest/api/3/field']]);
});
