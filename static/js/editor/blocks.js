// Editor sections for a report's optional blocks: a pivot table and a time series.
// @ts-check
import { button, h, labelled, setErrors } from '../ui/dom.js';
import { choice, fieldInput } from './pickers.js';
import { ONLY_ID, listSection } from './sections.js';

/**
 * @typedef {import('./sections.js').SectionContext} SectionContext
 * @typedef {Record<string, HTMLElement>} Slots  error slots by config path, e.g. 'pivot.rows'
 * @typedef {{key: string, title: string, hint: string, make: () => any,
 *   body: (block: any, context: SectionContext, slots: Slots) => Node[]}} Block
 */

const COUNT = { value: 'count', label: 'Count of issues' };
const SUM = { value: 'sum', label: 'Sum of a number field' };
const AVG = { value: 'avg', label: 'Average of a number field' };
const SERIES_INTERVALS = [{ value: 'day', label: 'Day' }, { value: 'week', label: 'Week' },
  { value: 'month', label: 'Month' }, { value: 'quarter', label: 'Quarter' }];
const DEFAULT_MAX_COLUMNS = 12;
/** @type {import('./sections.js').Spec} */
const DATES_SPEC = { key: 'dates', picker: 'series-date', title: 'Dates',
  adding: 'Add a date field', hint: 'One or two, e.g. Created and Resolved: one line each.',
  max: 2, list: 'date', movable: true, unique: true, make: ONLY_ID, slot: 'timeSeries-dates' };

/** @type {Block[]} */
const BLOCKS = [
  { key: 'pivot', title: 'Pivot table', body: pivotBody,
    hint: 'Issues by one field down and another across, e.g. Assignee × Status.',
    make: () => ({ rows: null, columns: null, value: { function: 'count', field: null },
      maxColumns: DEFAULT_MAX_COLUMNS }) },
  { key: 'timeSeries', title: 'Time series', body: seriesBody,
    hint: 'Issues per day, week, month or quarter of one or two dates, e.g. Created vs Resolved.',
    make: () => ({ dates: [], interval: 'week', cumulative: false,
      value: { function: 'count', field: null } }) },
];

/**
 * The optional blocks' sections; each registers its inputs' error slots in `slots`.
 * @param {Record<string, any>} draft
 * @param {SectionContext} context
 * @param {Slots} slots
 */
export function blockSections(draft, context, slots) {
  return BLOCKS.map((block) => optionalSection(block, draft, context, slots));
}

/**
 * A fieldset that offers to add its block, or edits it with a button to remove it.
 * @param {Block} block
 * @param {Record<string, any>} draft
 * @param {SectionContext} context
 * @param {Slots} slots
 */
function optionalSection(block, draft, context, slots) {
  const { key, title } = block;
  const error = h('p', { className: 'field-error', id: `${key}-error`, hidden: true });
  const content = h('div', { className: 'block' });
  /** @param {any} value @param {boolean} moved */
  const render = (value, moved) => {
    draft[key] = value;
    Object.keys(slots).filter((path) => path.startsWith(`${key}.`))
      .forEach((path) => delete slots[path]);
    setErrors(error, []);
    content.replaceChildren(...(value ? [...block.body(value, context, slots),
      button(`remove-${key}`, `Remove the ${title.toLowerCase()}`, () => render(null, true))]
      : [button(`add-${key}`, `Add a ${title.toLowerCase()}`, () => render(block.make(), true))]));
    if (moved) content.querySelector('input, button')?.focus();
  };
  slots[key] = error;
  render(draft[key] ?? null, false);
  return h('fieldset', { className: `section section-${key}`, 'aria-describedby': error.id },
    h('legend', null, title), h('p', { className: 'hint' }, block.hint), content, error);
}

/** @type {Block['body']} */
function pivotBody(pivot, context, slots) {
  const rows = fieldRow({ path: 'pivot.rows', label: 'Rows', list: 'group',
    current: pivot.rows, set: (id) => { pivot.rows = id; } }, context, slots);
  const columns = fieldRow({ path: 'pivot.columns', label: 'Columns', list: 'group',
    current: pivot.columns, set: (id) => { pivot.columns = id; } }, context, slots);
  const most = /** @type {HTMLInputElement} */ (h('input', { type: 'number', min: 1, max: 50,
    step: 1, 'data-testid': 'pivot-maxColumns',
    value: pivot.maxColumns ?? DEFAULT_MAX_COLUMNS }));
  most.addEventListener('input', () => { pivot.maxColumns = most.valueAsNumber; });
  const limit = labelled('pivot-maxColumns', 'Most columns shown', most,
    'From 1 to 50; the columns with the largest totals are shown, the rest add up in “Other”.');
  slots['pivot.maxColumns'] = limit.error;
  return [rows, columns, ...valueRows('pivot', pivot.value, [COUNT, SUM, AVG], context, slots),
    limit.root];
}

/** @type {Block['body']} */
function seriesBody(series, context, slots) {
  const dates = listSection(DATES_SPEC, series, context);
  slots['timeSeries.dates'] = dates.error;
  const select = choice(SERIES_INTERVALS, series.interval,
    { 'data-testid': 'timeSeries-interval' }, (value) => { series.interval = value; });
  const interval = labelled('timeSeries-interval', 'Interval', select,
    'Weeks start on Monday (ISO 8601); days follow your Jira time zone.');
  slots['timeSeries.interval'] = interval.error;
  const box = h('input', { type: 'checkbox', id: 'timeSeries-cumulative',
    'data-testid': 'timeSeries-cumulative', checked: series.cumulative === true });
  box.addEventListener('change', () => {
    series.cumulative = /** @type {HTMLInputElement} */ (box).checked;
  });
  const cumulative = h('div', { className: 'form-row check' }, box,
    h('label', { for: box.id }, 'Cumulative: each bucket adds up everything before it'));
  return [dates.root, interval.root, cumulative,
    ...valueRows('timeSeries', series.value, [COUNT, SUM], context, slots)];
}

/**
 * What each cell or point holds: a function, and the number field it sums or averages.
 * @param {string} key the block's config key
 * @param {{function: string, field: string|null}} value
 * @param {{value: string, label: string}[]} functions
 * @param {SectionContext} context
 * @param {Slots} slots
 */
function valueRows(key, value, functions, context, slots) {
  let chosen = value.field;
  const field = fieldRow({ path: `${key}.value.field`, label: 'Number field', list: 'number',
    current: value.field, set: (id) => { chosen = value.field = id; } }, context, slots);
  field.hidden = value.function === 'count';
  const select = choice(functions, value.function, { 'data-testid': `${key}-value-function` },
    (picked) => {
      value.function = picked;
      value.field = picked === 'count' ? null : chosen;
      field.hidden = picked === 'count';
      if (field.hidden) setErrors(slots[`${key}.value.field`], []);
    });
  const row = labelled(`${key}-value-function`, 'Value', select);
  slots[`${key}.value.function`] = row.error;
  return [row.root, field];
}

/**
 * A labelled single-field input whose error slot is registered under its config path.
 * @param {{path: string, label: string, list: string, current: string|null,
 *   set: (id: string|null) => void}} options
 * @param {SectionContext} context
 * @param {Slots} slots
 */
function fieldRow({ path, label, list, current, set }, context, slots) {
  const id = path.replaceAll('.', '-');
  const input = fieldInput({ id, listId: context.lists[list].id,
    fields: context.lists.all.fields, current, set });
  const row = labelled(id, label, input);
  slots[path] = row.error;
  return row.root;
}
