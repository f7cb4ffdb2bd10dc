// JQL meaning for the demo Jira: resolves fields and values, then filters and orders issues.
// @ts-check
import { wallInstant } from '../engine/zones.js';
import { CATALOG, DEMO_USER, FIELDS } from './data.js';

/**
 * @typedef {import('./jql.js').Term} Term  @typedef {import('./jql.js').Clause} Clause
 * @typedef {import('./jql.js').OrderItem} OrderItem
 * @typedef {{id: string, key: string, self?: string, fields: Record<string, any>}} Issue
 * @typedef {{id: string, kind: string}} Target
 * @typedef {{now: number, hasIssue: (keyOrId: string) => boolean, timeZone?: string}} Env
 * @typedef {{empty?: boolean, text?: string, num?: any}} Literal
 * @typedef {(issue: Issue) => boolean} Match
 */

// Each field's kind of value is its schema type, except for these.
const KINDS = { summary: 'text', description: 'text', labels: 'label', components: 'component',
  fixVersions: 'version', issuekey: 'key', timeoriginalestimate: 'duration' };
const NUMERIC = new Set(['number', 'duration', 'date', 'datetime']);
const COMPARABLE = new Set([...NUMERIC, 'priority']);
// Values that order by their place in the site's list (priority: highest is largest).
const LISTED = new Set(['status', 'resolution', 'option', 'version', 'category', 'priority']);
const COMPARE = { '<': [-1], '>': [1], '<=': [-1, 0], '>=': [0, 1] }; // signs of value - operand
const UNITS = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000 };
const DATE_FORMATS = "Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', "
  + "'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.";
const DATE_FUNCTIONS = { now: (d) => d.getTime(), startofday: (d) => d.setUTCHours(0, 0, 0, 0),
  startofmonth: (d) => d.setUTCDate(1) && d.setUTCHours(0, 0, 0, 0) };
const NO_FIELD = "Field '%s' does not exist or you do not have permission to view it.";
const NO_SORT = "Field '%s' does not support sorting.";

/** @type {Map<string, Target>} every clause name, field name and field id, lower-cased */
const TARGETS = new Map([['text', { id: 'text', kind: 'text' }],
  ['statuscategory', { id: 'statusCategory', kind: 'category' }]]);
for (const f of FIELDS) {
  const target = { id: f.id, kind: KINDS[f.id] ?? f.schema?.type };
  for (const name of [...f.clauseNames, f.name, f.id]) TARGETS.set(name.toLowerCase(), target);
}

/** Plain text of an ADF node. @param {any} node  @returns {string} */
const adfText = (node) => (node?.type ? node.text ?? (node.content ?? []).map(adfText).join(' ')
  : node ?? '');
/** What a clause on this target looks at in an issue. @param {Target} t  @param {Issue} i */
function valueOf({ id }, i) {
  if (id === 'issuekey') return i;
  if (id === 'statusCategory') return i.fields.status?.statusCategory;
  if (id === 'description') return adfText(i.fields.description);
  return id === 'text' ? `${i.fields.summary} ${adfText(i.fields.description)}` : i.fields[id];
}
/** @param {any} v  @returns {any[]} */
const listOf = (v) => (Array.isArray(v) ? v : v == null || v === '' ? [] : [v]);
/** The lower-cased names a value answers to in JQL: id, key, name… @param {any} v */
const names = (v) => (typeof v === 'object'
  ? [v.id, v.key, v.name, v.value, v.accountId, v.displayName].filter((x) => x != null) : [v])
  .map((x) => String(x).toLowerCase());
const VALUES = { ...CATALOG, category: [0, 1, 3].map((n) => CATALOG.status[n].statusCategory) };
/** @type {Record<string, Map<string, any>>} kind → every name of every known value → value */
const KNOWN = Object.fromEntries(Object.entries(VALUES).map(([kind, values]) => [kind,
  new Map(/** @type {[string, any][]} */ (values.flatMap((v) => names(v).map((n) => [n, v]))))]));

/** A number to compare or order by (NaN when empty). @param {string} kind  @param {any} v */
function numeric(kind, v) {
  if (v == null) return NaN;
  if (kind.startsWith('date')) return Date.parse(v.replace(/(\d\d)(\d\d)$/, '$1:$2'));
  const at = LISTED.has(kind) ? VALUES[kind].findIndex((known) => known.id === v.id) : v;
  return kind === 'priority' ? VALUES.priority.length - at : at;
}

/** What to order by; null sorts as the largest. @param {Target} t  @param {Issue} i */
function sortValue(t, i) {
  const [v, kind] = [valueOf(t, i), t.kind];
  if (!listOf(v).length) return null;
  if (kind === 'key') return v.key.replace(/\d+$/, (n) => n.padStart(9, '0'));
  if (NUMERIC.has(kind) || LISTED.has(kind)) return numeric(kind, listOf(v)[0]);
  return listOf(v).map((x) => names(x).at(-1)).join(', ');
}

/** A period such as '-4w 2d' in milliseconds, or null. @param {string} text */
function period(text) {
  if (!/^\s*[-+]?(\s*\d+\s*[wdhm])+\s*$/i.test(text)) return null;
  return (text.trim()[0] === '-' ? -1 : 1) * [...text.matchAll(/(\d+)\s*([wdhm])/gi)]
    .reduce((sum, [, n, unit]) => sum + Number(n) * UNITS[unit.toLowerCase()], 0);
}

/** A number, duration (minutes, as Jira reads them) or date operand, or Jira's complaint.
 * @param {string} text  @param {string} kind  @param {string} name  @param {Env} env */
function measure(text, kind, name, env) {
  const date = kind.startsWith('date') ? wallInstant(kind, text, env.timeZone) : NaN;
  const num = !kind.startsWith('date') ? (text.trim() && !isNaN(+text) ? +text : NaN)
    : Number.isNaN(date) ? env.now + (period(text) ?? NaN) : date;
  if (!Number.isNaN(num)) return { num: kind === 'duration' ? num * 60 : num };
  return kind.startsWith('date') ? `Date value '${text}' for field '${name}' is invalid. `
    + DATE_FORMATS : `The value '${text}' is not a valid ${kind} for the field '${name}'.`;
}

/** The operand as this field understands it, or Jira's complaint.
 * @param {any} o an Operand  @param {Target} t  @param {string} name  @param {Env} env
 * @returns {Literal | string} */
function literal(o, t, name, env) {
  if ('keyword' in o) return { empty: true };
  if ('function' in o) return functionLiteral(o.function, o.arguments, t, name, env.now);
  const [text, lower, known] = [o.value, o.value.toLowerCase(), KNOWN[t.kind]];
  if (NUMERIC.has(t.kind)) return measure(text, t.kind, name, env);
  if (t.kind === 'resolution' && lower === 'unresolved') return { empty: true };
  const value = t.kind === 'key' ? env.hasIssue(text) : known ? known.get(lower) : true;
  if (value) return { text: lower, num: known && numeric(t.kind, value) };
  return t.kind === 'key' ? `An issue with key '${text}' does not exist for field '${name}'.`
    : `The value '${text}' does not exist for the field '${name}'.`;
}

/** @param {string} fn  @param {string[]} args  @param {Target} t  @param {string} name
 * @param {number} now  @returns {Literal | string} the function's value, or Jira's complaint */
function functionLiteral(fn, args, t, name, now) {
  const lower = fn.toLowerCase();
  const fits = lower === 'currentuser' ? t.kind === 'user'
    : lower in DATE_FUNCTIONS ? t.kind.startsWith('date') : null;
  if (fits === null) return `Unable to find JQL function '${fn}(${args.join(', ')})'.`;
  if (!fits) return `A value provided by the function '${fn}' is invalid for the field '${name}'.`;
  const offset = period(/^[-+]?\d+$/.test(args[0]) ? `${args[0]}d` : args[0]) ?? 0; // days if bare
  return lower === 'currentuser' ? { text: DEMO_USER.accountId }
    : { num: DATE_FUNCTIONS[lower](new Date(now + offset)) };
}

/** Jira's complaint about this field, operator and operand together, or ''.
 * @param {Term} c  @param {Target} [t] */
function termError({ field: { name }, operator: op, operand }, t) {
  const [listed, inList, empty] = ['values' in operand, op.endsWith('in'), 'keyword' in operand];
  const shown = 'value' in operand ? operand.value : 'EMPTY';
  const supported = t?.kind === 'text' ? ['~', '!~', 'is', 'is not'].includes(op)
    : !op.includes('~') && (!(op in COMPARE) || COMPARABLE.has(t?.kind ?? ''));
  return [[!t, NO_FIELD.replace('%s', name)],
    [!supported, `The operator '${op}' is not supported by the '${name}' field.`],
    [listed !== inList && !('function' in operand), `Operator '${op}' does not support the `
      + `${listed ? 'list value' : `non-list value '${shown}'`} for field '${name}'.`],
    [(op.startsWith('is') && !empty) || (op in COMPARE && empty),
      `The operator '${op}' does not support ${empty ? 'EMPTY' : 'values'} for field '${name}'.`],
  ].find(([failed]) => failed)?.[1] ?? '';
}

/** @param {Term} c  @param {Env} env  @param {string[]} errors  @returns {Match} */
function term(c, env, errors) {
  const t = TARGETS.get(c.field.name.toLowerCase());
  const problem = termError(c, t);
  const items = 'values' in c.operand ? c.operand.values : [c.operand];
  const lits = problem || !t ? [problem] : items.map((o) => literal(o, t, c.field.name, env));
  const bad = lits.filter((l) => typeof l === 'string');
  errors.push(...bad);
  return bad.length || !t ? () => false : predicate(c.operator, t, /** @type {Literal[]} */ (lits));
}

/** @param {string} op  @param {Target} t  @param {Literal[]} lits  @returns {Match} */
function predicate(op, t, lits) {
  const signs = COMPARE[op];
  if (signs) return (i) => signs.includes(Math.sign(numeric(t.kind, valueOf(t, i)) - lits[0].num));
  const equal = NUMERIC.has(t.kind) ? (v, lit) => numeric(t.kind, v) === lit.num
    : t.kind !== 'text' ? (v, lit) => names(v).includes(lit.text ?? '')
      : (v, lit) => (lit.text ?? '').replace(/[*?]/g, ' ').trim().split(/\s+/)
        .every((word) => v.toLowerCase().includes(word));
  const hit = (vs) => lits.some((l) => (l.empty ? !vs.length : vs.some((v) => equal(v, l))));
  const negative = op === 'is not' || op.startsWith('!') || op === 'not in';
  return (i) => {
    const vs = listOf(valueOf(t, i));
    return negative ? vs.length > 0 && !hit(vs) : hit(vs);
  };
}

/** @param {Clause} c  @param {Env} env  @param {string[]} errors  @returns {Match} */
function clause(c, env, errors) {
  if (!('clauses' in c)) return term(c, env, errors);
  const parts = c.clauses.map((x) => clause(x, env, errors));
  if (c.operator === 'not') return (i) => !parts[0](i);
  return c.operator === 'and' ? (i) => parts.every((p) => p(i)) : (i) => parts.some((p) => p(i));
}

/**
 * Check a parsed query against the site's fields and values, and prepare it to run: matching
 * issues in ORDER BY order (created DESC without one), ties newest first.
 * @param {import('./jql.js').Query} query  @param {Env} env
 * @returns {{errors: string[], run: (issues: Issue[]) => Issue[]}}
 */
export function compileQuery(query, env) {
  const errors = /** @type {string[]} */ ([]);
  const match = query.where ? clause(query.where, env, errors) : () => true;
  const keys = (query.orderBy?.fields ?? [{ field: { name: 'created' }, direction: 'desc' }])
    .map((/** @type {OrderItem} */ { field: { name }, direction }) => {
      const t = TARGETS.get(name.toLowerCase());
      const problem = !t ? NO_FIELD : ['text', 'description'].includes(t.id) ? NO_SORT : '';
      if (problem) errors.push(problem.replace('%s', name));
      return { t, dir: direction === 'desc' ? -1 : 1 };
    });
  /** @param {{i: Issue, k: any[]}} a  @param {{i: Issue, k: any[]}} b */
  const compare = (a, b) => {
    const n = a.k.findIndex((x, at) => x !== b.k[at]);
    const [x, y] = [a.k[n], b.k[n]];
    return n < 0 ? Number(b.i.id) - Number(a.i.id)
      : (x === null ? 1 : y === null ? -1 : x < y ? -1 : 1) * keys[n].dir;
  };
  const keyed = (/** @type {Issue} */ i) => ({ i, k: keys.map((o) => o.t && sortValue(o.t, i)) });
  return { errors, run: (issues) => issues.filter(match).map(keyed).sort(compare).map((d) => d.i) };
}
