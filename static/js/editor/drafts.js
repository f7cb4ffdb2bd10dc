// Starting points for the editor: a new report's draft and the field lists each picker offers.
// @ts-check
import { kindOf } from '../view/cells.js';
import { DATES, NUMERIC } from './pickers.js';

/** Kinds that have no group keys worth grouping, filtering or sorting by. */
const NOT_GROUPABLE = new Set(['adf', 'any', 'count', 'progress']);
const NOT_SORTABLE = new Set(['adf', 'any']);
const DEFAULT_COLUMNS = ['summary', 'status', 'assignee'];

/**
 * A new report; on a project page its JQL starts with that project.
 * @param {string} [projectKey]
 */
export function newDraft(projectKey) {
  return {
    name: '', description: '',
    jql: projectKey ? `project = ${projectKey} ORDER BY created DESC` : '',
    columns: [...DEFAULT_COLUMNS], sort: [], groupBy: [], filters: [], aggregations: [],
    pivot: null, timeSeries: null,
  };
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
