// A people picker: a combobox that finds people through Jira's user search, names as text.
// @ts-check
/*
 * API (kept stable; the editor's Access section and the admin page use it):
 *   import { peoplePicker } from '../ui/people-picker.js';
 *   const picker = peoplePicker(app.host, {
 *     id: 'editor-picker',               // the input's id and data-testid
 *     label: 'Add an editor',            // its visible label
 *     onPick: (person) => { ... },       // {accountId, displayName}; the input then empties
 *     exclude: () => chosenIds,          // optional: account ids not offered
 *     placeholder: 'Search people',      // optional
 *   });
 *   parent.append(picker.root);  picker.input.focus();  picker.clear();
 *
 * Typing searches after a pause (Jira's user/search through the host: active people only, see
 * jira/users.js). ArrowDown/ArrowUp open the list and move, Enter or a click picks, Escape
 * closes the list, then clears the text. An ARIA 1.2 combobox with a listbox popup (WAI-ARIA
 * APG); a polite status tells what was found. Options: [data-testid="person-option"].
 */
import { h } from './dom.js';
import { rememberNames } from './people.js';
import { searchUsers } from '../jira/jira.js';

/**
 * @typedef {{accountId: string, displayName: string}} Person
 * @typedef {{id: string, label: string, onPick: (person: Person) => void,
 *   exclude?: () => Iterable<string>, placeholder?: string}} PickerOptions
 * @typedef {{root: HTMLElement, input: HTMLInputElement, clear: () => void}} PeoplePicker
 * @typedef {import('../jira/retry.js').Host} Host
 * @typedef {{found: Person[], active: number, asked: number, timer: number,
 *   controller: AbortController|null}} State  asked: bumped to drop older searches' answers
 * @typedef {{input: HTMLInputElement, list: HTMLElement, status: HTMLElement, state: State,
 *   options: PickerOptions}} View
 */

/** How long typing must pause before a search is sent. */
const PAUSE_MS = 250;
/** People shown at most; the search finds up to 50. */
const SHOWN = 10;

/**
 * Build a people picker (see the API above).
 * @param {Host} host
 * @param {PickerOptions} options
 * @returns {PeoplePicker}
 */
export function peoplePicker(host, options) {
  const { id, label, placeholder = 'Search people by name' } = options;
  const input = /** @type {HTMLInputElement} */ (h('input', { type: 'text', id,
    'data-testid': id, role: 'combobox', 'aria-autocomplete': 'list', 'aria-expanded': 'false',
    'aria-controls': `${id}-list`, 'aria-describedby': `${id}-status`, autocomplete: 'off',
    spellcheck: 'false', placeholder }));
  const list = h('ul', { id: `${id}-list`, role: 'listbox', className: 'people-list',
    'aria-label': label, hidden: true });
  const status = h('p', { className: 'hint people-status', role: 'status', id: `${id}-status` });
  /** @type {State} */
  const state = { found: [], active: -1, asked: 0, timer: 0, controller: null };
  const view = { input, list, status, state, options };
  input.addEventListener('input', () => schedule(host, view));
  input.addEventListener('keydown', (event) => onKey(view, event));
  input.addEventListener('blur', () => close(view));
  const root = h('div', { className: 'people-picker' }, h('label', { for: id }, label),
    h('div', { className: 'combobox' }, input, list), status);
  const clear = () => {
    input.value = '';
    schedule(host, view);  // with no text: drops any search and empties the list
  };
  return { root, input, clear };
}

/** Forget the pending search, if any. @param {State} state */
function stop(state) {
  clearTimeout(state.timer);
  state.controller?.abort();
  state.controller = null;
  state.asked += 1;
}

/**
 * Search once typing pauses; an older search's answer is dropped.
 * @param {Host} host
 * @param {View} view
 */
function schedule(host, view) {
  const { state, input, status } = view;
  stop(state);
  const text = input.value.trim();
  if (!text) {
    status.textContent = '';
    show(view, []);
    return;
  }
  const ticket = state.asked;
  state.timer = Number(setTimeout(async () => {
    state.controller = new AbortController();
    status.textContent = 'Searching…';
    try {
      const people = await searchUsers(host, text, { signal: state.controller.signal });
      if (ticket !== state.asked) return;
      rememberNames(people);
      const excluded = new Set(view.options.exclude?.() ?? []);
      const offered = people.filter((person) => !excluded.has(person.accountId));
      status.textContent = found(offered.length, text);
      show(view, offered.slice(0, SHOWN));
    } catch (error) {
      if (ticket !== state.asked) return;
      status.textContent = `Could not search people: ${error instanceof Error
        ? error.message : String(error)}`;
      show(view, []);
    }
  }, PAUSE_MS));
}

/** What a search found, in words. @param {number} count  @param {string} text */
function found(count, text) {
  if (!count) return `No one found for “${text}”.`;
  return `${count === 1 ? '1 person' : `${count} people`} found`
    + `${count > SHOWN ? `, the first ${SHOWN} shown` : ''}.`;
}

/**
 * Show these people as the listbox's options (closed when there are none).
 * @param {View} view
 * @param {Person[]} people
 */
function show(view, people) {
  const { list, state, input } = view;
  state.found = people;
  close(view);
  list.replaceChildren(...people.map((person, n) => h('li', { role: 'option',
    id: `${input.id}-option-${n}`, 'aria-selected': 'false', 'data-testid': 'person-option',
    'data-account-id': person.accountId,
    onMousedown: (/** @type {Event} */ event) => event.preventDefault(),
    onClick: () => pick(view, n) }, person.displayName)));
  list.hidden = !people.length;
  input.setAttribute('aria-expanded', String(!list.hidden));
}

/** @param {View} view */
function close(view) {
  view.list.hidden = true;
  view.input.setAttribute('aria-expanded', 'false');
  view.input.removeAttribute('aria-activedescendant');
  view.state.active = -1;
}

/**
 * Make the option at `index` the active one.
 * @param {View} view
 * @param {number} index
 */
function activate(view, index) {
  const { list, state, input } = view;
  list.hidden = false;
  input.setAttribute('aria-expanded', 'true');
  state.active = index;
  [...list.children].forEach((option, n) => option.setAttribute('aria-selected',
    String(n === index)));
  const option = list.children[index];
  input.setAttribute('aria-activedescendant', option.id);
  option.scrollIntoView?.({ block: 'nearest' });
}

/**
 * @param {View} view
 * @param {KeyboardEvent} event
 */
function onKey(view, event) {
  const { state, list, input } = view;
  const count = state.found.length;
  const open = !list.hidden;
  if ((event.key === 'ArrowDown' || event.key === 'ArrowUp') && count) {
    const step = event.key === 'ArrowDown' ? 1 : -1;
    const from = open ? state.active : -1;
    activate(view, from < 0 && step < 0 ? count - 1 : (from + step + count) % count);
  } else if (event.key === 'Enter') {
    if (open && state.active >= 0) pick(view, state.active);
  } else if (event.key === 'Escape') {
    if (open) close(view);
    else input.value = '';
  } else {
    return;
  }
  event.preventDefault();
}

/**
 * Hand the person at `index` to onPick, then empty the picker for the next one.
 * @param {View} view
 * @param {number} index
 */
function pick(view, index) {
  const person = view.state.found[index];
  if (!person) return;
  view.input.value = '';
  view.status.textContent = `${person.displayName} picked.`;
  stop(view.state);
  show(view, []);
  view.options.onPick(person);
}
