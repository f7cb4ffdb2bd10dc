// Editor pickers: field search (an input bound to a datalist of "Name (id)"), value chips, selects.
// @ts-check
import { button, h, setErrors } from '../ui/dom.js';

/** @typedef {{id: string, name: string, schema?: any}} Field */

/** Field kinds that are numbers (summed, averaged) and dates (bucketed by interval). */
export const NUMERIC = new Set(['number', 'duration']);
export const DATES = new Set(['date', 'datetime']);
const FUNCTION_NAMES = /** @type {Record<string, string>} */ ({
  sum: 'Sum', avg: 'Average', min: 'Minimum', max: 'Maximum', count: 'Count', distinct: 'Distinct',
});
const FIELD_ID = /\(([A-Za-z0-9_.:-]{1,100})\)$/;
const NO_VALUES = 'No values of this field are loaded yet: save, open the report, then edit it '
  + 'again to pick from its values. Typed values must match exactly.';

/** How a field is offered and shown: "Name (id)". @param {Field} field */
const shown = (field) => `${field.name} (${field.id})`;

/**
 * A datalist of fields, offered as "Name (id)".
 * @param {string} id
 * @param {Field[]} fields
 */
export function fieldDatalist(id, fields) {
  const options = fields.map((field) => h('option', { value: shown(field) }));
  return h('datalist', { id }, options);
}

/**
 * The field a user typed or picked: "Name (id)", an id, or a name only one field has.
 * @param {string} text
 * @param {Field[]} fields
 * @returns {{field?: Field, problem?: string}}
 */
export function resolveField(text, fields) {
  const wanted = text.trim();
  if (!wanted) return { problem: 'Type a field name, then pick it from the list.' };
  const id = FIELD_ID.exec(wanted)?.[1] ?? wanted;
  const byId = fields.find((field) => field.id === id);
  if (byId) return { field: byId };
  const named = fields.filter((field) => field.name.toLowerCase() === wanted.toLowerCase());
  if (named.length === 1) return { field: named[0] };
  if (named.length > 1) return { problem: `Several fields are called “${wanted}”: pick one.` };
  return { problem: `No field “${wanted}” here. Pick one from the list.` };
}

/**
 * Run `action` when Enter is pressed in an input (instead of submitting the form).
 * @param {HTMLElement} input
 * @param {() => void} action
 */
function onEnter(input, action) {
  input.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    action();
  });
}

/**
 * A searchable field picker with an Add button (Enter adds too); `onPick` answers a problem
 * text, or null when it took the field.
 * @param {{name: string, label: string, listId: string, fields: Field[],
 *   onPick: (field: Field) => string|null}} options
 */
export function fieldPicker({ name, label, listId, fields, onPick }) {
  const id = `${name}-picker`;
  const input = /** @type {HTMLInputElement} */ (h('input', { type: 'text', id, list: listId,
    autocomplete: 'off', 'data-testid': id, placeholder: 'Search fields by name or id',
    'aria-describedby': `${id}-error` }));
  const error = h('p', { className: 'field-error', id: `${id}-error`, hidden: true });
  const add = () => {
    const { field, problem } = resolveField(input.value, fields);
    const refused = problem ?? (field ? onPick(field) : null);
    setErrors(error, refused ? [refused] : []);
    if (!refused) input.value = '';
  };
  onEnter(input, add);
  return h('div', { className: 'picker' }, h('label', { for: id }, label),
    h('div', { className: 'picker-row' }, input, button(`add-${name}`, 'Add', add)), error);
}

/**
 * One field as a searchable input, for a block's single slots (a pivot's rows, a number to
 * sum). `set` gets the id of the field typed or picked, else the text itself, which the
 * editor's checks refuse; the datalist offers the fitting fields, the text may name any.
 * @param {{id: string, listId: string, fields: Field[], current: string|null,
 *   set: (id: string|null) => void}} options
 */
export function fieldInput({ id, listId, fields, current, set }) {
  const known = fields.find((field) => field.id === current);
  const input = /** @type {HTMLInputElement} */ (h('input', { type: 'text', list: listId,
    autocomplete: 'off', 'data-testid': id, placeholder: 'Search fields by name',
    value: known ? shown(known) : current ?? '' }));
  input.addEventListener('input', () => {
    const text = input.value.trim();
    set(text ? resolveField(text, fields).field?.id ?? text : null);
  });
  input.addEventListener('change', () => {
    const { field } = resolveField(input.value, fields);
    if (field) input.value = shown(field);
  });
  return input;
}

/**
 * The aggregation functions that suit a field kind; a stored one that does not stays visible.
 * @param {string} kind
 * @param {string} [current]
 */
export function functionsFor(kind, current) {
  let names = ['count', 'distinct'];
  if (NUMERIC.has(kind)) names = ['sum', 'avg', 'min', 'max', ...names];
  else if (DATES.has(kind)) names = ['min', 'max', ...names];
  if (current && !names.includes(current)) names.push(current);
  return names.map((value) => ({ value, label: FUNCTION_NAMES[value] ?? value }));
}

/**
 * A select built from {value, label} options.
 * @param {{value: string, label: string}[]} options
 * @param {string} value
 * @param {Record<string, any>} props
 * @param {(value: string) => void} onChange
 */
export function choice(options, value, props, onChange) {
  const select = /** @type {HTMLSelectElement} */ (h('select', props,
    options.map((option) => h('option', { value: option.value }, option.label))));
  select.value = value;
  select.addEventListener('change', () => onChange(select.value));
  return select;
}

/**
 * Filter values as removable chips, and an input offering the values in the loaded data; free
 * entry is allowed (a typed label becomes its key when known).
 * @param {{values: string[]}} filter
 * @param {string} fieldLabel
 * @param {string} listId
 * @param {Map<string, string>} options key → label
 * @param {() => void} onChange
 */
export function valuesEditor(filter, fieldLabel, listId, options, onChange) {
  /** @param {string[]} values */
  const change = (values) => { filter.values = values; onChange(); };
  const offered = [...options].filter(([key]) => !filter.values.includes(key))
    .map(([, label]) => label).sort((a, b) => a.localeCompare(b));
  const input = /** @type {HTMLInputElement} */ (h('input', { type: 'text', list: listId,
    'data-testid': 'filter-value', 'aria-label': `Add a value for ${fieldLabel}`,
    placeholder: options.size ? 'Pick or type a value' : 'Type a value' }));
  const add = () => {
    const text = input.value.trim();
    const known = [...options].find(([, label]) => label.toLowerCase() === text.toLowerCase());
    const key = known ? known[0] : text;
    if (text && !filter.values.includes(key)) change([...filter.values, key]);
  };
  onEnter(input, add);
  const chips = filter.values.map((key) => valueChip(options.get(key) ?? key, key,
    () => change(filter.values.filter((value) => value !== key))));
  return h('div', { className: 'values' }, chips, input,
    h('datalist', { id: listId }, offered.map((label) => h('option', { value: label }))),
    button('add-filter-value', 'Add value', add, { className: 'subtle' }),
    options.size ? null : h('p', { className: 'hint' }, NO_VALUES));
}

/**
 * @param {string} label
 * @param {string} key
 * @param {() => void} remove
 */
function valueChip(label, key, remove) {
  return h('span', { className: 'chip', 'data-testid': 'filter-chip', 'data-value': key }, label,
    button(null, '×', remove, { className: 'chip-remove', 'aria-label': `Remove ${label}` }));
}
