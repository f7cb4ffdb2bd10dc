// The fake Jira's answers: IssueBeans with the requested fields, JSON text fast for big issue
// lists, and 429s.
// @ts-check
import { FIELDS } from './data.js';

/**
 * @typedef {{status: number, headers: Record<string, string>, body: string}} FakeResponse
 * @typedef {{retryAfter?: number|null, reason?: string}} Limit
 */

export const EXPAND =
  'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations';
const FIELD_IDS = FIELDS.map((f) => f.id).filter((id) => id !== 'issuekey');

/** JSON text of the site's shared values (users, statuses, versions…), written once each. */
const texts = new WeakMap();

/** The requested fields, from an array or a comma list.
 * @param {unknown} fields  @param {string[]} fallback */
export const fieldList = (fields, fallback) => (fields == null ? fallback
  : (Array.isArray(fields) ? fields : String(fields).split(',')).map((f) => String(f).trim()));

/** An IssueBean with exactly the requested fields (null or [] when empty). Pages of ids or keys
 * only carry just those, unless `full`.  @param {string[]} wanted  @param {boolean} [full] */
export function projector(wanted, full = false) {
  const all = wanted.some((f) => f === '*all' || f === '*navigable');
  const ids = FIELD_IDS.filter((id) => (all || wanted.includes(id)) && !wanted.includes(`-${id}`));
  if (!full && wanted.every((f) => f === 'id' || f === 'key')) {
    const key = wanted.includes('key');
    return (/** @type {any} */ i) => (key ? { id: i.id, key: i.key } : { id: i.id });
  }
  return (/** @type {any} */ i) => ({ expand: EXPAND, id: i.id, self: i.self, key: i.key,
    fields: Object.fromEntries(ids.map((id) => [id, i.fields[id] ?? null])) });
}

/**
 * A JSON response. Answers with an `issues` list are written from cached field values: the page
 * that runs the fake Jira also runs the client, so Jira's own work must not crowd it out.
 * @param {number} status  @param {any} value  @param {Record<string, string>} [headers]
 * @returns {FakeResponse}
 */
export const json = (status, value, headers = {}) => ({ status, body: answerJson(value),
  headers: { 'Content-Type': 'application/json;charset=UTF-8', ...headers } });

/** Jira's refusal: `errorMessages`, and `errors` by field (none here).
 * @param {number} status  @param {string[]} messages */
export const refusal = (status, messages) => json(status, { errorMessages: messages, errors: {} });

/** The text is built as one list of parts joined once: nested joins would copy it twice.
 * @param {any} value */
function answerJson(value) {
  if (!Array.isArray(value?.issues)) return JSON.stringify(value);
  const { issues, ...rest } = value;
  const parts = ['{"issues":['];
  issues.forEach((issue, n) => pushIssue(parts, issue, n ? ',' : ''));
  const tail = JSON.stringify(rest).slice(1, -1);
  parts.push(']', tail && `,${tail}`, '}');
  return parts.join('');
}

/** An IssueBean: its own keys, then its fields.
 * @param {string[]} parts  @param {any} issue  @param {string} separator */
function pushIssue(parts, { fields, ...own }, separator) {
  const head = JSON.stringify(own);
  if (!fields) return parts.push(separator, head);
  parts.push(separator, head.slice(0, -1), head.length > 2 ? ',"fields":{' : '"fields":{');
  Object.keys(fields).forEach((id, n) => parts.push(n ? ',"' : '"', id, '":', valueJson(fields[id])));
  return parts.push('}}');
}

/** A field value: lists item by item, objects from the cache. @param {any} value @returns {string} */
function valueJson(value) {
  if (Array.isArray(value)) return `[${value.map(valueJson).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  let text = texts.get(value);
  if (text === undefined) texts.set(value, (text = JSON.stringify(value)));
  return text;
}

/** A 429 as Jira sends it; quota limits reset at the top of the hour. @param {Limit} limit */
export function tooManyRequests({ retryAfter, reason = '' }) {
  const reset = reason.includes('quota') ? Math.ceil(Date.now() / 3_600_000) * 3_600_000
    : Date.now() + 1000 * (retryAfter ?? 1);
  return json(429, { errorMessages: ['Rate limit exceeded.'] }, {
    ...(retryAfter != null && { 'Retry-After': String(retryAfter) }),
    'X-RateLimit-Reset': new Date(reset).toISOString(), 'RateLimit-Reason': reason });
}
