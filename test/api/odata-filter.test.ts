import { describe, expect, it } from 'vitest';
import { FilterError, parseFilter } from '../../api/odata/filter.js';
import { compileFilter, type FilterFields, SqlParams } from '../../api/odata/filter-sql.js';

// The $filter parser and compiler are pure: no database, no app.
const fields: FilterFields = new Map([
  ['billable', { type: 'Edm.Boolean', sql: 'e."billable"' }],
  ['vendor', { type: 'Edm.String', sql: 'e."vendor"' }],
  ['customerName', { type: 'Edm.String', sql: 'e."customerName"' }],
  ['amount', { type: 'Edm.Decimal', sql: 'e."amount"' }],
  ['daysActive', { type: 'Edm.Int32', sql: 'e."daysActive"' }],
  ['activeFrom', { type: 'Edm.Date', sql: 'e."activeFrom"' }],
]);

function compile(filter: string) {
  const params = new SqlParams();
  return { sql: compileFilter(parseFilter(filter), fields, params), params: params.values };
}

function failure(run: () => unknown): { reason: string; position: number } {
  try {
    run();
  } catch (error) {
    if (error instanceof FilterError) return { reason: error.reason, position: error.position };
    throw error;
  }
  throw new Error('expected a FilterError');
}

describe('parseFilter', () => {
  it('parses comparisons joined by and into an AST with positions', () => {
    expect(parseFilter("billable eq true and vendor eq 'Microsoft'")).toEqual({
      type: 'and',
      position: 17,
      left: {
        type: 'compare',
        op: 'eq',
        position: 9,
        left: { type: 'field', name: 'billable', position: 0 },
        right: { type: 'literal', kind: 'boolean', value: 'true', position: 12 },
      },
      right: {
        type: 'compare',
        op: 'eq',
        position: 28,
        left: { type: 'field', name: 'vendor', position: 21 },
        right: { type: 'literal', kind: 'string', value: 'Microsoft', position: 31 },
      },
    });
  });

  it('binds not tighter than and, and tighter than or; parentheses override', () => {
    const shape = (node: ReturnType<typeof parseFilter>): unknown => {
      switch (node.type) {
        case 'and':
        case 'or':
          return [node.type, shape(node.left), shape(node.right)];
        case 'not':
          return ['not', shape(node.operand)];
        case 'compare':
          return `${shape(node.left)} ${node.op} ${shape(node.right)}`;
        case 'field':
          return node.name;
        case 'literal':
          return String(node.value);
        case 'call':
          return `${node.name}(${node.args.map(shape).join(',')})`;
      }
    };
    expect(shape(parseFilter('a eq 1 or b eq 2 and not c eq 3'))).toEqual([
      'or',
      'a eq 1',
      ['and', 'b eq 2', ['not', 'c eq 3']],
    ]);
    expect(shape(parseFilter('(a eq 1 or b eq 2) and c'))).toEqual(['and', ['or', 'a eq 1', 'b eq 2'], 'c']);
    expect(shape(parseFilter("not contains(tolower(name),'oso')"))).toEqual([
      'not',
      'contains(tolower(name),oso)',
    ]);
  });

  it("reads literals: '' inside strings, dates, negative decimals, null", () => {
    expect(parseFilter("name eq 'O''Brien'")).toMatchObject({ right: { kind: 'string', value: "O'Brien" } });
    expect(parseFilter('activeFrom ge 2026-01-10')).toMatchObject({
      right: { kind: 'date', value: '2026-01-10' },
    });
    expect(parseFilter('amount lt -10.0050')).toMatchObject({ right: { kind: 'number', value: '-10.0050' } });
    expect(parseFilter('userName eq null')).toMatchObject({ right: { kind: 'null', value: null } });
  });

  it('names the position of every syntax error', () => {
    expect(failure(() => parseFilter('amount gt'))).toEqual({
      reason: 'expected a field or a value, found the end of $filter',
      position: 9,
    });
    expect(failure(() => parseFilter("vendor eq 'Micro"))).toEqual({
      reason: 'unterminated string literal',
      position: 10,
    });
    expect(failure(() => parseFilter('(amount gt 1'))).toEqual({
      reason: "expected ')', found the end of $filter",
      position: 12,
    });
    expect(failure(() => parseFilter('amount gt 1 vendor'))).toEqual({
      reason: "unexpected 'vendor'",
      position: 12,
    });
    expect(failure(() => parseFilter('amount gt 1 and or'))).toEqual({
      reason: "expected a field or a value, found 'or'",
      position: 16,
    });
    expect(failure(() => parseFilter('amount # 1'))).toEqual({ reason: "unexpected '#'", position: 7 });
    expect(failure(() => parseFilter('activeFrom ge 2026-02-30'))).toEqual({
      reason: "'2026-02-30' is not a calendar date",
      position: 14,
    });
    expect(failure(() => parseFilter('activeFrom ge 2026-01-10T00:00:00Z'))).toEqual({
      reason: 'date-time literals are not supported: compare with a date such as 2026-01-31',
      position: 14,
    });
    expect(failure(() => parseFilter("substringof('a',vendor)"))).toEqual({
      reason: "unknown function 'substringof'",
      position: 0,
    });
    expect(failure(() => parseFilter('contains(vendor)'))).toEqual({
      reason: 'contains takes 2 arguments, not 1',
      position: 0,
    });
    expect(failure(() => parseFilter(''))).toEqual({ reason: 'empty $filter', position: 0 });
    expect(failure(() => parseFilter(`${'('.repeat(100)}a${')'.repeat(100)}`)).reason).toBe(
      'parentheses nested too deeply',
    );
  });
});

describe('compileFilter', () => {
  it('compiles to SQL over whitelisted columns with every value a typed bind parameter', () => {
    expect(compile("billable eq true and vendor eq 'Microsoft'")).toEqual({
      sql: '((e."billable" is not distinct from $1::text::boolean) and (e."vendor" is not distinct from $2::text))',
      params: ['true', 'Microsoft'],
    });
    expect(compile('activeFrom ge 2026-01-10 or not (amount lt 10.0050)')).toEqual({
      sql: '(coalesce(e."activeFrom" >= $1::text::date, false) or (not coalesce(e."amount" < $2::text::numeric, false)))',
      params: ['2026-01-10', '10.0050'],
    });
    expect(compile("contains(customerName,'oso') and startswith(vendor,'Micro')")).toEqual({
      sql: '(coalesce(strpos(e."customerName", $1::text) > 0, false) and coalesce(starts_with(e."vendor", $2::text), false))',
      params: ['oso', 'Micro'],
    });
    expect(compile("endswith(tolower(vendor),'soft')")).toEqual({
      sql: 'coalesce(right(lower(e."vendor"), length($1::text)) = $1::text, false)',
      params: ['soft'],
    });
    expect(compile('not billable')).toEqual({ sql: '(not coalesce(e."billable", false))', params: [] });
  });

  it('keeps OData null semantics: eq/ne null are is [not] null, ne holds for nulls', () => {
    expect(compile('vendor eq null').sql).toBe('(e."vendor" is null)');
    expect(compile('null ne vendor').sql).toBe('(e."vendor" is not null)');
    expect(compile("vendor ne 'x'").sql).toBe('(e."vendor" is distinct from $1::text)');
  });

  it('never lets a value into the SQL text: quotes stay inside the parameter', () => {
    const { sql, params } = compile("vendor eq 'x''; drop table items; --'");
    expect(sql).toBe('(e."vendor" is not distinct from $1::text)');
    expect(params).toEqual(["x'; drop table items; --"]);
  });

  it('rejects unknown fields and mismatched types at their position', () => {
    expect(failure(() => compile("nope eq 'x'"))).toMatchObject({ position: 0 });
    expect(failure(() => compile("nope eq 'x'")).reason).toMatch(
      /^unknown field 'nope' \(known: billable, vendor, /,
    );
    expect(failure(() => compile("amount gt 'ten'"))).toEqual({
      reason: "cannot compare amount (Edm.Decimal) with the string 'ten'",
      position: 10,
    });
    expect(failure(() => compile('activeFrom ge 10'))).toEqual({
      reason: 'cannot compare activeFrom (Edm.Date) with the number 10',
      position: 14,
    });
    expect(failure(() => compile('amount gt null'))).toEqual({
      reason: 'null can only be compared with eq or ne, not gt',
      position: 7,
    });
    expect(failure(() => compile('vendor'))).toEqual({
      reason: 'vendor (Edm.String) is not a condition',
      position: 0,
    });
    expect(failure(() => compile('contains(amount,1)'))).toEqual({
      reason: 'contains needs text, not amount (Edm.Decimal)',
      position: 9,
    });
  });
});

describe('date functions and in, as Power Query folds them', () => {
  it('compiles year() and month() over a date field to extract(), compared as numbers', () => {
    expect(compile('year(activeFrom) eq 2026 and month(activeFrom) ge 3')).toEqual({
      sql:
        '((extract(year from e."activeFrom") is not distinct from $1::text::numeric) and ' +
        'coalesce(extract(month from e."activeFrom") >= $2::text::numeric, false))',
      params: ['2026', '3'],
    });
    expect(compile('day(activeFrom) lt 15').sql).toBe(
      'coalesce(extract(day from e."activeFrom") < $1::text::numeric, false)',
    );
    expect(compile('date(activeFrom) eq 2026-03-01')).toEqual({
      sql: '(e."activeFrom" is not distinct from $1::text::date)',
      params: ['2026-03-01'],
    });
  });

  it('compiles in as eq alternatives, with their types checked', () => {
    expect(compile("vendor in ('Microsoft', 'Pax8')")).toEqual({
      sql: '((e."vendor" is not distinct from $1::text) or (e."vendor" is not distinct from $2::text))',
      params: ['Microsoft', 'Pax8'],
    });
    expect(failure(() => compile("vendor in ('a', 3)"))).toEqual({
      reason: 'cannot compare vendor (Edm.String) with the number 3',
      position: 16,
    });
  });

  it('refuses a date function over anything but a date', () => {
    expect(failure(() => compile('year(vendor) eq 2026'))).toEqual({
      reason: 'year needs a date, not vendor (Edm.String)',
      position: 5,
    });
  });
});
