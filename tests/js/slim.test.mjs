// Lean loaded issues: requested fields only, repeated Jira values shared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSlimmer } from '../../static/js/slim.js';

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
    fields: { summary: 'Issue 1', assignee: null, customfield_10016: 1 } });
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
  assert.deepEqual(slim({ id: '5', key: 'K-5' }), { id: '5', key: 'K-5', fields: {} });
});
