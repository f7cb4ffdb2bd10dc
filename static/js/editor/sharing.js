// Who may see and edit a report, without the DOM: new reports' access, what a save sends, words.
// @ts-check

/**
 * @typedef {import('../server/api.js').Access} Access
 * @typedef {import('../server/api.js').Editors} Editors
 * @typedef {import('../server/api.js').Visibility} Visibility
 * @typedef {{id?: string, owner?: string|null, visibility?: Visibility, editors?: Editors,
 *   canShare?: boolean}} Draft  the editor's draft, the access part
 */

/** Editors a report may list at most (the server refuses more). */
export const MAX_EDITORS = 50;

/** A new report, and a copy, is seen by the whole site and edited by its owner only. */
export const NEW_ACCESS = Object.freeze({ visibility: 'site', editors: [] });

/**
 * Whether the user may change who sees and edits the report: on a new report (it will be
 * theirs), or as its owner (the server's canShare).
 * @param {Draft} draft
 */
export const maySetAccess = (draft) => !draft.id || draft.canShare === true;

/**
 * The access fields a save sends. A new report: its visibility and editors (the server makes
 * the caller its owner). The owner: visibility, editors and owner (another account: a
 * transfer). Anyone else sends none, so a content edit never changes access.
 * @param {Draft} draft
 * @returns {Access}
 */
export function accessPayload(draft) {
  if (!maySetAccess(draft)) return {};
  const access = { visibility: draft.visibility ?? 'site', editors: editorsOf(draft) };
  return draft.id ? { ...access, owner: draft.owner } : access;
}

/**
 * The draft's editors as the server takes them: "site", or distinct account ids.
 * @param {Draft} draft
 * @returns {Editors}
 */
export function editorsOf(draft) {
  const editors = draft.editors ?? [];
  return editors === 'site' ? 'site' : [...new Set(editors)];
}

/**
 * Who can see the report, in words.
 * @param {Visibility} visibility
 */
export const seenBy = (visibility) => (visibility === 'private' ? 'Only the owner'
  : 'Everyone on this site');

/**
 * Who can edit the report, in words (the people of a list are named beside it).
 * @param {Draft} draft
 */
export function editedBy(draft) {
  if (draft.visibility === 'private') return 'Only the owner';
  const editors = draft.editors ?? [];
  if (editors === 'site') return 'Everyone who can view it';
  if (!editors.length) return 'Only the owner';
  return editors.length === 1 ? 'The owner and 1 person' : `The owner and ${editors.length} people`;
}

/**
 * What the owner keeps after handing the report to someone else, for the confirmation.
 * @param {Draft} draft
 * @param {string|null} me the owner's account id
 */
export function afterTransfer(draft, me) {
  const editors = draft.editors ?? [];
  const base = 'You will keep no rights unless you are listed as an editor.';
  if (draft.visibility === 'private') return `${base} It is private: you will no longer see it.`;
  if (editors === 'site') return `${base} Everyone on this site may still view and edit it.`;
  if (me && editors.includes(me)) return `${base} You are listed, so you may still edit it.`;
  return `${base} You will still see it, but no longer edit it.`;
}
