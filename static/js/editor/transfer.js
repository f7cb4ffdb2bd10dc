// The owner's row of the Access section, and handing the report to someone else (a transfer).
// @ts-check
import { button, h } from '../ui/dom.js';
import { myAccountId } from '../jira/jira.js';
import { fillNames, person } from '../ui/people.js';
import { peoplePicker } from '../ui/people-picker.js';
import { afterTransfer } from './sharing.js';

/*
 * Driving it from a test: [data-testid=report-owner] names the owner; the owner's
 * [data-testid=transfer-owner] opens [data-testid=owner-picker] (a people picker); picking a
 * person asks to confirm with [data-testid=confirm-transfer] (or cancel-transfer), which saves
 * the report with its new owner.
 */

/**
 * @typedef {import('../main.js').App} App
 * @typedef {import('./access.js').Transfer} Transfer
 * @typedef {import('../ui/people-picker.js').Person} Person
 */

/**
 * "Owner: Name (you)", with Transfer ownership on a report that exists.
 * @param {App} app
 * @param {Record<string, any>} draft
 * @param {Transfer} transfer
 */
export function ownerRow(app, draft, transfer) {
  const name = h('span', { className: 'owner-name', 'data-testid': 'report-owner' },
    draft.owner ? person(draft.owner) : 'You');
  const slot = h('div', { className: 'transfer' });
  myAccountId(app.host).then((me) => {
    const owner = draft.owner ?? me;  // a new report will be the user's
    if (!owner) return;
    name.replaceChildren(person(owner), owner === me ? ' (you)' : '');
    fillNames(app.host, name);
  });
  const start = draft.id ? button('transfer-owner', 'Transfer ownership',
    () => choose(app, draft, slot, transfer), { className: 'subtle' }) : null;
  return h('div', { className: 'owner' }, h('div', { className: 'owner-row' },
    h('span', { className: 'owner-label' }, 'Owner'), name, start), slot);
}

/**
 * Offer a people picker for the new owner.
 * @param {App} app
 * @param {Record<string, any>} draft
 * @param {HTMLElement} slot
 * @param {Transfer} transfer
 */
function choose(app, draft, slot, transfer) {
  const picker = peoplePicker(app.host, { id: 'owner-picker', label: 'New owner',
    exclude: () => [draft.owner],
    onPick: (found) => confirm(app, draft, slot, found, transfer) });
  slot.replaceChildren(h('div', { className: 'transfer-pick' }, picker.root,
    button('cancel-transfer', 'Cancel', () => slot.replaceChildren())));
  picker.input.focus();
}

/**
 * Ask before the transfer, saying what the user keeps; then save with the new owner.
 * @param {App} app
 * @param {Record<string, any>} draft
 * @param {HTMLElement} slot
 * @param {Person} to
 * @param {Transfer} transfer
 */
async function confirm(app, draft, slot, to, transfer) {
  const me = await myAccountId(app.host);
  const go = /** @type {HTMLButtonElement} */ (button('confirm-transfer', 'Transfer and save',
    async () => {
      go.disabled = true;
      if (!(await transfer(to.accountId))) go.disabled = false;
    }, { className: 'primary' }));
  const title = draft.name ? `“${draft.name}”` : 'this report';
  slot.replaceChildren(h('div', { className: 'confirm', role: 'group',
    'aria-label': 'Confirm the transfer' },
  h('span', null, `Transfer ${title} to ${to.displayName}? ${afterTransfer(draft, me)}`), go,
  button('cancel-transfer', 'Cancel', () => slot.replaceChildren())));
  go.focus();
}
