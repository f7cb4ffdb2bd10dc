// JQL syntax for the demo Jira: tokenizer and parser into Jira's jql/parse structure.
// @ts-check

/**
 * @typedef {{name: string, property?: []}} FieldRef
 * @typedef {{value: string} | {values: Operand[]} | {keyword: 'empty'}
 *   | {function: string, arguments: string[]}} Operand
 * @typedef {{field: FieldRef, operator: string, operand: Operand}} Term
 * @typedef {Term | {operator: 'and'|'or'|'not', clauses: Clause[]}} Clause
 * @typedef {{field: FieldRef, direction?: 'asc'|'desc'}} OrderItem
 * @typedef {{where?: Clause, orderBy?: {fields: OrderItem[]}}} Query
 * @typedef {{type: string, text: string, at: number}} Token
 */

/** A JQL problem, worded as Jira words it. */
export class JqlError extends Error {}

// One alternative per token type, in this order: space, alias, operator, symbol, string, word.
const TOKEN = new RegExp([/(\s+)/, /(&&|\|\||[&|]|!(?![=~]))/, /(!=|!~|<=|>=|=|~|<|>)/,
  /([(),])/, /("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')/,
  /((?:cf\[\d+\]|[^\s"'(),=!<>~;?|*%^$#@[\]{}+&])+)/].map((r) => r.source).join('|'), 'iy');
// Symbols are their own type; '$end' can never be a word, as '$' is reserved.
const TYPES = ['space', 'word', 'op', 'symbol', 'string', 'word'];
const ALIASES = { '&&': 'and', '&': 'and', '||': 'or', '|': 'or', '!': 'not' };
const NOT_VALUES = ['and', 'or', 'not', 'in', 'is', 'order', 'by'];
const KEYWORDS = [...NOT_VALUES, 'empty', 'null'];
const VALID_OPERATORS =
  "'=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'";

/**
 * Split JQL into tokens; strings lose their quotes, words keep their spelling.
 * @param {string} text
 * @returns {Token[]}
 */
export function tokenize(text) {
  /** @type {Token[]} */
  const tokens = [];
  for (TOKEN.lastIndex = 0; TOKEN.lastIndex < text.length;) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (!match) throw badCharacter(text, at);
    const group = match.findIndex((m, i) => i > 0 && m !== undefined) - 1;
    const [raw, type] = [match[0], group === 3 ? match[0] : TYPES[group]];
    const value = group === 1 ? ALIASES[raw] : group === 4 ? unescape(raw.slice(1, -1)) : raw;
    if (type !== 'space') tokens.push({ type, text: value, at });
  }
  tokens.push({ type: '$end', text: '', at: text.length });
  return tokens;
}

/** @param {string} text */
const unescape = (text) => text.replace(/\\(.)/gs, '$1');

/**
 * @param {string} text
 * @param {number} at
 */
function badCharacter(text, at) {
  const ch = text[at];
  if (ch === '"' || ch === "'") {
    const rest = unescape(text.slice(at + 1));
    return syntaxError(`The quoted string '${rest}' has not been completed.`, text, at);
  }
  const hex = ch.charCodeAt(0).toString(16).padStart(4, '0');
  return syntaxError(`The character '${ch}' is a reserved JQL character. You must enclose `
    + `it in a string or use the escape '\\u${hex}' instead.`, text, at);
}

/**
 * @param {string} message
 * @param {string} text
 * @param {number} at
 */
function syntaxError(message, text, at) {
  const lines = text.slice(0, at).split('\n');
  const place = `(line ${lines.length}, character ${lines[lines.length - 1].length + 1})`;
  return new JqlError(`Error in the JQL Query: ${message} ${place}`);
}

/**
 * Parse JQL into Jira's query structure; throws JqlError with Jira's wording.
 * @param {string} text
 * @returns {Query}
 */
export function parseJql(text) {
  const p = new Parser(tokenize(text), text);
  const query = /** @type {Query} */ ({});
  if (!p.is('order') && !p.is('$end')) query.where = p.orClause();
  if (p.eat('order')) query.orderBy = { fields: p.orderBy() };
  if (!p.is('$end')) p.fail(query.orderBy
    ? "Expecting either a comma (',') or the end of the query"
    : "Expecting either 'OR' or 'AND'");
  return query;
}

class Parser {
  /** @param {Token[]} tokens  @param {string} text */
  constructor(tokens, text) { this.tokens = tokens; this.text = text; this.i = 0; }
  peek() { return this.tokens[this.i]; }
  next() { return this.tokens[this.i++]; }
  /** @param {string} x a token type, or a keyword */
  is(x) {
    const { type, text } = this.peek();
    return type === x || (type === 'word' && text.toLowerCase() === x);
  }
  /** @param {string} x */
  eat(x) { return this.is(x) ? this.next() : null; }
  /** @param {string} x */
  expect(x) { return this.eat(x) ?? this.fail(`Expecting '${x.toUpperCase()}'`); }

  /** @param {string} expecting  @returns {never} */
  fail(expecting, hint = '') {
    const t = this.peek();
    if (t.type === '$end') {
      throw new JqlError(`Error in the JQL Query: ${expecting} before the end of the query.`);
    }
    throw syntaxError(`${expecting} but got '${t.text}'.${hint}`, this.text, t.at);
  }

  /** One or more items with `separator` between them.  @template T  @param {() => T} item */
  many(item, separator = ',') {
    const items = [item()];
    while (this.eat(separator)) items.push(item());
    return items;
  }

  /** @returns {Clause} */
  orClause() {
    /** @type {(word: 'and'|'or', item: () => Clause) => Clause} */
    const chain = (word, item) => {
      const clauses = this.many(item, word);
      return clauses.length === 1 ? clauses[0] : { operator: word, clauses };
    };
    return chain('or', () => chain('and', () => this.notClause()));
  }

  /** @returns {Clause} */
  notClause() {
    if (this.eat('not')) return { operator: 'not', clauses: [this.notClause()] };
    if (!this.eat('(')) {
      return { field: this.fieldRef(), operator: this.operator(), operand: this.operand(true) };
    }
    const inner = this.orClause();
    this.expect(')');
    return inner;
  }

  /** @returns {FieldRef} */
  fieldRef() {
    const t = this.peek();
    const reserved = t.type === 'word' && KEYWORDS.includes(t.text.toLowerCase());
    if (!['word', 'string'].includes(t.type) || reserved) this.fail('Expecting a field name');
    return { name: this.next().text, property: [] };
  }

  operator() {
    if (this.peek().type === 'op') return this.next().text;
    if (this.eat('in')) return 'in';
    if (this.eat('is')) return this.eat('not') ? 'is not' : 'is';
    if (this.eat('not')) return this.eat('in') ? 'not in' : this.fail("Expecting 'IN'");
    return this.fail('Expecting operator', ` Valid operators are ${VALID_OPERATORS}.`);
  }

  /** @param {boolean} allowList  @returns {Operand} */
  operand(allowList) {
    const t = this.peek();
    if (allowList && this.eat('(')) return { values: this.list() };
    if (t.type === 'string') return { value: this.next().text };
    const word = t.text.toLowerCase();
    if (t.type !== 'word' || NOT_VALUES.includes(word)) {
      const hint = t.type === 'word' ? ` You must surround '${t.text}' in quotation marks `
        + 'to use it as a value.' : '';
      this.fail('Expecting either a value, list or function', hint);
    }
    this.next();
    if (word === 'empty' || word === 'null') return { keyword: 'empty' };
    if (this.eat('(')) return { function: t.text, arguments: this.list(true) };
    return { value: t.text };
  }

  /** @returns {any[]} operands after '(', or plain strings for function arguments */
  list(args = false) {
    const item = () => /** @type {any} */ (this.operand(false));
    const items = args && this.is(')') ? [] : this.many(item);
    this.expect(')');
    return args ? items.map((operand) => operand.value ?? '') : items;
  }

  /** @returns {OrderItem[]} */
  orderBy() {
    this.expect('by');
    return this.many(() => {
      /** @type {OrderItem} */
      const item = { field: this.fieldRef() };
      if (this.eat('asc')) item.direction = 'asc';
      else if (this.eat('desc')) item.direction = 'desc';
      return item;
    });
  }
}
