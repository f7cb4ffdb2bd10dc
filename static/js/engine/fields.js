// Jira field values by kind: cell text, group keys, sort ranks and numbers.
// @ts-check
import {adfText} from './adf.js';
import {
  dayEpoch, formatDate, formatDateTime, formatDuration, formatNumber, localDay, parseDateTime,
} from './formats.js';

/**
 * @typedef {{type: string, items?: string, system?: string, custom?: string, customId?: number}}
 *   Schema
 * @typedef {{id: string, name?: string, schema?: Schema}} Field  from GET /rest/api/3/field
 * @typedef {{id: string, key: string, fields?: Record<string, any>,
 *   times?: Record<string, number>}} Issue  a Jira IssueBean; times: its datetimes' instants
 *   as the loader read them (slim.js)
 * @typedef {{locale?: string, priorityRank?: Map<string, number>}} RankContext
 * @typedef {{items: (value: any) => any[], key: (item: any) => string,
 *   label: (item: any, locale?: string) => string, rank: (item: any, ctx: RankContext) => number,
 *   num: ((item: any) => number) | null, numeric: boolean, empty: string,
 *   text: ((value: any, locale?: string) => string) | null,
 *   number: ((value: any) => number) | null}} KindSpec
 *   What a kind does: items are a value's non-empty parts (≤ 1 for scalar kinds); key groups
 *   and filters; label displays; rank orders, label breaking ties unless numeric; num feeds
 *   sum/avg/min/max; empty labels the empty group; text overrides the joined labels of a cell;
 *   number, for kinds whose value is one number or date, is num of the first item (NaN when
 *   empty) worked out from the value without building items.
 */

const KEY_IDS = new Set(['key', 'issuekey']);
const DURATION_IDS = new Set(['timeoriginalestimate', 'timeestimate', 'timespent',
  'aggregatetimeoriginalestimate', 'aggregatetimeestimate', 'aggregatetimespent']);
const RICH_TEXT_IDS = new Set(['description', 'environment']);
const SPRINT_TYPE = 'com.pyxis.greenhopper.jira:gh-sprint';
const TYPE_KINDS = {string: 'string', number: 'number', date: 'date', datetime: 'datetime',
  user: 'user', option: 'option', 'option-with-child': 'cascade', priority: 'priority',
  status: 'status', issuetype: 'issuetype', project: 'project', resolution: 'resolution',
  progress: 'progress', votes: 'votes', watches: 'watches', 'comments-page': 'count',
  comment: 'count', worklog: 'count', attachment: 'count', issuelinks: 'count'};
const ITEM_KINDS = {user: 'users', option: 'options', string: 'strings', component: 'components',
  version: 'versions', issuelinks: 'count', worklog: 'count', attachment: 'count',
  comment: 'count'};
const CATEGORY_ORDER = {new: 0, indeterminate: 1, done: 2};
const LAST = Number.MAX_SAFE_INTEGER;
const NONE = Object.freeze([]);

/** The report kind of a Jira field (see the engine interface for the list).
 * @param {Field|undefined} field @returns {string} */
export function fieldKind(field) {
  const schema = field?.schema;
  if (!schema) return KEY_IDS.has(field?.id) ? 'string' : 'any';
  return schemaKind(schema, schema.system ?? field.id);
}

/** @param {Schema} schema @param {string} id */
function schemaKind(schema, id) {
  if (schema.custom === SPRINT_TYPE) return 'sprint';
  const kind = schema.type === 'array' ? ITEM_KINDS[schema.items] : TYPE_KINDS[schema.type];
  if (kind === 'number' && DURATION_IDS.has(id)) return 'duration';  // seconds
  if (kind === 'string' && isRichText(id, schema.custom)) return 'adf';  // v3 sends ADF
  return kind ?? 'any';
}

const isRichText = (id, custom) => RICH_TEXT_IDS.has(id) || /:textarea$/.test(custom ?? '');

/** The raw value of a field on an issue; 'key' (or 'issuekey') is the issue key.
 * @param {Issue} issue @param {string} id @returns {any} */
export function fieldValue(issue, id) {
  if (KEY_IDS.has(id)) return issue.key;
  const value = issue.fields?.[id];
  return id === 'workratio' && value === -1 ? null : value;  // -1 is Jira's "not set"
}

/**
 * A field's number on an issue, as its kind's `number` reads the value (NaN when empty). A
 * datetime the loader has already read (the issue's `times`) is not parsed again.
 * @param {Issue} issue @param {string} id @param {(value: any) => number} number
 * @returns {number}
 */
export function fieldNumber(issue, id, number) {
  const time = issue.times?.[id];
  return time === undefined ? number(fieldValue(issue, id)) : time;
}

/** Status category key for lozenge colours: 'new', 'indeterminate', 'done' or ''.
 * @param {any} value a status @returns {string} */
export function statusCategory(value) {
  const key = value?.statusCategory?.key;
  return Object.hasOwn(CATEGORY_ORDER, key) ? key : '';
}

/** Plain text of a value for a cell or CSV ('' when empty).
 * @param {any} value @param {Field|undefined} field @param {string} [locale] @returns {string} */
export function cellText(value, field, locale) {
  const spec = kindSpec(field);
  if (spec.text) return spec.text(value, locale);
  return spec.items(value).map((item) => spec.label(item, locale)).join(', ');
}

/** One {key, label} per value of the field on the issue; empty → key ''.
 * @param {Issue} issue @param {Field} field @returns {{key: string, label: string}[]} */
export function groupKeys(issue, field) {
  const spec = kindSpec(field);
  const items = spec.items(fieldValue(issue, field.id));
  if (!items.length) return [{key: '', label: spec.empty}];
  return items.map((item) => ({key: spec.key(item), label: spec.label(item)}));
}

/** The behaviour of a field's kind. @param {Field|undefined} field @returns {KindSpec} */
export function kindSpec(field) {
  return KINDS[fieldKind(field)];
}

const present = (x) => x != null && x !== '';
const one = (v) => (present(v) ? [v] : NONE);
const many = (v) => (Array.isArray(v) ? (v.every(present) ? v : v.filter(present)) : one(v));
const raw = (v) => (typeof v === 'string' ? v : JSON.stringify(v));
const textItems = (v) => (v?.type === 'doc' ? one(adfText(v)) : one(v).map(raw));
const percentOf = (p) => p?.percent ?? (p?.total ? Math.round((100 * p.progress) / p.total) : null);
/** Date items carry their parsed time so each value is parsed once per use. */
const timed = (parse) => (v) => (present(v) ? [{text: String(v), time: parse(v)}] : NONE);
/** A value's number straight away (NaN when empty). */
const numberOf = (parse) => (v) => (present(v) ? parse(v) : NaN);

function countOf(v) {
  if (v == null) return null;
  if (Array.isArray(v)) return v.length;
  return typeof v.total === 'number' ? v.total : (v.comments ?? v.worklogs ?? []).length;
}

/** Jira Server wrote sprints as "…Sprint@1f[id=7,state=ACTIVE,name=S 7,…]". */
function parseSprint(s) {
  if (typeof s !== 'string') return s;
  const pick = (name) => (s.match(new RegExp(`[[,]${name}=([^,\\]]*)`)) ?? [])[1];
  return {id: pick('id') ?? s, name: pick('name') ?? s, state: pick('state')};
}

/** A sprint cell shows the active sprint, else the latest. */
function sprintText(value) {
  const sprints = many(value).map(parseSprint);
  const active = sprints.find((s) => String(s.state).toLowerCase() === 'active');
  return (active ?? sprints[sprints.length - 1])?.name ?? '';
}

const priorityRank = (p, ctx) =>
  ctx.priorityRank?.get(String(p.id)) ?? (ctx.priorityRank?.size ?? 0) + (Number(p.id) || LAST);
const versionRank = (v) => (v.releaseDate ? dayEpoch(v.releaseDate) : LAST);
const statusRank = (s) => CATEGORY_ORDER[s.statusCategory?.key] ?? 3;
const cascadeKey = (o) => (o.child ? `${o.id}:${o.child.id}` : String(o.id));
const cascadeLabel = (o) => (o.child ? `${o.value} › ${o.child.value}` : String(o.value ?? ''));
const time = (d) => d.time;

/** @returns {KindSpec} */
function spec(parts) {
  const base = {items: one, key: String, label: String, rank: () => 0, num: null};
  return {...base, numeric: false, empty: '(none)', text: null, number: null, ...parts};
}

const TEXT = {items: textItems};
const NUMBER = {label: formatNumber, rank: Number, num: Number, numeric: true};
const NAMED = {key: (o) => String(o.id), label: (o) => String(o.name ?? '')};
const USER = {key: (u) => String(u.accountId ?? ''), label: (u) => String(u.displayName ?? ''),
  empty: 'Unassigned'};
const OPTION = {key: (o) => String(o.id), label: (o) => String(o.value ?? '')};
const DATE = {items: timed(dayEpoch), key: (d) => d.text, rank: time, num: time, numeric: true,
  label: (d, locale) => formatDate(d.text, locale)};
const DATETIME = {...DATE, items: timed(parseDateTime), key: (d) => localDay(d.time),
  label: (d, locale) => formatDate(localDay(d.time), locale), text: formatDateTime};
const SPRINT = {...NAMED, items: (v) => many(v).map(parseSprint), rank: (s) => Number(s.id) || 0,
  text: sprintText};

/** @type {Record<string, KindSpec>} */
const KINDS = {
  string: spec(TEXT), adf: spec(TEXT), any: spec({items: (v) => one(v).map(raw)}),
  number: spec({...NUMBER, number: numberOf(Number)}),
  duration: spec({...NUMBER, label: formatDuration, number: numberOf(Number)}),
  date: spec({...DATE, number: numberOf(dayEpoch)}),
  datetime: spec({...DATETIME, number: numberOf(parseDateTime)}),
  user: spec(USER), users: spec({...USER, items: many}),
  option: spec(OPTION), options: spec({...OPTION, items: many}),
  cascade: spec({key: cascadeKey, label: cascadeLabel}), strings: spec({items: many}),
  components: spec({...NAMED, items: many}),
  versions: spec({...NAMED, items: many, rank: versionRank}),
  priority: spec({...NAMED, rank: priorityRank}), status: spec({...NAMED, rank: statusRank}),
  issuetype: spec(NAMED), project: spec(NAMED),
  resolution: spec({...NAMED, empty: 'Unresolved', text: (v) => v?.name ?? 'Unresolved'}),
  progress: spec({...NUMBER, items: (v) => one(percentOf(v)), label: (n) => `${n}%`}),
  votes: spec({...NUMBER, items: (v) => one(v?.votes)}),
  watches: spec({...NUMBER, items: (v) => one(v?.watchCount)}),
  count: spec({...NUMBER, items: (v) => one(countOf(v))}),
  sprint: spec(SPRINT),
};
