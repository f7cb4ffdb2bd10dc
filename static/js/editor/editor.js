// The report editor: name, description, JQL checked by Jira, list sections, save with conflicts.
// @ts-check
/*
 * Driving the editor from a test: every field picker is an <input list=…> with an Add button;
 * type a field id (or pick "Name (id)" from its list) and click Add, or press Enter.
 *   column:       fill [data-testid=column-picker] with "summary", click [data-testid=add-column]
 *   group level:  fill [data-testid=group-picker] with "status", click [data-testid=add-group]
 *   aggregation:  fill [data-testid=aggregation-picker] with "customfield_10016", click
 *                 [data-testid=add-aggregation]; the new [data-testid=aggregation-item] has a
 *                 [data-testid=aggregation-function] select (sum is preselected for number fields)
 *   sort:         [data-testid=sort-picker] + add-sort, then its [data-testid=sort-direction]
 *   filter:       [data-testid=filter-picker] + add-filter, then [data-testid=filter-value] + Enter
 *                 per value (a value's label or key; the chips are [data-testid=filter-chip])
 *   rows:         [data-testid=<picker>-item][data-field=<id>] with move-up, move-down and
 *                 remove-item buttons.
 *   date group:   a date group row has a [data-testid=group-interval] select (none, day, week,
 *                 month, quarter, year)
 *   pivot:        [data-testid=add-pivot], then the field inputs [data-testid=pivot-rows] and
 *                 pivot-columns (a name, an id or "Name (id)"), the pivot-value-function
 *                 select, pivot-value-field (number fields), pivot-maxColumns; remove-pivot
 *   time series:  [data-testid=add-timeSeries], dates through series-date-picker +
 *                 add-series-date, the timeSeries-interval select, timeSeries-cumulative,
 *                 timeSeries-value-function and timeSeries-value-field; remove-timeSeries
 * Access (owner, visibility, editors, transfer): see access.js and transfer.js.
 * Save with [data-testid=save-report]; errors appear in [id=<key>-error] next to the inputs
 * (a block's inputs: [id=<input's testid>-error]).
 */
import { configOf } from '../list/actions.js';
import { ApiError, createReport, updateReport } from '../server/api.js';
import { accessSection } from './access.js';
import { blockSections } from './blocks.js';
import { checkJql, localProblems, placeServerErrors } from './checks.js';
import { button, h, labelled, setErrors } from '../ui/dom.js';
import { draftOf, fieldLists } from './drafts.js';
import { clearMessage, showMessage } from '../ui/messages.js';
import { fieldDatalist } from './pickers.js';
import { SECTIONS, listSection } from './sections.js';
import { accessPayload } from './sharing.js';
import * as state from '../view/state.js';

export const CONFLICT = 'Someone else saved this report since you opened it.';

/**
 * @typedef {import('../main.js').App} App
 * @typedef {import('../server/api.js').Report} Report
 * @typedef {import('./checks.js').Form} Form
 */

/**
 * Render the editor for a report, or for a new one: `report` null, or a draft without an id
 * (a copy to save as a new report).
 * @param {App} app
 * @param {HTMLElement} main
 * @param {Report|Record<string, any>|null} report
 * @param {Map<string, any>} fields
 */
export function showEditor(app, main, report, fields) {
  /** @type {Record<string, any>} */
  const draft = draftOf(report, app.projectKey);
  const lists = fieldLists(fields);
  /** @type {Form} */
  const form = { draft, fields, slots: {}, jqlCheck: 0 };
  const top = basics(app, form);
  const valueOptions = (/** @type {any} */ field) => state.valueOptions(draft.id, field);
  const context = { fields, lists, valueOptions };
  const sections = SECTIONS.map((spec) => {
    const section = listSection(spec, draft, context);
    form.slots[spec.key] = section.error;
    return section.root;
  });
  const blocks = blockSections(draft, context, form.slots);
  const save = button('save-report', 'Save', () => saveReport(app, form, save),
    { className: 'primary' });
  const access = accessSection(app, form, (owner) => transfer(app, form, save, owner));
  const cancel = () => (draft.id ? app.openReport(draft.id) : app.showList());
  const title = h('h2', null, draft.id ? `Edit “${report?.name}”` : 'New report');
  const datalists = Object.values(lists).map((list) => fieldDatalist(list.id, list.fields));
  const footer = h('div', { className: 'form-footer' }, save,
    button('cancel-edit', 'Cancel', cancel));
  main.replaceChildren(h('form', { className: 'editor', 'aria-label': 'Report editor',
    novalidate: true, onSubmit: (/** @type {Event} */ event) => event.preventDefault() },
  title, top, access, h('div', { className: 'sections' }, sections, blocks), datalists, footer));
  main.querySelector('input')?.focus();
}

/**
 * Name, description and JQL inputs bound to the draft.
 * @param {App} app
 * @param {Form} form
 */
function basics(app, form) {
  const { draft, slots } = form;
  /** @param {string} tag @param {string} key @param {Record<string, any>} props */
  const bound = (tag, key, props) => {
    const control = /** @type {HTMLInputElement} */ (h(tag,
      { ...props, 'data-testid': `report-${key}`, value: draft[key] }));
    control.addEventListener('input', () => { draft[key] = control.value; });
    return control;
  };
  const jqlInput = bound('textarea', 'jql', { rows: 3, className: 'code', spellcheck: 'false' });
  jqlInput.addEventListener('blur', () => checkJql(app.host, form));
  jqlInput.addEventListener('input', () => setErrors(slots.jql, []));
  const rows = {
    name: labelled('name', 'Name', bound('input', 'name', { type: 'text', maxlength: 200 })),
    description: labelled('description', 'Description',
      bound('textarea', 'description', { rows: 2, maxlength: 4000 })),
    jql: labelled('jql', 'JQL', jqlInput, JQL_HINT),
  };
  Object.entries(rows).forEach(([key, row]) => { slots[key] = row.error; });
  return h('fieldset', { className: 'section basics' }, h('legend', null, 'Report'),
    Object.values(rows).map((row) => row.root));
}

const JQL_HINT = 'Which issues the report covers, e.g. project = KEY AND created >= -90d '
  + 'ORDER BY created DESC.';

/**
 * Save the report with another owner; the draft keeps its owner when saving fails.
 * @param {App} app
 * @param {Form} form
 * @param {HTMLElement} saveButton
 * @param {string} owner
 */
async function transfer(app, form, saveButton, owner) {
  const before = form.draft.owner;
  form.draft.owner = owner;
  const saved = await saveReport(app, form, saveButton);
  if (!saved) form.draft.owner = before;
  return saved;
}

/**
 * Check locally and with Jira, then create or update; server errors go next to their inputs.
 * Answers whether it saved.
 * @param {App} app
 * @param {Form} form
 * @param {HTMLElement} saveButton
 */
async function saveReport(app, form, saveButton) {
  const { draft, fields, slots } = form;
  clearMessage();
  Object.values(slots).forEach((slot) => setErrors(slot, []));
  const problems = { ...localProblems(draft, fields), jql: await checkJql(app.host, form) };
  Object.entries(problems).forEach(([key, messages]) => setErrors(slots[key], messages));
  if (Object.values(problems).some((messages) => messages.length)) return refuse(form);
  saveButton.toggleAttribute('disabled', true);
  try {
    const config = { ...configOf(/** @type {any} */ (draft)), ...accessPayload(draft) };
    const saved = draft.id
      ? await updateReport(app.host, draft.id, { ...config, version: draft.version })
      : await createReport(app.host, config);
    app.openReport(saved);
    return true;
  } catch (error) {
    saveFailed(app, form, error);
    return false;
  } finally {
    saveButton.toggleAttribute('disabled', false);
  }
}

/**
 * Say why saving is refused and take the keyboard to the first marked input; answers false.
 * @param {Form} form
 */
function refuse(form) {
  showMessage('error', 'Fix the marked fields before saving.');
  const first = Object.values(form.slots).find((slot) => !slot.hidden);
  const owner = first && document.querySelector(`[aria-describedby~="${first.id}"]`);
  const target = owner?.matches('fieldset') ? owner.querySelector('input') : owner;
  if (target instanceof HTMLElement) target.focus();
  return false;
}

/**
 * @param {App} app
 * @param {Form} form
 * @param {unknown} error
 */
function saveFailed(app, form, error) {
  if (error instanceof ApiError && error.status === 409) {
    const reload = () => app.editReport(error.current ?? form.draft.id);
    showMessage('error', CONFLICT, { label: 'Reload', testid: 'reload-report', run: reload });
    return;
  }
  const unplaced = error instanceof ApiError ? placeServerErrors(form, error.fields) : [];
  const reason = error instanceof Error ? error.message : String(error);
  showMessage('error', ['Could not save the report:', reason, ...unplaced].join(' '));
}
