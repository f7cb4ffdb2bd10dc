// Editor checks: rules the form tests itself, Jira's JQL check, server messages by input.
// @ts-check
import { setErrors } from './dom.js';
import { parseJql } from './jira.js';
import { showError } from './messages.js';

/**
 * The editor's error slots by config key, and the number of the latest JQL check.
 * @typedef {{draft: Record<string, any>, slots: Record<string, HTMLElement>,
 *   jqlCheck: number}} Form
 */

/**
 * Problems the form can see without asking anyone, by config key.
 * @param {Record<string, any>} draft
 * @returns {Record<string, string[]>}
 */
export function localProblems(draft) {
  const problems = { name: /** @type {string[]} */ ([]), columns: /** @type {string[]} */ ([]) };
  if (!String(draft.name ?? '').trim()) problems.name.push('Give the report a name.');
  if (!draft.columns.length) problems.columns.push('Add at least one column.');
  return problems;
}

/**
 * Ask Jira whether the JQL is valid; show and answer its errors (a newer check's answer wins).
 * When Jira cannot be asked, say so and do not block.
 * @param {import('./host.js').Host} host
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
  /** @type {Record<string, string[]>} */
  const bySlot = {};
  const unplaced = [];
  for (const [key, message] of Object.entries(fields)) {
    const slot = /^[A-Za-z]+/.exec(key)?.[0] ?? '';
    if (form.slots[slot]) (bySlot[slot] ??= []).push(message);
    else unplaced.push(`${key}: ${message}`);
  }
  Object.entries(bySlot).forEach(([slot, messages]) => setErrors(form.slots[slot], messages));
  return unplaced;
}
