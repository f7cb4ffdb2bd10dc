// The fake Jira's JSON text is exactly what JSON.stringify would write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { json, tooManyRequests } from '../../static/js/demo/wire.js';
import { generateIssues } from '../../static/js/demo/data.js';

const ISSUES = generateIssues({ issues: 50, seed: 3, now: Date.parse('2026-10-01T00:00:00Z') });

test('issue lists are written as JSON.stringify writes them', () => {
  const page = { issues: ISSUES.map(({ id, key, self, fields }) => ({ expand: 'names', id, self,
    key, fields })), nextPageToken: 'abc', isLast: false };
  assert.equal(json(200, page).body, JSON.stringify(page));
  const bulk = { issues: ISSUES.slice(0, 3), issueErrors: [] };
  assert.equal(json(200, bulk).body, JSON.stringify(bulk));
  assert.equal(json(200, bulk).body, json(200, bulk).body);
});

test('id-only pages, empty lists and other answers are plain JSON', () => {
  for (const value of [{ issues: [{ id: '1' }, { id: '2' }], isLast: true }, { issues: [] },
    { count: 3 }, [{ id: 'summary' }], { issues: [{ id: '1', fields: {} }] }]) {
    assert.equal(json(200, value).body, JSON.stringify(value));
  }
});

test('a response carries its status and a JSON content type', () => {
  const answer = json(201, { ok: true }, { 'X-Extra': '1' });
  assert.equal(answer.status, 201);
  assert.match(answer.headers['Content-Type'], /^application\/json/);
  assert.equal(answer.headers['X-Extra'], '1');
});

test('a quota 429 resets at the top of the hour; a burst 429 may omit Retry-After', () => {
  const quota = tooManyRequests({ retryAfter: 5, reason: 'jira-quota-global-based' });
  assert.equal(quota.status, 429);
  assert.equal(new Date(quota.headers['X-RateLimit-Reset']).getUTCMinutes(), 0);
  assert.equal(quota.headers['Retry-After'], '5');
  const burst = tooManyRequests({ retryAfter: null, reason: 'jira-burst-based' });
  assert.equal(burst.headers['Retry-After'], undefined);
});
