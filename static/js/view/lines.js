// The table's lines (group headers and issue rows) as one list, and the window of it to render.
// @ts-check

/**
 * @typedef {{kind: 'group', group: any, keys: string[], path: string, depth: number}} GroupLine
 * @typedef {{kind: 'issue', issue: any, path: string, depth: number}} IssueLine
 * @typedef {GroupLine|IssueLine} Line
 * @typedef {GroupLine|{kind: 'rows', source: {rows: any[]}, count: number, path: string,
 *   depth: number}} Segment  a group header (one line) or the run of a group's (or the
 *   result's) rows, one line each; a group's rows are only read for the lines rendered
 * @typedef {{segments: Segment[], starts: number[], count: number}} Lines
 *   starts: the index of each segment's first line; count: how many lines in all
 * @typedef {{start: number, end: number, first: number, last: number}} Range
 *   lines [start, end) are rendered; [first, last) are in view
 */

/** A group's path: the keys from the top level down, as one string. @param {string[]} keys */
export const pathOf = (keys) => JSON.stringify(keys);

/**
 * The lines on show: every group header, and under expanded groups their subgroups or rows;
 * without groups, every row. Runs of rows stay references to the result's arrays, so this
 * costs one entry per group, not per issue.
 * @param {{groups: any[], rows: any[]}} result
 * @param {(path: string) => boolean} isExpanded
 * @returns {Lines}
 */
export function visibleLines(result, isExpanded) {
  /** @type {Segment[]} */
  const segments = [];
  if (result.groups.length) addGroups(segments, result.groups, [], isExpanded);
  else if (result.rows.length) segments.push(rowRun(result, result.rows.length, [], 0));
  const starts = new Array(segments.length);
  let count = 0;
  segments.forEach((segment, n) => {
    starts[n] = count;
    count += segment.kind === 'rows' ? segment.count : 1;
  });
  return { segments, starts, count };
}

/**
 * @param {Segment[]} segments
 * @param {any[]} groups
 * @param {string[]} parentKeys
 * @param {(path: string) => boolean} isExpanded
 */
function addGroups(segments, groups, parentKeys, isExpanded) {
  for (const group of groups) {
    const keys = [...parentKeys, group.key];
    const path = pathOf(keys);
    segments.push({ kind: 'group', group, keys, path, depth: parentKeys.length });
    if (!isExpanded(path)) continue;
    const count = group.count ?? group.rows.length;
    if (group.children.length) addGroups(segments, group.children, keys, isExpanded);
    else if (count) segments.push(rowRun(group, count, keys, keys.length));
  }
}

/** @param {{rows: any[]}} source @param {number} count @param {string[]} keys
 * @param {number} depth @returns {Segment} */
const rowRun = (source, count, keys, depth) => ({ kind: 'rows', source, count, path: pathOf(keys),
  depth });

/**
 * The line at an index (0 ≤ index < count), found by binary search over the segments.
 * @param {Lines} lines
 * @param {number} index
 * @returns {Line}
 */
export function lineAt(lines, index) {
  const { starts, segments } = lines;
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid] <= index) low = mid;
    else high = mid - 1;
  }
  const segment = segments[low];
  if (segment.kind === 'group') return segment;
  const issue = segment.source.rows[index - starts[low]];
  return { kind: 'issue', issue, path: segment.path, depth: segment.depth };
}

/**
 * The lines to render: those in view plus `overscan` on each side, never more than `max`.
 * @param {{offset: number, height: number, rowHeight: number, count: number,
 *   overscan?: number, max?: number}} view  offset: pixels scrolled past the first line
 * @returns {Range}
 */
export function windowOf({ offset, height, rowHeight, count, overscan = 10, max = 150 }) {
  const inView = Math.min(Math.ceil(Math.max(height, 0) / rowHeight) + 1, max);
  const first = Math.min(Math.floor(Math.max(offset, 0) / rowHeight), Math.max(count - 1, 0));
  const last = Math.min(first + inView, count);
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, last + overscan, start + max);
  return { start, end, first, last };
}

/**
 * Whether the rendered lines still cover what is in view (then scrolling needs no work).
 * @param {{start: number, end: number}} rendered
 * @param {Range} wanted
 */
export function covers(rendered, wanted) {
  return rendered.start <= wanted.first && rendered.end >= wanted.last;
}
