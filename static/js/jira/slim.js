// Lean loaded issues: only id, key and the requested fields, with repeated Jira values shared.
// @ts-check
import {jiraInstant} from '../engine/formats.js';

/**
 * @typedef {{id: string, key: string, fields: Record<string, any>,
 *   times: Record<string, number>|undefined}} Issue
 *   times: the instant (epoch ms) of each field whose value is a datetime in Jira's format;
 *   undefined when none is (every issue has the property: one shape for all)
 * @typedef {(issue: any) => Issue} Slimmer
 */

/**
 * A function that keeps of an IssueBean only what a report reads. Jira sends the same user,
 * status or version in full with every issue; values of one field with the same `self` address
 * are the same Jira object, so the first copy is kept and the others left to the collector.
 * That keeps a load's memory near the size of its distinct values rather than its answers.
 * Datetimes are read here, once per load, into `times`: sorts, aggregations and time series
 * computed from the issues share them instead of parsing each issue's dates again.
 * @param {string[]} fieldIds the fields asked for
 * @returns {Slimmer}
 */
export function createSlimmer(fieldIds) {
  const ids = [...new Set(fieldIds)].filter((id) => !id.startsWith('-') && !id.startsWith('*'));
  /** @type {Map<string, Map<string, any>>} */
  const seen = new Map(ids.map((id) => [id, new Map()]));
  return (issue) => {
    const source = issue?.fields ?? {};
    /** @type {Record<string, any>} */
    const fields = {};
    /** @type {Record<string, number>|undefined} */
    let times;
    for (const id of ids) {
      if (!(id in source)) continue;
      const value = source[id];
      fields[id] = shared(value, /** @type {Map<string, any>} */ (seen.get(id)));
      const time = typeof value === 'string' ? jiraInstant(value) : NaN;
      if (!Number.isNaN(time)) (times ??= {})[id] = time;
    }
    return { id: String(issue.id), key: issue.key, fields, times };
  };
}

/**
 * The kept copy of a value: an object with a `self` address, or a list of them, is replaced
 * by the first one seen; anything else is kept as it is.
 * @param {any} value
 * @param {Map<string, any>} seen
 * @returns {any}
 */
export function shared(value, seen) {
  if (Array.isArray(value)) return value.map((item) => shared(item, seen));
  const self = value?.self;
  if (typeof self !== 'string') return value;
  const known = seen.get(self);
  if (known !== undefined) return known;
  seen.set(self, value);
  return value;
}
