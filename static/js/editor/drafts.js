// Starting points for the editor: a new report's draft and the field lists each picker offers.
// @ts-check
import { kindOf } from '../view/cells.js';
import { DATES, NUMERIC } from './pickers.js';
import { NEW_ACCESS } from './sharing.js';

/** Kinds that have no group keys worth grouping, filtering or sorting by. */
const NOT_GROUPABLE = new Set(['adf', 'any', 'count', 'progress']);
const NOT_SORTABLE = new Set(['adf', 'any']);
const DEFAULT_COLUMNS = ['summary', 'status', 'assignee'];

/**
 * A new report; on a project page its JQL starts with that project. It will be the user's,
 * seen by the whole site and edited by its owner only (NEW_ACCESS).
 * @param {string} [projectKey]
 */
export function newDraft(projectKey) {
  return {
    name: '', description: '',
    jql: projectKey ? `project = ${projectKey} ORDER BY created DESC` : '',
    columns: [...DEFAULT_COLUMNS], sort: [], groupBy: [], filters: [], aggregations: [],
    pivot: null, timeSeries: null, ...NEW_ACCESS, editors: [],
  };
}

/**
 * The editor's draft of a report: a copy of it when it exists (it has an id); else a new
 * report, with the content given (a duplicate's) and a new report's access.
 * @param {Record<string, any>|null} report
 * @param {string} [projectKey]
 * @returns {Record<string, any>}
 */
export function draftOf(report, projectKey) {
  if (report?.id) return structuredClone(report);
  const { owner, visibility, editors, ...content } = structuredClone(report ?? {});
  return { ...newDraft(projectKey), ...content };
}

/**
 * The fields each kind of picker offers, sorted by name, with the id of their datalist.
 * @param {Map<string, any>} fields
 */
export function fieldLists(fields) {
  const sorted = [...fields.values()].sort((a, b) => String(a.name).localeCompare(String(b.name)));
  /** @param {(field: any) => boolean} keep */
  const only = (keep) => sorted.filter(keep);
  return {
    all: { id: 'fields-all', fields: only((field) => field.navigable !== false) },
    group: { id: 'fields-group', fields: only((field) => !NOT_GROUPABLE.has(kindOf(field))) },
    sort: { id: 'fields-sort', fields: only((field) => !NOT_SORTABLE.has(kindOf(field))) },
    number: { id: 'fields-number', fields: only((field) => NUMERIC.has(kindOf(field))) },
    date: { id: 'fields-date', fields: only((field) => DATES.has(kindOf(field))) },
  };
}
