// The gadget's configuration form: which report, what of it, how many rows, how often.
// @ts-check
import { listReports } from '../server/api.js';
import { button, h, labelled, setErrors } from '../ui/dom.js';
import { DEFAULT_ROWS, MAX_ROWS, MIN_REFRESH_MINUTES, SHOWS, SHOW_LABELS, checkForm }
  from './settings.js';

/**
 * @typedef {import('./settings.js').Settings} Settings
 * @typedef {{onSave: (settings: Settings) => Promise<void>, onCancel: (() => void)|null}} Done
 *   onCancel: null when there is nothing to go back to (a new gadget)
 */

/**
 * The form, filled from the current settings; the reports are those the user may see.
 * @param {import('../host/host.js').Host} host
 * @param {Settings|null} current
 * @param {Done} done
 */
export async function settingsForm(host, current, done) {
  const reports = await listReports(host);
  const report = h('select', { 'data-testid': 'gadget-report' },
    h('option', { value: '' }, reports.length ? 'Pick a report' : 'No reports to pick'),
    reports.map((r) => h('option', { value: r.id, selected: r.id === current?.reportId },
      r.name)));
  const show = h('select', { 'data-testid': 'gadget-show' }, SHOWS.map((value) =>
    h('option', { value, selected: value === (current?.show ?? 'auto') }, SHOW_LABELS[value])));
  const rows = h('input', { type: 'number', min: 1, max: MAX_ROWS, step: 1,
    value: String(current?.rows ?? DEFAULT_ROWS), 'data-testid': 'gadget-rows' });
  const minutes = h('input', { type: 'number', min: MIN_REFRESH_MINUTES, step: 1,
    value: String(current?.refreshMinutes ?? MIN_REFRESH_MINUTES),
    'data-testid': 'gadget-refresh-minutes' });
  const fields = {
    reportId: labelled('gadget-report', 'Report', report),
    show: labelled('gadget-show', 'Show', show),
    rows: labelled('gadget-rows', 'Rows of the table', rows, `1 to ${MAX_ROWS}`),
    refreshMinutes: labelled('gadget-refresh', 'Refresh every (minutes)', minutes,
      `At least ${MIN_REFRESH_MINUTES}`),
  };
  const failure = h('p', { className: 'field-error', role: 'alert', hidden: true });
  const value = (/** @type {HTMLElement} */ el) => /** @type {HTMLInputElement} */ (el).value;
  const save = /** @type {HTMLButtonElement} */ (button('gadget-save', 'Save', async () => {
    const { settings, errors } = checkForm({ reportId: value(report), show: value(show),
      rows: value(rows), refreshMinutes: value(minutes) });
    for (const [name, field] of Object.entries(fields)) {
      setErrors(field.error, errors[name] ? [errors[name]] : []);
    }
    if (!settings) return;
    save.disabled = true;
    try {
      await done.onSave(settings);
    } catch (error) {
      failure.hidden = false;
      failure.textContent = String(/** @type {any} */ (error)?.message ?? error);
      save.disabled = false;
    }
  }, { className: 'primary' }));
  return h('form', { className: 'gadget-form', 'data-testid': 'gadget-form',
    'aria-label': 'Gadget settings', onSubmit: (/** @type {Event} */ e) => e.preventDefault() },
  Object.values(fields).map((field) => field.root), failure,
  h('div', { className: 'toolbar' }, save,
    done.onCancel ? button('gadget-cancel', 'Cancel', done.onCancel) : null));
}
