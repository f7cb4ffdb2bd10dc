// Lean loaded issues: requested fields only, repeated Jira values shared, datetimes read once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSlimmer } from '../../static/js/jira/slim.js';
import { parseDateTime } from '../../static/js/engine/formats.js';

const user = (id) => ({ self: `https://x/rest/api/3/user?accountId=${id}`, accountId: id,
  displayName: `User ${id}`, avatarUrls: { '48x48': `https://a/${id}.png` } });
const version = (id) => ({ self: `https://x/rest/api/3/version/${id}`, id, name: `v${id}` });
const bean = (n, assignee) => ({
  expand: 'renderedFields,names', id: 10000 + n, self: `https://x/rest/api/3/issue/${n}`,
  key: `RPT-${n}`,
  fields: { summary: `Issue ${n}`, assignee, fixVersions: [version('1'), version('2')],
    labels: ['a', 'b'], customfield_10016: n, description: { type: 'doc', content: [] } },
});

test('an issue keeps its id (as text), key and the requested fields only', () => {
  const slim = createSlimmer(['summary', 'assignee', 'customfield_10016', 'key', 'status']);
  const issue = slim(bean(1, null));
  assert.deepEqual(issue, { id: '10001', key: 'RPT-1',
    fields: { summary: 'Issue 1', assignee: null, customfield_10016: 1 }, times: undefined });
});

test('values with the same self are shared; the first copy is kept', () => {
  const slim = createSlimmer(['assignee', 'fixVersions']);
  const [a, b, c] = [bean(1, user('u1')), bean(2, user('u1')), bean(3, user('u2'))].map(slim);
  assert.equal(a.fields.assignee, b.fields.assignee);
  assert.notEqual(a.fields.assignee, c.fields.assignee);
  assert.deepEqual(b.fields.assignee, user('u1'));
  assert.equal(a.fields.fixVersions[1], c.fields.fixVersions[1]);
  assert.deepEqual(c.fields.fixVersions.map((v) => v.name), ['v1', 'v2']);
});

test('values without a self address, and plain values, are kept as they are', () => {
  const slim = createSlimmer(['labels', 'description']);
  const source = bean(1, null);
  const issue = slim(source);
  assert.deepEqual(issue.fields.labels, ['a', 'b']);
  assert.equal(issue.fields.description, source.fields.description);
});

test('sharing is per field and per loader', () => {
  const first = createSlimmer(['assignee', 'reporter']);
  const same = user('u1');
  const one = first({ id: 1, key: 'K-1', fields: { assignee: same, reporter: user('u1') } });
  assert.notEqual(one.fields.assignee, one.fields.reporter);
  const other = createSlimmer(['assignee'])({ id: 2, key: 'K-2', fields: { assignee: user('u1') } });
  assert.notEqual(other.fields.assignee, same);
});

test('exclusions and wildcards are not field ids; an issue without fields gets none', () => {
  const slim = createSlimmer(['-comment', '*navigable', 'summary']);
  assert.deepEqual(slim({ id: '5', key: 'K-5' }),
    { id: '5', key: 'K-5', fields: {}, times: undefined });
});

test('datetimes in Jira\'s format carry their instant, read once when the issue is loaded', () => {
  // Jira's datetime: "2026-09-14T10:02:34.255+0200" (REST v3, e.g. IssueBean fields.created).
  const slim = createSlimmer(['created', 'resolutiondate', 'duedate', 'summary', 'updated',
    'customfield_10016']);
  const issue = slim({ id: 7, key: 'K-7', fields: { created: '2026-09-14T10:02:34.255+0200',
    resolutiondate: null, duedate: '2026-09-30', summary: '2026-09-14 10:02', updated:
    '2026-09-14T10:02:34Z', customfield_10016: 1726300954255 } });
  assert.deepEqual(issue.times, { created: parseDateTime('2026-09-14T10:02:34.255+0200') });
  assert.equal(issue.times.created, Date.parse('2026-09-14T08:02:34.255Z'));
  assert.equal(issue.fields.created, '2026-09-14T10:02:34.255+0200', 'the text is kept');
});
