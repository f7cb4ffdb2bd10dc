// The editor's Access section: the owner, who can see the report and who can edit it.
// @ts-check
import { button, h } from '../ui/dom.js';
import { myAccountId } from '../jira/jira.js';
import { fillNames, person, personLabel } from '../ui/people.js';
import { peoplePicker } from '../ui/people-picker.js';
import { MAX_EDITORS, editedBy, maySetAccess, seenBy } from './sharing.js';
import { ownerRow } from './transfer.js';

/*
 * Driving it from a test: [data-testid=access-section] holds the radios visibility-site and
 * visibility-private, editors-site and editors-list; [data-testid=editor-picker] is the people
 * picker (options [data-testid=person-option]); chosen editors are [data-testid=editor-chip]
 * with [data-editor=<accountId>]; [data-testid=transfer-owner] starts a transfer (transfer.js).
 * A report the user may not share shows [data-testid=access-summary] instead.
 */

/**
 * @typedef {import('../main.js').App} App
 * @typedef {import('./checks.js').Form} Form
 * @typedef {(owner: string) => Promise<boolean>} Transfer  save with this owner; true if saved
 */

const PRIVATE_NOTE = 'While it is private, only you see and edit it. The editors chosen below '
  + 'are kept for when you share it again.';
const NOT_YOURS = 'Only the owner can change who can see and edit this report.';
const NO_OWNER = 'This report has no owner: everyone on this site can see, edit and delete it. '
  + 'A Jira administrator can give it one.';

/**
 * The Access section: editable on a new report and for the owner, else a summary.
 * @param {App} app
 * @param {Form} form
 * @param {Transfer} transfer
 */
export function accessSection(app, form, transfer) {
  const { draft } = form;
  const parts = maySetAccess(draft) ? editable(app, form, transfer) : summary(draft);
  const root = h('fieldset', { className: 'section section-access', 'data-testid': 'access-section' },
    h('legend', null, 'Access'), parts);
  fillNames(app.host, root);
  return root;
}

/**
 * @param {App} app
 * @param {Form} form
 * @param {Transfer} transfer
 */
function editable(app, form, transfer) {
  const { draft, slots } = form;
  const note = h('p', { className: 'hint', 'data-testid': 'private-note' }, PRIVATE_NOTE);
  const shown = () => { note.hidden = draft.visibility !== 'private'; };
  const visibility = radios('visibility', 'Who can see it', [
    { value: 'site', label: 'Everyone on this site' },
    { value: 'private', label: 'Only me (private)' }], draft.visibility, (value) => {
    draft.visibility = value;
    shown();
  });
  shown();
  slots.visibility = visibility.error;
  const editors = editorsChoice(app, form);
  return [ownerRow(app, draft, transfer), visibility.root, note, editors.root];
}

/**
 * Who can edit it: everyone who can view it, or the people chosen with the picker.
 * @param {App} app
 * @param {Form} form
 */
function editorsChoice(app, form) {
  const { draft, slots } = form;
  let chosen = /** @type {string[]} */ (draft.editors === 'site' ? [] : [...draft.editors ?? []]);
  const people = h('div', { className: 'editors' });
  const owner = { id: draft.owner ?? null };  // a new report's is the user, once Jira says who
  if (!owner.id) myAccountId(app.host).then((me) => { owner.id = me; });
  const render = (/** @type {number} */ focusAt = -1) => {
    draft.editors = draft.editors === 'site' ? 'site' : chosen;
    people.hidden = draft.editors === 'site';
    const chips = chosen.map((id, n) => editorChip(id, () => {
      chosen = chosen.filter((other) => other !== id);
      render(n);
    }));
    people.replaceChildren(h('ul', { className: 'chips', 'aria-label': 'Editors' }, chips),
      chosen.length < MAX_EDITORS ? picker.root
        : h('p', { className: 'hint' }, `That is the most a report can have (${MAX_EDITORS}).`),
      h('p', { className: 'hint' }, 'The owner can always edit it.'));
    const next = people.querySelectorAll('.chip button')[Math.min(focusAt, chosen.length - 1)];
    if (focusAt >= 0) /** @type {HTMLElement} */ (next ?? picker.input).focus();
  };
  const picker = peoplePicker(app.host, { id: 'editor-picker', label: 'Add an editor',
    exclude: () => [...chosen, ...(owner.id ? [owner.id] : [])],
    onPick: (found) => {
      chosen = [...chosen, found.accountId];
      render();
      fillNames(app.host, people);
      picker.input.focus();
    } });
  const group = radios('editors', 'Who can edit it', [
    { value: 'site', label: 'Everyone who can view it' },
    { value: 'list', label: 'Only these people' }],
  draft.editors === 'site' ? 'site' : 'list', (value) => {
    draft.editors = value === 'site' ? 'site' : chosen;
    render();
  });
  render();
  slots.editors = group.error;
  group.root.append(people);
  return group;
}

/**
 * A chosen editor with a button that removes them.
 * @param {string} accountId
 * @param {() => void} remove
 */
function editorChip(accountId, remove) {
  return h('li', { className: 'chip', 'data-testid': 'editor-chip', 'data-editor': accountId },
    person(accountId), button('remove-editor', '×', remove, { className: 'chip-remove',
      'aria-label': `Remove ${personLabel(accountId)}`, title: 'Remove' }));
}

/**
 * A group of radio buttons with a legend and an error slot.
 * @param {string} name
 * @param {string} legend
 * @param {{value: string, label: string}[]} options
 * @param {string} value
 * @param {(value: string) => void} onChange
 */
function radios(name, legend, options, value, onChange) {
  const error = h('p', { className: 'field-error', id: `${name}-error`, hidden: true });
  const rows = options.map((option) => {
    const id = `${name}-${option.value}`;
    const input = h('input', { type: 'radio', name, id, value: option.value, 'data-testid': id,
      checked: option.value === value });
    input.addEventListener('change', () => onChange(option.value));
    return h('div', { className: 'radio' }, input, h('label', { for: id }, option.label));
  });
  const root = h('fieldset', { className: 'choice-group', 'aria-describedby': error.id },
    h('legend', null, legend), rows, error);
  return { root, error };
}

/**
 * What a user who may not share the report sees: who owns it, sees it and edits it.
 * @param {Record<string, any>} draft
 */
function summary(draft) {
  const editors = Array.isArray(draft.editors) && draft.visibility !== 'private'
    ? draft.editors.map((/** @type {string} */ id) => h('li', null, person(id))) : [];
  /** @param {string} term  @param {...any} value */
  const row = (term, ...value) => [h('dt', null, term), h('dd', null, value)];
  return [h('dl', { className: 'access-summary', 'data-testid': 'access-summary' },
    row('Owner', draft.owner ? person(draft.owner) : 'No owner'),
    row('Who can see it', seenBy(draft.visibility)),
    row('Who can edit it', editedBy(draft), editors.length ? h('ul', null, editors) : null)),
  h('p', { className: 'hint' }, draft.owner ? NOT_YOURS : NO_OWNER)];
}
