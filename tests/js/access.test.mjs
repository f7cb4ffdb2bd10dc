// Report access in the client: what a save sends, a copy's draft, the list's views, the words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accessPayload, afterTransfer, editedBy, maySetAccess, seenBy }
  from '../../static/js/editor/sharing.js';
import { draftOf, newDraft } from '../../static/js/editor/drafts.js';
import { copyOf } from '../../static/js/list/actions.js';
import { VIEWS, chooseView, chosenView, inView, isMine } from '../../static/js/list/filters.js';

const ME = '5b10a2844c20165700ede21g';
const OTHER = '5b10ac8d82e05b22cc7d4e11';
const STORED = { id: '7', version: 3, name: 'Bugs', description: 'd', jql: 'project = RPT',
  columns: ['summary'], sort: [], groupBy: ['status'], filters: [], aggregations: [],
  pivot: null, timeSeries: null, owner: OTHER, visibility: 'site', editors: [ME],
  canEdit: true, canDelete: false, canShare: false, createdBy: OTHER, updatedBy: OTHER };

test('a new report sends site visibility and its owner as only editor, and no owner', () => {
  const draft = newDraft('RPT');
  assert.equal(maySetAccess(draft), true);
  assert.deepEqual(accessPayload(draft), { visibility: 'site', editors: [] });
});

test('an editor who is not the owner sends no access fields, whatever the draft holds', () => {
  const draft = { ...structuredClone(STORED), visibility: 'private', editors: 'site', owner: ME };
  assert.equal(maySetAccess(draft), false);
  assert.deepEqual(accessPayload(draft), {});
  assert.deepEqual(accessPayload({ ...draft, canShare: undefined }), {});
});

test('the owner sends visibility, distinct editors and the owner (a transfer when changed)', () => {
  const mine = { ...structuredClone(STORED), owner: ME, canShare: true,
    editors: [OTHER, OTHER, 'x'] };
  assert.deepEqual(accessPayload(mine), { visibility: 'site', editors: [OTHER, 'x'], owner: ME });
  const handed = { ...mine, owner: OTHER, visibility: 'private', editors: 'site' };
  assert.deepEqual(accessPayload(handed), { visibility: 'private', editors: 'site',
    owner: OTHER });
});

test('a copy keeps the content, is named "Copy of …" and takes a new report\'s access', () => {
  const copy = copyOf(STORED);
  assert.equal(copy.name, 'Copy of Bugs');
  assert.equal(copyOf({ ...STORED, name: 'x'.repeat(200) }).name.length, 200);
  const draft = draftOf(copy, 'RPT');
  for (const key of ['id', 'version', 'owner', 'canEdit', 'canDelete', 'canShare', 'createdBy']) {
    assert.equal(key in draft, false, key);
  }
  assert.deepEqual(draft.groupBy, ['status']);
  assert.equal(draft.jql, 'project = RPT');
  assert.deepEqual(accessPayload(draft), { visibility: 'site', editors: [] });
});

test('a stored report is edited as it is, a private one stays private', () => {
  const draft = draftOf({ ...STORED, visibility: 'private' });
  assert.equal(draft.id, '7');
  assert.equal(draft.visibility, 'private');
  assert.notEqual(draft, STORED);
  assert.equal(draftOf(null, 'OPS').jql, 'project = OPS ORDER BY created DESC');
});

// As the server lists them for ME: canShare is true exactly where ME is the owner.
const LIST = [
  { id: 'a', owner: ME, canShare: true },
  { id: 'b', owner: OTHER, canShare: false },
  { id: 'c', owner: null, canShare: false },
  { id: 'd', owner: ME, canShare: true, visibility: 'private' },
];
const ids = (reports) => reports.map((report) => report.id);

test('Mine is what the user owns; Shared with me the rest, ownerless ones too; All is all', () => {
  assert.deepEqual(ids(inView('mine', LIST)), ['a', 'd']);
  assert.deepEqual(ids(inView('shared', LIST)), ['b', 'c']);
  assert.deepEqual(ids(inView('all', LIST)), ['a', 'b', 'c', 'd']);
});

test('a report without an owner is nobody\'s, whatever a flag says', () => {
  assert.equal(isMine({ owner: null, canShare: true }), false);
  assert.equal(isMine({ owner: OTHER, canShare: false }), false);
  assert.equal(isMine({ owner: ME, canShare: true }), true);
});

test('the chosen view is All until another is chosen, and is kept for the page', () => {
  assert.deepEqual(VIEWS.map((view) => view.label), ['Mine', 'Shared with me', 'All']);
  assert.equal(chosenView(), 'all');
  chooseView('shared');
  assert.equal(chosenView(), 'shared');
  chooseView('all');
});

test('the words for who sees, who edits, and what a transfer leaves the old owner', () => {
  assert.equal(seenBy('private'), 'Only the owner');
  assert.equal(seenBy('site'), 'Everyone on this site');
  assert.equal(editedBy({ visibility: 'site', editors: 'site' }), 'Everyone who can view it');
  assert.equal(editedBy({ visibility: 'site', editors: [] }), 'Only the owner');
  assert.equal(editedBy({ visibility: 'site', editors: [OTHER] }), 'The owner and 1 person');
  assert.equal(editedBy({ visibility: 'private', editors: [OTHER, ME] }), 'Only the owner');
  const base = 'You will keep no rights unless you are listed as an editor.';
  assert.ok(afterTransfer({ visibility: 'private', editors: [ME] }, ME).startsWith(base));
  assert.match(afterTransfer({ visibility: 'private', editors: [ME] }, ME), /no longer see/);
  assert.match(afterTransfer({ visibility: 'site', editors: [ME] }, ME), /still edit/);
  assert.match(afterTransfer({ visibility: 'site', editors: [] }, ME), /no longer edit/);
});
