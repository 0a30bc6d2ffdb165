import type postgres from 'postgres';
import { invalid } from '../problems.js';
import { SqlParams } from './filter-sql.js';
import { castOf, column, type EntitySet, type Navigation, type Property } from './model.js';

/**
 * `$expand`: a page's rows with the entity each navigation property leads to, e.g.
 * `$expand=Customer($select=ref,name),Period`. One query per expanded navigation and page, keyed by
 * the page's foreign keys (never one per row), over the target set's own scoped source.
 */

export interface Expansion {
  navigation: Navigation;
  target: EntitySet;
  /** Set when a nested $select chose them: they go in the context URL. */
  selected?: readonly Property[];
  properties: readonly Property[];
}

/** `a,b(c,d),e` split on the commas outside parentheses. */
function topLevelParts(text: string, option: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    if (char === '(') depth++;
    if (char === ')' && --depth < 0) throw invalid(option, `unbalanced ')' at position ${i}`);
    if (char === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0) throw invalid(option, "unbalanced '(': close every nested option list");
  parts.push(text.slice(start));
  return parts.map((part) => part.trim());
}

/**
 * The navigations of `$expand`, each with its nested `$select`. `sets` resolves a target by name;
 * `parseSelect` is the set's own $select rule, so nested selects answer like top-level ones.
 */
export function parseExpand(
  set: EntitySet,
  expand: string | undefined,
  sets: (name: string) => EntitySet | undefined,
  parseSelect: (target: EntitySet, select: string | undefined, option: string) => readonly Property[],
): Expansion[] {
  if (expand === undefined) return [];
  const expansions: Expansion[] = [];
  const known = set.navigations.map((n) => n.name).join(', ') || 'none';
  for (const part of topLevelParts(expand, '$expand')) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)\s*(?:\((.*)\))?$/s.exec(part);
    if (!match?.[1])
      throw invalid('$expand', `expected 'Navigation' or 'Navigation($select=...)', got '${part}'`);
    const name = match[1];
    const navigation = set.navigations.find((n) => n.name === name);
    if (!navigation) {
      throw invalid('$expand', `unknown navigation property '${name}' of ${set.name} (known: ${known})`);
    }
    if (expansions.some((e) => e.navigation === navigation)) {
      throw invalid('$expand', `navigation property '${name}' is expanded twice`);
    }
    const target = sets(navigation.target);
    if (!target) throw new Error(`navigation ${set.name}/${name} leads to no set '${navigation.target}'`);
    let select: string | undefined;
    for (const option of match[2] === undefined ? [] : match[2].split(';')) {
      const nested = /^\s*\$select\s*=(.*)$/s.exec(option);
      if (!nested) {
        throw invalid(`$expand`, `only $select is supported inside ${name}(...), got '${option.trim()}'`);
      }
      select = nested[1];
    }
    const properties = parseSelect(target, select, `$expand=${name}($select)`);
    const chosen = select !== undefined && select.trim() !== '*';
    expansions.push({ navigation, target, properties, ...(chosen ? { selected: properties } : {}) });
  }
  return expansions;
}

export type Row = Record<string, string | boolean | null>;

/** The hidden column of a page row holding expansion `index`'s foreign key. */
export const linkColumn = (index: number) => `_x${index}`;

/**
 * For each expansion, the target rows the page links to, by their key's text. A target the scope
 * may not see (outside a customer token's current subtree) is simply absent: the link reads null.
 */
export async function expandedRows(
  sql: postgres.Sql,
  expansions: readonly Expansion[],
  rows: readonly Row[],
  source: (set: EntitySet, params: SqlParams) => Promise<string>,
): Promise<Map<string, Row>[]> {
  return Promise.all(
    expansions.map(async (expansion, index) => {
      const keys = [
        ...new Set(rows.map((row) => row[linkColumn(index)]).filter((key) => typeof key === 'string')),
      ];
      if (keys.length === 0) return new Map<string, Row>();
      const { target, properties, navigation } = expansion;
      const params = new SqlParams();
      const from = await source(target, params);
      const referenced = target.properties.find((p) => p.name === navigation.references);
      if (!referenced) throw new Error(`${target.name} has no property '${navigation.references}'`);
      const key = column(referenced.name);
      const outputs = [...properties.map((p) => `${output(p)} as "${p.name}"`), `${key}::text as "_key"`];
      const text = `select ${outputs.join(', ')} from ${from}
        where ${key} in (select k::${castOf(referenced)}
          from jsonb_array_elements_text(${params.add(JSON.stringify(keys), 'jsonb')}) k)`;
      const found = await sql.unsafe<Row[]>(text, params.values);
      return new Map(found.map((row) => [row._key as string, row]));
    }),
  );
}

/** Numbers and dates leave PostgreSQL as text, so a decimal is never a binary float on the way. */
export const output = (p: Property) =>
  p.type === 'Edm.String' || p.type === 'Edm.Boolean' ? column(p.name) : `${column(p.name)}::text`;
