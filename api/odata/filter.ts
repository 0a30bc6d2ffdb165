import { localDateParts } from '../../billing/dates.js';

/**
 * OData `$filter`: a small recursive-descent parser into an AST (filter-sql.ts compiles it to SQL).
 * Pure, so it is tested without a database.
 *
 * Grammar (loosest first): or, and, not, comparison (eq ne gt ge lt le), primary (parentheses,
 * literal, field, function call). Positions are 0-based offsets into the $filter text.
 */

export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
export type LiteralKind = 'string' | 'number' | 'date' | 'boolean' | 'null';

export type FilterNode =
  | { type: 'and' | 'or'; left: FilterNode; right: FilterNode; position: number }
  | { type: 'not'; operand: FilterNode; position: number }
  | { type: 'compare'; op: CompareOp; left: FilterNode; right: FilterNode; position: number }
  | { type: 'in'; left: FilterNode; values: FilterNode[]; position: number }
  | { type: 'call'; name: FunctionName; args: FilterNode[]; position: number }
  | { type: 'field'; name: string; position: number }
  | { type: 'literal'; kind: LiteralKind; value: string | null; position: number };

const functions = {
  contains: { arity: 2, returns: 'boolean' },
  startswith: { arity: 2, returns: 'boolean' },
  endswith: { arity: 2, returns: 'boolean' },
  tolower: { arity: 1, returns: 'string' },
  toupper: { arity: 1, returns: 'string' },
  trim: { arity: 1, returns: 'string' },
  // The date functions Power Query folds into a feed's $filter.
  year: { arity: 1, returns: 'number' },
  month: { arity: 1, returns: 'number' },
  day: { arity: 1, returns: 'number' },
  date: { arity: 1, returns: 'date' },
} as const;
type FunctionName = keyof typeof functions;

const comparisons = new Set<string>(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const keywords = new Set<string>(['and', 'or', 'not', 'in', ...comparisons]);
const MAX_DEPTH = 64;

/** A $filter that cannot be parsed or compiled, with the offset of the offending token. */
export class FilterError extends Error {
  constructor(
    readonly reason: string,
    readonly position: number,
  ) {
    super(`${reason} at position ${position}`);
  }
}

interface Token {
  kind: 'word' | 'string' | 'number' | 'date' | '(' | ')' | ',' | 'end';
  text: string;
  value: string;
  position: number;
}

const DATE = /\d{4}-\d{2}-\d{2}/y;
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const match = (pattern: RegExp) => {
    pattern.lastIndex = i;
    return pattern.exec(text)?.[0];
  };
  while (i < text.length) {
    const char = text.charAt(i);
    if (/\s/.test(char)) {
      i++;
    } else if (char === '(' || char === ')' || char === ',') {
      tokens.push({ kind: char, text: char, value: char, position: i++ });
    } else if (char === "'") {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw new FilterError('unterminated string literal', i);
        if (text[j] === "'") {
          if (text[j + 1] !== "'") break;
          value += "'";
          j += 2;
        } else value += text[j++];
      }
      tokens.push({ kind: 'string', text: text.slice(i, j + 1), value, position: i });
      i = j + 1;
    } else if (/[\d-]/.test(char)) {
      const date = match(DATE);
      const literal = date ?? match(NUMBER);
      if (!literal) throw new FilterError(`unexpected '${char}'`, i);
      const after = text.charAt(i + literal.length);
      if (date && after === 'T') {
        throw new FilterError(
          'date-time literals are not supported: compare with a date such as 2026-01-31',
          i,
        );
      }
      if (/[\w.:-]/.test(after)) throw new FilterError(`malformed literal '${literal}${after}'`, i);
      if (date) {
        try {
          localDateParts(date);
        } catch {
          throw new FilterError(`'${date}' is not a calendar date`, i);
        }
      }
      tokens.push({ kind: date ? 'date' : 'number', text: literal, value: literal, position: i });
      i += literal.length;
    } else {
      const word = match(WORD);
      if (!word) throw new FilterError(`unexpected '${char}'`, i);
      tokens.push({ kind: 'word', text: word, value: word, position: i });
      i += word.length;
    }
  }
  tokens.push({ kind: 'end', text: 'the end', value: '', position: text.length });
  return tokens;
}

/** Parses a $filter expression into its AST; throws FilterError with the position of a syntax error. */
export function parseFilter(text: string): FilterNode {
  const tokens = tokenize(text);
  let at = 0;
  let depth = 0;
  const peek = () => tokens[at] as Token;
  const next = () => tokens[at++] as Token;
  const isWord = (word: string) => peek().kind === 'word' && peek().value === word;
  const describe = (token: Token) => (token.kind === 'end' ? 'the end of $filter' : `'${token.text}'`);
  const expect = (kind: Token['kind'], what: string) => {
    const token = next();
    if (token.kind !== kind)
      throw new FilterError(`expected ${what}, found ${describe(token)}`, token.position);
    return token;
  };

  function or(): FilterNode {
    let left = and();
    while (isWord('or')) {
      const { position } = next();
      left = { type: 'or', left, right: and(), position };
    }
    return left;
  }
  function and(): FilterNode {
    let left = unary();
    while (isWord('and')) {
      const { position } = next();
      left = { type: 'and', left, right: unary(), position };
    }
    return left;
  }
  function unary(): FilterNode {
    if (!isWord('not')) return comparison();
    const { position } = next();
    return { type: 'not', operand: unary(), position };
  }
  function comparison(): FilterNode {
    const left = primary();
    const token = peek();
    if (token.kind === 'word' && token.value === 'in') {
      next();
      expect('(', "'(' after in");
      const values = [primary()];
      while (peek().kind === ',') {
        next();
        values.push(primary());
      }
      expect(')', "')' or ','");
      return { type: 'in', left, values, position: token.position };
    }
    if (token.kind !== 'word' || !comparisons.has(token.value)) return left;
    next();
    return {
      type: 'compare',
      op: token.value as CompareOp,
      left,
      right: primary(),
      position: token.position,
    };
  }
  function primary(): FilterNode {
    const token = next();
    switch (token.kind) {
      case '(': {
        if (++depth > MAX_DEPTH) throw new FilterError('parentheses nested too deeply', token.position);
        const inner = or();
        expect(')', "')'");
        depth--;
        return inner;
      }
      case 'string':
        return { type: 'literal', kind: 'string', value: token.value, position: token.position };
      case 'number':
        return { type: 'literal', kind: 'number', value: token.value, position: token.position };
      case 'date':
        return { type: 'literal', kind: 'date', value: token.value, position: token.position };
      case 'word':
        return word(token);
      default:
        throw new FilterError(`expected a field or a value, found ${describe(token)}`, token.position);
    }
  }
  function word(token: Token): FilterNode {
    const { value, position } = token;
    if (value === 'true' || value === 'false') return { type: 'literal', kind: 'boolean', value, position };
    if (value === 'null') return { type: 'literal', kind: 'null', value: null, position };
    if (keywords.has(value)) throw new FilterError(`expected a field or a value, found '${value}'`, position);
    if (peek().kind !== '(') return { type: 'field', name: value, position };
    if (!Object.hasOwn(functions, value)) throw new FilterError(`unknown function '${value}'`, position);
    const name = value as FunctionName;
    next();
    const args: FilterNode[] = [];
    if (peek().kind !== ')') {
      args.push(or());
      while (peek().kind === ',') {
        next();
        args.push(or());
      }
    }
    expect(')', "')' or ','");
    const { arity } = functions[name];
    if (args.length !== arity) {
      throw new FilterError(
        `${name} takes ${arity} argument${arity === 1 ? '' : 's'}, not ${args.length}`,
        position,
      );
    }
    return { type: 'call', name, args, position };
  }

  if (peek().kind === 'end') throw new FilterError('empty $filter', 0);
  const tree = or();
  const rest = peek();
  if (rest.kind !== 'end') throw new FilterError(`unexpected '${rest.text}'`, rest.position);
  return tree;
}
