// Drill-down: the JQL, and Jira's search link, for the issues behind a group, cell or date range.
// @ts-check
import {bucketBounds} from './buckets.js';
import {fieldKind} from './fields.js';

/**
 * @typedef {import('./fields.js').Field} Field
 * @typedef {import('./buckets.js').Bounds} Bounds
 * @typedef {{shown: {key: string, item: any}[], empty: boolean}} OtherValues
 * @typedef {{field: string, key: string, item?: any, range?: Bounds, other?: OtherValues}}
 *   DrillLevel  A condition on one field, one of: the value a group or pivot header stands for
 *   (its key, and its item as the engine holds it: undefined for the empty value); a date range;
 *   or "Other": none of the shown values, or empty when the empty value was folded in too.
 */

/** System fields whose JQL clause name is not their id (Atlassian, "JQL fields":
 * https://support.atlassian.com/jira-software-cloud/docs/jql-fields/).
 * @type {Record<string, string>} */
const CLAUSES = {issuekey: 'key', key: 'key', fixVersions: 'fixVersion',
  versions: 'affectedVersion', components: 'component', resolutiondate: 'resolved',
  duedate: 'due', workratio: 'workRatio', timeoriginalestimate: 'originalEstimate',
  timeestimate: 'remainingEstimate', timespent: 'timeSpent', watches: 'watchers'};
/** Bucket keys by shape: the labels the engine gives calendar buckets (buckets.js). */
const INTERVALS = /** @type {[RegExp, import('./buckets.js').Interval][]} */ ([
  [/^\d{4}-\d\d-\d\d$/, 'day'], [/^\d{4}-W\d\d$/, 'week'], [/^\d{4}-\d\d$/, 'month'],
  [/^\d{4}-Q[1-4]$/, 'quarter'], [/^\d{4}$/, 'year']]);
/** @type {Record<string, string>} */
const ESCAPES = {'"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t'};

/**
 * A JQL string literal. Inside double quotes Jira reads \" as a quote and \\ as a backslash,
 * and control characters must be escaped (\n, \r, \t, \uXXXX): JqlStringSupportImpl's
 * encodeAsQuotedString (https://docs.atlassian.com/jira/server/com/atlassian/jira/jql/util/
 * JqlStringSupportImpl.html) and "Search syntax for text fields" (https://support.atlassian.com/
 * jira-software-cloud/docs/search-syntax-for-text-fields/). Any other text, reserved characters
 * and words or non-Latin script included, stands as it is.
 * @param {any} text @returns {string}
 */
export function quoteJql(text) {
  return `"${String(text).replace(/["\\\u0000-\u001f\u007f]/g, (c) => ESCAPES[c]
    ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

/** @param {any} x a number, or null when it is none */
const numeral = (x) => (x !== null && x !== '' && Number.isFinite(Number(x)) ? String(Number(x))
  : null);
/** Ids are numbers to JQL; anything else is quoted. @param {any} id */
const idLiteral = (id) => (/^\d+$/.test(String(id)) ? String(id) : quoteJql(id));
/** @param {(item: any) => any} pick */
const quoted = (pick) => (/** @type {any} */ item) => quoteJql(pick(item));

/**
 * How a value of each kind is written (contracts.md: users by accountId; options, statuses,
 * priorities by name; numbers unquoted). Components and versions go by id, sprints too: a name
 * matches every project's component or version of that name. Durations are minutes to JQL.
 * Kinds missing here (text, rich text, counts, progress) have no exact JQL value.
 * @type {Record<string, (item: any) => string|null>}
 */
const LITERALS = {
  user: quoted((u) => u.accountId), users: quoted((u) => u.accountId),
  option: quoted((o) => o.value), options: quoted((o) => o.value),
  status: quoted((s) => s.name), priority: quoted((p) => p.name),
  resolution: quoted((r) => r.name), issuetype: quoted((t) => t.name),
  project: quoted((p) => p.key ?? p.id), strings: quoteJql, date: quoted((d) => d.text),
  components: (c) => idLiteral(c.id), versions: (v) => idLiteral(v.id),
  sprint: (s) => idLiteral(s.id), number: numeral, votes: numeral, watches: numeral,
  duration: (seconds) => (seconds % 60 ? null : numeral(seconds / 60)),
};

/** The JQL name of a field: cf[N] for a custom field; null when JQL has no clause for it.
 * @param {Field} field @returns {string|null} */
export function clauseName(field) {
  const custom = field.schema?.customId ?? field.id.match(/^customfield_(\d+)$/)?.[1];
  if (custom !== undefined) return `cf[${custom}]`;
  return field.id.startsWith('aggregate') ? null : CLAUSES[field.id] ?? field.id;
}

/**
 * The JQL of the issues in one group or cell: `(<base without ORDER BY>) AND <level> AND …`,
 * or null when a level cannot be written exactly in JQL.
 * @param {string} baseJql @param {DrillLevel[]} levels @param {Map<string, Field>} fields
 * @returns {string|null}
 */
export function drillJql(baseJql, levels, fields) {
  const parts = [];
  for (const level of levels) {
    const part = levelJql(level, fields.get(level.field) ?? {id: level.field});
    if (part === null) return null;
    parts.push(part);
  }
  const base = stripOrderBy(baseJql ?? '');
  return [...(base ? [`(${base})`] : []), ...parts].join(' AND ');
}

/** One level's condition, or null. @param {DrillLevel} level @param {Field} field */
export function levelJql(level, field) {
  const clause = clauseName(field);
  if (clause === null) return null;
  if (level.other) return otherJql(clause, fieldKind(field), level.other);
  if (level.range) return rangeJql(clause, level.range);
  if (level.item === undefined) return `${clause} IS EMPTY`;
  return valueJql(clause, fieldKind(field), level.key, level.item);
}

/** @param {string} clause @param {string} kind @param {string} key @param {any} item */
function valueJql(clause, kind, key, item) {
  const range = dateRange(kind, key);
  if (range !== undefined) return range && rangeJql(clause, range);
  if (kind === 'cascade') return `${clause} IN cascadeOption(${cascadeArgs(item)})`;
  const literal = literalOf(kind, clause, item);
  return literal === null ? null : `${clause} = ${literal}`;
}

/**
 * The range of a date bucket key: undefined for kinds that hold no date, and for a date field's
 * single day (`due = "2026-01-31"` says it); null for a key of no known shape.
 * @param {string} kind @param {string} key @returns {Bounds|null|undefined}
 */
function dateRange(kind, key) {
  if (kind !== 'date' && kind !== 'datetime') return undefined;
  const interval = INTERVALS.find(([shape]) => shape.test(key))?.[1];
  if (kind === 'date' && interval === 'day') return undefined;
  return interval ? bucketBounds(key, interval) : null;
}

/** @param {string} kind @param {string} clause @param {any} item @returns {string|null} */
function literalOf(kind, clause, item) {
  if (clause === 'key') return quoteJql(item);  // the issue key, a 'string' kind
  return LITERALS[kind]?.(item) ?? null;
}

/** cascadeOption(parent, child), `none` for a parent chosen alone (Atlassian, "JQL functions").
 * @param {{value?: string, child?: {value?: string}}} option */
const cascadeArgs = (option) =>
  `${quoteJql(option.value)}, ${option.child ? quoteJql(option.child.value) : 'none'}`;

/** @param {string} clause @param {Bounds} range */
const rangeJql = (clause, {start, end}) =>
  `${clause} >= ${quoteJql(start)} AND ${clause} < ${quoteJql(end)}`;

/**
 * "Other": `NOT IN (<shown values>)`, which in Jira never matches an empty field ("JQL
 * operators": https://support.atlassian.com/jira-software-cloud/docs/jql-operators/), with
 * `OR <field> IS EMPTY` when the empty value is in Other.
 * @param {string} clause @param {string} kind @param {OtherValues} other @returns {string|null}
 */
function otherJql(clause, kind, {shown, empty}) {
  const none = shown.length ? noneOf(clause, kind, shown) : `${clause} IS NOT EMPTY`;
  if (none === null) return null;
  return empty ? `(${none} OR ${clause} IS EMPTY)` : none;
}

/** A value that is none of the shown ones; for dates, outside each of their ranges.
 * @param {string} clause @param {string} kind @param {OtherValues['shown']} shown */
function noneOf(clause, kind, shown) {
  if (kind === 'cascade') return null;  // cascadeOption() takes one option, not a list
  const ranges = shown.map(({key}) => dateRange(kind, key));
  if (ranges[0] !== undefined) {
    return ranges.includes(null) ? null : ranges.map((r) => `(${clause} < ${quoteJql(r?.start)}`
      + ` OR ${clause} >= ${quoteJql(r?.end)})`).join(' AND ');
  }
  const literals = shown.map(({item}) => literalOf(kind, clause, item));
  return literals.includes(null) ? null : `${clause} NOT IN (${literals.join(', ')})`;
}

/** The levels of a group path, top level first. @param {{field: string, key: string,
 * item: any}[]} path @returns {DrillLevel[]} */
export const groupLevels = (path) => path.map(({field, key, item}) => ({field, key, item}));

/** A pivot cell's levels; a null row or column stands for its Total.
 * @param {{level: DrillLevel}|null} row @param {{level: DrillLevel}|null} column */
export const pivotLevels = (row, column) =>
  /** @type {DrillLevel[]} */ ([row?.level, column?.level].filter(Boolean));

/**
 * "Other" of a list of values cut short (a chart's bars, a pivot's columns): none of the shown
 * values, and the empty value too when it is among the rest.
 * @param {string} field @param {{key: string, item: any}[]} shown (the empty value is skipped)
 * @param {boolean} empty whether the empty value is folded into Other @returns {DrillLevel}
 */
export const otherLevel = (field, shown, empty) => ({field, key: '', other: {empty,
  shown: shown.filter(({item}) => item !== undefined).map(({key, item}) => ({key, item}))}});

/** A date range's level (a time-series point). @param {string} field @param {Bounds} range
 * @returns {DrillLevel} */
export const rangeLevel = (field, range) => ({field, key: '', range});

/** The base JQL without its ORDER BY, found outside quoted strings (a value may say "order by").
 * @param {string} jql @returns {string} */
export function stripOrderBy(jql) {
  const strings = /"(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?/gs;
  const masked = jql.replace(strings, (s) => ' '.repeat(s.length));
  const at = masked.search(/(?<![^\s)])order\s+by(?![^\s(])/i);
  return (at < 0 ? jql : jql.slice(0, at)).trim();
}

/** Jira's issue search for a JQL (contracts.md). @param {string} siteUrl @param {string} jql */
export const issueSearchUrl = (siteUrl, jql) =>
  `${siteUrl.replace(/\/+$/, '')}/issues/?jql=${encodeURIComponent(jql)}`;
