// Editor sections for the ordered lists of a report: columns, group by, totals, sort, filters.
// @ts-check
import { fieldName, kindOf } from '../view/cells.js';
import { button, h } from '../ui/dom.js';
import { DATES, choice, fieldPicker, functionsFor, valuesEditor } from './pickers.js';

/**
 * What sections share: fields by id, the field lists pickers offer, values in loaded data.
 * @typedef {{fields: Map<string, any>, lists: Record<string, {id: string, fields: any[]}>,
 *   valueOptions: (field: any) => Map<string, string>}} SectionContext
 * @typedef {(focus?: {index: number, testid: string}) => void} Changed  re-render, then focus
 * @typedef {(item: any, context: SectionContext, changed: Changed,
 *   set: (item: any) => void) => Node|null} Extra  a row's own controls; `set` replaces its item
 * @typedef {{key: string, picker: string, title: string, adding: string, hint: string,
 *   max: number, list: string, movable: boolean, unique: boolean, make: (field: any) => any,
 *   extra?: Extra, slot?: string}} Spec  slot: its error slot's id before "-error", else key
 */

/** @type {(item: any) => string} */
const fieldOf = (item) => (typeof item === 'string' ? item : item.field);
export const ONLY_ID = (/** @type {any} */ field) => field.id;
/** A date group's interval; none groups by day, as before intervals existed. */
const INTERVALS = [{ value: '', label: 'None (per day)' }, { value: 'day', label: 'Day' },
  { value: 'week', label: 'Week' }, { value: 'month', label: 'Month' },
  { value: 'quarter', label: 'Quarter' }, { value: 'year', label: 'Year' }];

/** @type {Spec[]} */
export const SECTIONS = [
  { key: 'columns', picker: 'column', title: 'Columns', adding: 'Add a column',
    hint: 'Shown in this order, after the issue key.',
    max: 50, list: 'all', movable: true, unique: true, make: ONLY_ID },
  { key: 'groupBy', picker: 'group', title: 'Group by', adding: 'Add a grouping level',
    hint: 'Up to 3 levels, outermost first. A date groups by day, or by the interval chosen.',
    max: 3, list: 'group', movable: true, unique: true, extra: intervalChoice, make: ONLY_ID },
  { key: 'aggregations', picker: 'aggregation', title: 'Totals', adding: 'Add a total',
    hint: 'Shown per group and for the whole report; the first one is charted.',
    max: 20, list: 'all', movable: true, unique: false, extra: functionChoice,
    make: (field) => ({ field: field.id, function: functionsFor(kindOf(field))[0].value }) },
  { key: 'sort', picker: 'sort', title: 'Sort', adding: 'Add a sort rule',
    hint: 'Up to 7 rules, applied in order. Without rules the JQL ORDER BY applies.',
    max: 7, list: 'sort', movable: true, unique: true, extra: directionChoice,
    make: (field) => ({ field: field.id, direction: 'asc' }) },
  { key: 'filters', picker: 'filter', title: 'Filters', adding: 'Add a filter',
    hint: 'An issue stays when it has one of the values; every filter must match.',
    max: 20, list: 'group', movable: false, unique: true, extra: filterValues,
    make: (field) => ({ field: field.id, values: [] }) },
];

/**
 * One section as a fieldset whose list edits `draft[spec.key]`.
 * @param {Spec} spec
 * @param {Record<string, any>} draft
 * @param {SectionContext} context
 */
export function listSection(spec, draft, context) {
  const list = h('ol', { className: 'item-list', 'data-testid': `${spec.picker}-list` });
  const pickerSlot = h('div');
  const error = h('p', { className: 'field-error', id: `${spec.slot ?? spec.key}-error`,
    hidden: true });
  /** @type {Changed} */
  const render = (focus) => {
    const items = draft[spec.key];
    list.replaceChildren(...items.map((/** @type {any} */ _, /** @type {number} */ index) =>
      itemRow(spec, draft, context, index, render)));
    pickerSlot.replaceChildren(items.length < spec.max ? picker(spec, draft, context, render)
      : h('p', { className: 'hint' }, `That is the most a report can have (${spec.max}).`));
    if (focus) focusAfter(list, pickerSlot, focus);
  };
  render();
  const root = h('fieldset',
    { className: `section section-${spec.key}`, 'aria-describedby': error.id },
    h('legend', null, spec.title), h('p', { className: 'hint' }, spec.hint), list, pickerSlot,
    error);
  return { root, error };
}

/**
 * Keep the keyboard where the user was: the same control in the re-rendered row, else the picker.
 * @param {HTMLElement} list
 * @param {HTMLElement} pickerSlot
 * @param {{index: number, testid: string}} focus
 */
function focusAfter(list, pickerSlot, focus) {
  const selector = `[data-testid="${focus.testid}"]:not([disabled])`;
  const target = list.children[focus.index]?.querySelector(selector)
    ?? pickerSlot.querySelector('input');
  if (target instanceof HTMLElement) target.focus();
}

/**
 * @param {Spec} spec
 * @param {Record<string, any>} draft
 * @param {SectionContext} context
 * @param {Changed} render
 */
function picker(spec, draft, context, render) {
  const { id: listId, fields } = context.lists[spec.list];
  const onPick = (/** @type {any} */ field) => {
    const items = draft[spec.key];
    if (spec.unique && items.some((/** @type {any} */ item) => fieldOf(item) === field.id)) {
      return `${field.name} is already in ${spec.title.toLowerCase()}.`;
    }
    draft[spec.key] = [...items, spec.make(field)];
    render({ index: -1, testid: '' });
    return null;
  };
  return fieldPicker({ name: spec.picker, label: spec.adding, listId, fields, onPick });
}

/**
 * @param {Spec} spec
 * @param {Record<string, any>} draft
 * @param {SectionContext} context
 * @param {number} index
 * @param {Changed} render
 */
function itemRow(spec, draft, context, index, render) {
  const items = draft[spec.key];
  const id = fieldOf(items[index]);
  const name = fieldName(context.fields, id);
  /** @param {number} to @param {string} testid @param {string} text @param {string} label */
  const move = (to, testid, text, label) => button(testid, text, () => {
    draft[spec.key] = swap(items, index, to);
    render({ index: to, testid });
  }, { className: 'icon', 'aria-label': `${label} ${name}`, title: label, disabled: !items[to] });
  const remove = button('remove-item', '✕', () => {
    draft[spec.key] = items.filter((/** @type {any} */ _, /** @type {number} */ at) =>
      at !== index);
    render({ index: -1, testid: '' });
  }, { className: 'icon', 'aria-label': `Remove ${name}`, title: 'Remove' });
  const moves = spec.movable ? [move(index - 1, 'move-up', '↑', 'Move up'),
    move(index + 1, 'move-down', '↓', 'Move down')] : [];
  const changed = /** @type {Changed} */ ((focus) => render(focus && { ...focus, index }));
  const set = (/** @type {any} */ item) => { items[index] = item; };  // the row stays as it is
  return h('li', { className: 'item', 'data-testid': `${spec.picker}-item`, 'data-field': id },
    h('span', { className: 'item-field' }, h('span', { className: 'item-name' }, name),
      h('span', { className: 'field-id' }, id)),
    spec.extra?.(items[index], context, changed, set),
    h('span', { className: 'item-buttons' }, moves, remove));
}

/**
 * @param {any[]} items
 * @param {number} from
 * @param {number} to
 */
function swap(items, from, to) {
  const copy = [...items];
  [copy[from], copy[to]] = [copy[to], copy[from]];
  return copy;
}

/**
 * The interval of a date grouping level: a plain field id groups per day, {field, interval}
 * per calendar bucket. Other fields have none to choose (unless one is stored, so it can go).
 * @type {Extra}
 */
function intervalChoice(item, context, changed, set) {
  const { field, interval = '' } = typeof item === 'string' ? { field: item } : item;
  if (!interval && !DATES.has(kindOf(context.fields.get(field)))) return null;
  const label = `Interval for ${fieldName(context.fields, field)}`;
  return choice(INTERVALS, interval, { 'data-testid': 'group-interval', 'aria-label': label },
    (value) => set(value ? { field, interval: value } : field));
}

/** @type {Extra} */
function functionChoice(item, context) {
  const options = functionsFor(kindOf(context.fields.get(item.field)), item.function);
  const label = `Function for ${fieldName(context.fields, item.field)}`;
  const props = { 'data-testid': 'aggregation-function', 'aria-label': label };
  return choice(options, item.function, props, (value) => { item.function = value; });
}

/** @type {Extra} */
function directionChoice(item, context) {
  const options = [{ value: 'asc', label: 'Ascending' }, { value: 'desc', label: 'Descending' }];
  const label = `Direction for ${fieldName(context.fields, item.field)}`;
  return choice(options, item.direction, { 'data-testid': 'sort-direction', 'aria-label': label },
    (value) => { item.direction = value; });
}

/** @type {Extra} */
function filterValues(item, context, changed) {
  const field = context.fields.get(item.field) ?? { id: item.field, name: item.field };
  return valuesEditor(item, fieldName(context.fields, item.field), `values-${item.field}`,
    context.valueOptions(field), () => changed({ index: 0, testid: 'filter-value' }));
}
