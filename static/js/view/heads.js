// The table's column headers: buttons that sort the view by their column, showing its state.
// @ts-check
import { button, h } from '../ui/dom.js';
import { ariaSort } from './sorting.js';

/** @typedef {import('./sorting.js').ViewSort} ViewSort */

const ARROWS = { ascending: '▲', descending: '▼' };

/**
 * One column's header cell, its label a button that asks for the next sort.
 * @param {{id: string, name: string}} field
 * @param {string|null} className
 * @param {(field: string) => void} onSort
 */
export function sortHeader(field, className, onSort) {
  const arrow = h('span', { className: 'sort-arrow', 'aria-hidden': 'true' });
  return h('th', { scope: 'col', className },
    button('sort-by', [field.name, arrow], () => onSort(field.id),
      { className: 'sort-button', 'data-field': field.id }));
}

/**
 * Show the view's sort on every header: aria-sort on the sorted one and its arrow.
 * @param {HTMLElement} head the thead
 * @param {ViewSort|null} sort
 */
export function markSorted(head, sort) {
  for (const control of head.querySelectorAll('[data-testid="sort-by"]')) {
    const field = control.getAttribute('data-field') ?? '';
    const state = ariaSort(sort, field);
    const cell = control.closest('th');
    if (state) cell?.setAttribute('aria-sort', state);
    else cell?.removeAttribute('aria-sort');
    const arrow = control.querySelector('.sort-arrow');
    if (arrow) arrow.textContent = state ? ARROWS[state] : '';
  }
}
