// The fake Jira's answers as HTTP-like responses: JSON text, fast for big issue lists, and 429s.
// @ts-check

/**
 * @typedef {{status: number, headers: Record<string, string>, body: string}} FakeResponse
 * @typedef {{retryAfter?: number|null, reason?: string}} Limit
 */

/** JSON text of the site's shared values (users, statuses, versions…), written once each. */
const texts = new WeakMap();

/**
 * A JSON response. Answers with an `issues` list are written from cached field values: the page
 * that runs the fake Jira also runs the client, so Jira's own work must not crowd it out.
 * @param {number} status  @param {any} value  @param {Record<string, string>} [headers]
 * @returns {FakeResponse}
 */
export const json = (status, value, headers = {}) => ({ status, body: answerJson(value),
  headers: { 'Content-Type': 'application/json;charset=UTF-8', ...headers } });

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
