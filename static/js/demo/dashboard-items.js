// The fake Jira's dashboard item properties, as Jira's OpenAPI spec describes them.
// @ts-check
import { json, refusal } from './wire.js';

/**
 * Get, set and delete dashboard item property (the Jira platform's OpenAPI spec, "Dashboards"
 * group): GET answers `{key, value}` or 404; PUT takes a valid, non-empty JSON value of at
 * most 32,768 characters under a key of at most 255, answering 201 when it creates and 200
 * when it updates; only the dashboard's owner may set or delete (403); an unknown dashboard
 * or item is a 404. Errors are Jira's `{errorMessages, errors}`.
 * @typedef {{dashboards: Map<string, {owner: string, items: Set<string>}>,
 *   properties: Map<string, any>}} Dashboards  properties by `<dashboard>/<item>/<key>`
 * @typedef {import('./wire.js').FakeResponse} FakeResponse
 */

const PATH = /^\/rest\/api\/[23]\/dashboard\/([^/?]+)\/items\/([^/?]+)\/properties\/([^/?]+)$/;
const MAX_VALUE = 32768;
const MAX_KEY = 255;

/**
 * Jira's answer to a dashboard item property call, or null for any other path.
 * @param {Dashboards} dashboards
 * @param {string} accountId who calls
 * @param {{method?: string, url: string, body?: string}} call
 * @returns {FakeResponse|null}
 */
export function dashboardItemAnswer(dashboards, accountId, { method = 'GET', url, body }) {
  const match = PATH.exec(new URL(url, 'https://jira.invalid').pathname);
  if (!match) return null;
  const [dashboardId, itemId, key] = match.slice(1).map(decodeURIComponent);
  const dashboard = dashboards.dashboards.get(dashboardId);
  if (!dashboard?.items.has(itemId)) {
    return refusal(404, ['The dashboard item does not exist or you do not have permission to '
      + 'view it.']);
  }
  const id = `${dashboardId}/${itemId}/${key}`;
  if (method === 'GET') return read(dashboards, id, key);
  if (dashboard.owner !== accountId) {
    return refusal(403, ['You do not have permission to edit this dashboard.']);
  }
  if (method === 'PUT') return write(dashboards, id, key, body);
  if (method === 'DELETE') {
    if (!dashboards.properties.delete(id)) return refusal(404, [`Property ${key} not found.`]);
    return { status: 204, headers: {}, body: '' };
  }
  return refusal(405, ['Method not allowed.']);
}

/** @param {Dashboards} dashboards @param {string} id @param {string} key */
function read(dashboards, id, key) {
  if (!dashboards.properties.has(id)) {
    return refusal(404, [`The property with key '${key}' does not exist.`]);
  }
  return json(200, { key, value: dashboards.properties.get(id) });
}

/**
 * @param {Dashboards} dashboards @param {string} id @param {string} key
 * @param {string|undefined} body
 */
function write(dashboards, id, key, body) {
  if (key.length > MAX_KEY) {
    return refusal(400, [`The property key cannot be longer than ${MAX_KEY} characters.`]);
  }
  if (!body) return refusal(400, ['The property value must not be empty.']);
  if (body.length > MAX_VALUE) {
    return refusal(400, [`The property value cannot be longer than ${MAX_VALUE} characters.`]);
  }
  let value;
  try {
    value = JSON.parse(body);
  } catch {
    return refusal(400, ['The property value must be valid JSON.']);
  }
  const created = !dashboards.properties.has(id);
  dashboards.properties.set(id, value);
  return { status: created ? 201 : 200, headers: {}, body: '' };
}
