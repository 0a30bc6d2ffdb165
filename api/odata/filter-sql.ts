import { type CompareOp, FilterError, type FilterNode } from './filter.js';

/**
 * Compiles a parsed $filter into a parameterised SQL condition over a whitelist of fields: names
 * come from the model, values only ever travel as bind parameters. Pure, tested without a database.
 */

export type EdmType = 'Edm.Int64' | 'Edm.Int32' | 'Edm.Decimal' | 'Edm.String' | 'Edm.Date' | 'Edm.Boolean';
type ValueType = 'string' | 'number' | 'date' | 'boolean' | 'null';

/** What $filter may name: each field's type and the SQL expression it stands for. */
export type FilterFields = ReadonlyMap<string, { type: EdmType; sql: string }>;

/**
 * Collects bind parameters. Each travels as text and is cast in SQL: postgres.js serialises a
 * parameter by the type PostgreSQL infers for it, and would turn the text 'true' of a boolean into 'f'.
 */
export class SqlParams {
  readonly values: string[] = [];
  add(value: string, cast: 'text' | 'numeric' | 'bigint' | 'integer' | 'date' | 'boolean' | 'jsonb'): string {
    this.values.push(value);
    const placeholder = `$${this.values.length}::text`;
    return cast === 'text' ? placeholder : `${placeholder}::${cast}`;
  }
}

const valueType = (type: EdmType): ValueType =>
  type === 'Edm.String'
    ? 'string'
    : type === 'Edm.Date'
      ? 'date'
      : type === 'Edm.Boolean'
        ? 'boolean'
        : 'number';
const casts = { string: 'text', number: 'numeric', date: 'date', boolean: 'boolean' } as const;
const sqlOps: Record<CompareOp, string> = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' };

/**
 * A SQL boolean expression for the filter. OData's null semantics are kept: `x ne 'a'` holds for a
 * null x, and an ordering comparison with a null is false rather than unknown, so `not` stays exact.
 */
export function compileFilter(tree: FilterNode, fields: FilterFields, params: SqlParams): string {
  function condition(node: FilterNode): string {
    switch (node.type) {
      case 'and':
      case 'or':
        return `(${condition(node.left)} ${node.type} ${condition(node.right)})`;
      case 'not':
        return `(not ${condition(node.operand)})`;
      case 'in':
        return inList(node);
      case 'compare':
        return compare(node);
      default: {
        const operand = value(node);
        if (operand.type !== 'boolean')
          throw new FilterError(`${operand.what} is not a condition`, node.position);
        // A bare boolean field is a condition: a null flag counts as false.
        return node.type === 'field' ? `coalesce(${operand.sql}, false)` : operand.sql;
      }
    }
  }

  function compare(node: Extract<FilterNode, { type: 'compare' }>): string {
    const left = value(node.left);
    const right = value(node.right);
    if (left.type === 'null' || right.type === 'null') {
      if (node.op !== 'eq' && node.op !== 'ne') {
        throw new FilterError(`null can only be compared with eq or ne, not ${node.op}`, node.position);
      }
      if (left.type === 'null' && right.type === 'null') return node.op === 'eq' ? 'true' : 'false';
      const other = left.type === 'null' ? right : left;
      return `(${other.sql} is ${node.op === 'eq' ? '' : 'not '}null)`;
    }
    if (left.type !== right.type) {
      throw new FilterError(`cannot compare ${left.what} with ${right.what}`, node.right.position);
    }
    if (node.op === 'eq') return `(${left.sql} is not distinct from ${right.sql})`;
    if (node.op === 'ne') return `(${left.sql} is distinct from ${right.sql})`;
    return `coalesce(${left.sql} ${sqlOps[node.op]} ${right.sql}, false)`;
  }

  // `x in (a, b)` is `x eq a or x eq b`: the same types and null semantics as eq.
  function inList(node: Extract<FilterNode, { type: 'in' }>): string {
    const alternatives = node.values.map((value) =>
      compare({ type: 'compare', op: 'eq', left: node.left, right: value, position: node.position }),
    );
    return `(${alternatives.join(' or ')})`;
  }

  function value(node: FilterNode): { sql: string; type: ValueType; what: string } {
    switch (node.type) {
      case 'field': {
        const field = fields.get(node.name);
        if (!field) {
          throw new FilterError(
            `unknown field '${node.name}' (known: ${[...fields.keys()].join(', ')})`,
            node.position,
          );
        }
        return { sql: field.sql, type: valueType(field.type), what: `${node.name} (${field.type})` };
      }
      case 'literal': {
        const what =
          node.kind === 'null'
            ? 'null'
            : `the ${node.kind} ${node.kind === 'string' ? `'${node.value}'` : node.value}`;
        if (node.kind === 'null' || node.value === null) return { sql: 'null', type: 'null', what };
        return { sql: params.add(node.value, casts[node.kind]), type: node.kind, what };
      }
      case 'call':
        return call(node);
      default:
        return { sql: condition(node), type: 'boolean', what: 'a condition' };
    }
  }

  function call(node: Extract<FilterNode, { type: 'call' }>): { sql: string; type: ValueType; what: string } {
    if (node.name === 'year' || node.name === 'month' || node.name === 'day' || node.name === 'date') {
      return dateCall(node);
    }
    const args = node.args.map((arg) => {
      const compiled = value(arg);
      if (compiled.type !== 'string') {
        throw new FilterError(`${node.name} needs text, not ${compiled.what}`, arg.position);
      }
      return compiled.sql;
    });
    const [a = '', b = ''] = args;
    const what = `${node.name}(...)`;
    switch (node.name) {
      case 'contains':
        return { sql: `coalesce(strpos(${a}, ${b}) > 0, false)`, type: 'boolean', what };
      case 'startswith':
        return { sql: `coalesce(starts_with(${a}, ${b}), false)`, type: 'boolean', what };
      case 'endswith':
        return { sql: `coalesce(right(${a}, length(${b})) = ${b}, false)`, type: 'boolean', what };
      case 'tolower':
        return { sql: `lower(${a})`, type: 'string', what };
      case 'toupper':
        return { sql: `upper(${a})`, type: 'string', what };
      case 'trim':
        return { sql: `btrim(${a})`, type: 'string', what };
      default:
        throw new FilterError(`unknown function '${node.name}'`, node.position);
    }
  }

  function dateCall(node: Extract<FilterNode, { type: 'call' }>): {
    sql: string;
    type: ValueType;
    what: string;
  } {
    const [arg] = node.args;
    const compiled = arg ? value(arg) : undefined;
    if (!arg || !compiled || compiled.type !== 'date') {
      throw new FilterError(
        `${node.name} needs a date, not ${compiled?.what ?? 'nothing'}`,
        arg?.position ?? node.position,
      );
    }
    const what = `${node.name}(...)`;
    if (node.name === 'date') return { sql: compiled.sql, type: 'date', what };
    return { sql: `extract(${node.name} from ${compiled.sql})`, type: 'number', what };
  }

  return condition(tree);
}
