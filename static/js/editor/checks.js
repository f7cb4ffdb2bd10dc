// Editor checks: rules the form tests itself, Jira's JQL check, server messages by input.
// @ts-check
import { kindOf } from '../view/cells.js';
import { setErrors } from '../ui/dom.js';
import { parseJql } from '../jira/jira.js';
import { showError } from '../ui/messages.js';
import { DATES, NUMERIC } from './pickers.js';

/**
 * The draft, the Jira fields by id, the editor's error slots by config key (a block's inputs
 * by path, e.g. 'pivot.rows') and the number of the latest JQL check.
 * @typedef {{draft: Record<string, any>, fields: Map<string, any>,
 *   slots: Record<string, HTMLElement>, jqlCheck: number}} Form
 * @typedef {Record<string, string[]>} Problems
 */

const WHOLE_1_TO_50 = 'Enter a whole number from 1 to 50.';

/**
 * Problems the form can see without asking anyone, by config key or block path. They mirror
 * the server's rules (validation.py), and know field kinds, which the server does not.
 * @param {Record<string, any>} draft
 * @param {Map<string, any>} fields
 * @returns {Problems}
 */
export function localProblems(draft, fields) {
  /** @type {Problems} */
  const problems = { name: [], columns: [] };
  if (!String(draft.name ?? '').trim()) problems.name.push('Give the report a name.');
  if (!draft.columns.length) problems.columns.push('Add at least one column.');
  if (draft.pivot) Object.assign(problems, pivotProblems(draft.pivot, fields));
  if (draft.timeSeries) Object.assign(problems, seriesProblems(draft.timeSeries, fields));
  return problems;
}

/** @param {Record<string, any>} pivot @param {Map<string, any>} fields @returns {Problems} */
function pivotProblems(pivot, fields) {
  const most = pivot.maxColumns ?? 12;  // absent: the server's default
  return {
    'pivot.rows': fieldProblems(pivot.rows, fields, 'the rows'),
    'pivot.columns': fieldProblems(pivot.columns, fields, 'the columns'),
    'pivot.maxColumns': Number.isInteger(most) && most >= 1 && most <= 50 ? []
      : [WHOLE_1_TO_50],
    ...valueProblems('pivot', pivot.value, fields),
  };
}

/** @param {Record<string, any>} series @param {Map<string, any>} fields @returns {Problems} */
function seriesProblems(series, fields) {
  const dates = series.dates.length ? series.dates.flatMap((/** @type {string} */ id) =>
    fieldProblems(id, fields, 'a date', DATES)) : ['Add a date field, e.g. Created.'];
  return { 'timeSeries.dates': dates, ...valueProblems('timeSeries', series.value, fields) };
}

/**
 * @param {string} key the block's config key
 * @param {{function: string, field: string|null}} value
 * @param {Map<string, any>} fields
 * @returns {Problems}
 */
function valueProblems(key, value, fields) {
  if (value.function === 'count') return {};
  return { [`${key}.value.field`]: fieldProblems(value.field, fields, 'a number', NUMERIC) };
}

/**
 * Why a block's field will not do: none picked, unknown here, or not of the kinds it needs
 * (unknown fields pass when the fields could not be loaded, and the server decides).
 * @param {string|null} id
 * @param {Map<string, any>} fields
 * @param {string} what
 * @param {Set<string>} [kinds]
 * @returns {string[]}
 */
function fieldProblems(id, fields, what, kinds) {
  if (!id) return [`Pick ${kinds ? `${what} field` : `the field for ${what}`}.`];
  const field = fields.get(id);
  if (!field) return fields.size ? [`No field “${id}” here. Pick one from the list.`] : [];
  if (kinds && !kinds.has(kindOf(field))) return [`${field.name} is not ${what} field.`];
  return [];
}

/**
 * Ask Jira whether the JQL is valid; show and answer its errors (a newer check's answer wins).
 * When Jira cannot be asked, say so and do not block.
 * @param {import('../host/host.js').Host} host
 * @param {Form} form
 * @returns {Promise<string[]>}
 */
export async function checkJql(host, form) {
  const ticket = ++form.jqlCheck;
  const jql = String(form.draft.jql ?? '').trim();
  let errors = jql ? [] : ['Enter a JQL query.'];
  if (jql) {
    try {
      errors = (await parseJql(host, jql)).errors ?? [];
    } catch (error) {
      showError(error, 'Could not check the JQL with Jira');
    }
  }
  if (ticket === form.jqlCheck) setErrors(form.slots.jql, errors);
  return errors;
}

/**
 * Put the server's validation messages (`{"columns[2]": "…"}`) next to the matching inputs;
 * answers the messages that have no input of their own.
 * @param {Form} form
 * @param {Record<string, string>} fields
 */
export function placeServerErrors(form, fields) {
  /** @type {Problems} */
  const bySlot = {};
  const unplaced = [];
  for (const [key, message] of Object.entries(fields)) {
    const slot = slotFor(form.slots, key, message);
    if (slot) (bySlot[slot] ??= []).push(message);
    else unplaced.push(`${key}: ${message}`);
  }
  Object.entries(bySlot).forEach(([slot, messages]) => setErrors(form.slots[slot], messages));
  return unplaced;
}

/**
 * A message's slot: a block's messages open with the part at fault ("value: field must be a
 * field id" → 'pivot.value.field', "maxColumns must be…" → 'pivot.maxColumns'), else the key's.
 * @param {Record<string, HTMLElement>} slots
 * @param {string} key
 * @param {string} message
 */
export function slotFor(slots, key, message) {
  const base = /^[A-Za-z]+/.exec(key)?.[0] ?? '';
  const [first, second] = message.split(/[^A-Za-z]+/, 2);
  return [`${base}.${first}.${second}`, `${base}.${first}`, base].find((path) => slots[path]);
}
