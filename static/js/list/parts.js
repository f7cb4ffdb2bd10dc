// Importing an export file in requests that each fit, and telling the user what was imported.
// @ts-check

/**
 * @typedef {{reports: any[], [key: string]: any}} ExportDocument
 * @typedef {{document: ExportDocument, first: number}} Part  `first`: the file's index of the
 *   part's first report
 * @typedef {{parts: Part[], imported: number, failed?: {part: number, error: any}}} Outcome
 *   `failed.part` counts from 0; the parts before it were imported, it and those after were not
 */

/**
 * The most bytes one import request carries. Forge's invokeRemote takes a request of at most
 * 500 KB (Forge platform limits, "Invocation limits"); our server takes 1,000,000 bytes
 * (documents.IMPORT_BODY_LIMIT); any one report fits either (validation.MAX_REPORT_BYTES).
 */
export const PART_BYTES = 450_000;
/** The most reports a site holds (documents.MAX_REPORTS). */
export const MAX_REPORTS = 10_000;

const encoder = new TextEncoder();
/** @param {any} value the bytes of `value` as the host sends it (JSON.stringify, UTF-8) */
const bytes = (value) => encoder.encode(JSON.stringify(value)).length;

/**
 * Split an export document into documents of whole reports, in file order, each at most
 * `limit` bytes as JSON; a report larger than that goes alone (the server has the last word).
 * Something that is not a document goes as it is, for the server to say what is wrong.
 * @param {any} document
 * @param {number} [limit]
 * @returns {Part[]}
 */
export function splitDocument(document, limit = PART_BYTES) {
  if (!Array.isArray(document?.reports) || bytes(document) <= limit) return [{ document, first: 0 }];
  const { reports, ...head } = document;
  const empty = bytes({ ...head, reports: [] });
  /** @type {Part[]} */
  const parts = [];
  let size = limit;
  reports.forEach((report, index) => {
    const more = bytes(report) + 1;  // and a comma
    if (size + more > limit) {
      parts.push({ document: { ...head, reports: [] }, first: index });
      size = empty;
    }
    parts[parts.length - 1].document.reports.push(report);
    size += more;
  });
  return parts;
}

/**
 * Send the parts in order until one fails; each is imported whole or not at all.
 * @param {Part[]} parts
 * @param {(document: ExportDocument) => Promise<{ids: string[]}>} send
 * @returns {Promise<Outcome>}
 */
export async function sendParts(parts, send) {
  let imported = 0;
  for (const [part, { document }] of parts.entries()) {
    try {
      imported += (await send(document)).ids.length;
    } catch (error) {
      return { parts, imported, failed: { part, error } };
    }
  }
  return { parts, imported };
}

/** @param {number} n */
const count = (n) => (n === 1 ? '1 report' : `${n.toLocaleString('en-US')} reports`);

/**
 * The server's reason, with a field error's report counted in the file (1 is the first).
 * @param {any} error
 * @param {number} first
 */
export function reason(error, first) {
  const [key, text] = Object.entries(error?.fields ?? {})[0] ?? [];
  const found = /^reports\[(\d+)\]\.?(.*)$/.exec(key ?? '');
  if (!found) return String(error?.message ?? error);
  const field = found[2] ? `${found[2]} ` : '';
  return `report ${first + Number(found[1]) + 1} of the file: ${field}${text}`;
}

/**
 * Why the file cannot be imported before anything is sent, or null.
 * @param {any} document
 */
export function tooMany(document) {
  const n = Array.isArray(document?.reports) ? document.reports.length : 0;
  return n <= MAX_REPORTS ? null : `The file holds ${count(n)}; a site holds at most `
    + `${count(MAX_REPORTS)}. Nothing was imported.`;
}

/**
 * What to tell the user: whether it went all or nothing, or which parts were imported.
 * @param {Outcome} outcome
 * @returns {{ok: boolean, text: string}}
 */
export function outcomeText({ parts, imported, failed }) {
  const k = parts.length;
  if (!failed) {
    return { ok: true, text: k === 1 ? `Imported ${count(imported)}.`
      : `Imported all ${count(imported)}, in ${k} parts.` };
  }
  const why = reason(failed.error, parts[failed.part].first).replace(/\.$/, '');
  if (k === 1) return { ok: false, text: `Could not import the reports: ${why}. Nothing was imported.` };
  const from = failed.part + 1;
  const done = [
    'Nothing was imported', `Part 1 (${count(imported)}) was imported`,
  ][failed.part] ?? `Parts 1–${failed.part} (${count(imported)}) were imported`;
  const rest = from === k ? `part ${k}` : `parts ${from}–${k}`;
  return { ok: false, text: `The file went in ${k} parts. ${done}; part ${from} failed: `
    + `${why}. Nothing of ${rest} was imported (from report ${parts[failed.part].first + 1} `
    + 'of the file on).' };
}
