// Tiny DOM helpers: elements are built from text, attributes and listeners, never from HTML.
// @ts-check

/** @typedef {Node|string|number|null|undefined|false|any[]} Child */

/** Props set as DOM properties rather than attributes. */
const PROPERTIES = /** @type {Record<string, string>} */ ({
  text: 'textContent', className: 'className', value: 'value',
});

/**
 * Create an element. Props: `text` sets textContent, `className` the class, `value` the property,
 * functions under `on<event>` become listeners, `true` sets an empty attribute,
 * null/false/undefined are skipped, anything else becomes an attribute.
 * @param {string} tag
 * @param {Record<string, any>|null} [props]
 * @param {...Child} children
 * @returns {HTMLElement}
 */
export function h(tag, props, ...children) {
  const element = document.createElement(tag);
  append(element, children);
  for (const [name, value] of Object.entries(props ?? {})) setProp(element, name, value);
  return element;
}

/**
 * A button that never submits a form.
 * @param {string|null} testid its data-testid
 * @param {Child} label
 * @param {(event: Event) => void} onClick
 * @param {Record<string, any>} [props] more props, e.g. className, aria-label
 */
export function button(testid, label, onClick, props = {}) {
  return h('button', { type: 'button', 'data-testid': testid, ...props, onClick }, label);
}

/**
 * Append children: nodes as they are, strings and numbers as text, arrays flattened.
 * @param {Node} parent
 * @param {Child[]} children
 */
export function append(parent, children) {
  for (const child of children) {
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else if (child !== null && child !== undefined && child !== false) {
      parent.appendChild(document.createTextNode(String(child)));
    }
  }
}

/**
 * @param {HTMLElement} element
 * @param {string} name
 * @param {any} value
 */
function setProp(element, name, value) {
  if (value === null || value === undefined || value === false) return;
  if (name.startsWith('on')) {
    if (typeof value === 'function') element.addEventListener(name.slice(2).toLowerCase(), value);
    return;
  }
  const property = PROPERTIES[name];
  if (property) /** @type {any} */ (element)[property] = String(value);
  else element.setAttribute(name, value === true ? '' : String(value));
}

/**
 * A labelled form control: label, control, hint and error slot tied together by ids.
 * @param {string} id
 * @param {string} label
 * @param {HTMLElement} control
 * @param {string} [hint]
 */
export function labelled(id, label, control, hint) {
  const error = h('p', { className: 'field-error', id: `${id}-error`, hidden: true });
  const hintNode = hint ? h('p', { className: 'hint', id: `${id}-hint` }, hint) : null;
  control.id = id;
  control.setAttribute('aria-describedby', [hintNode?.id, error.id].filter(Boolean).join(' '));
  const root = h('div', { className: 'form-row' }, h('label', { for: id }, label), control,
    hintNode, error);
  return { root, error };
}

/**
 * Show messages in an error slot (hidden when empty). The form field it describes gets
 * aria-invalid="true" while it has messages and no aria-invalid otherwise: an empty value reads
 * as valid. A fieldset's slot is only described (ARIA 1.2 deprecates aria-invalid on groups).
 * @param {HTMLElement} slot
 * @param {string[]} messages
 */
export function setErrors(slot, messages) {
  slot.replaceChildren(...messages.map((text) => h('span', null, text)));
  slot.hidden = messages.length === 0;
  const control = document.querySelector(`[aria-describedby~="${CSS.escape(slot.id)}"]`);
  if (!control?.matches('input, select, textarea')) return;
  if (messages.length) control.setAttribute('aria-invalid', 'true');
  else control.removeAttribute('aria-invalid');
}

/**
 * Offer text as a file download built in the browser.
 * @param {string} filename
 * @param {string} text
 * @param {string} type
 */
export function downloadText(filename, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = h('a', { href: url, download: filename, hidden: true });
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * A safe file name from a report name.
 * @param {string} name
 * @param {string} extension
 */
export function fileName(name, extension) {
  const base = name.replace(/[^\p{L}\p{N}._ -]+/gu, '').trim().replace(/\s+/g, '-').slice(0, 80);
  return `${base || 'report'}.${extension}`;
}

/**
 * Format a number for the user's locale.
 * @param {number} value
 * @param {number} [digits]
 */
export function formatNumber(value, digits = 2) {
  return new Intl.NumberFormat(undefined, { maximumFractionDigits: digits }).format(value);
}
