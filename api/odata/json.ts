import type { Row } from './expand.js';
import type { Property } from './model.js';

/**
 * OData JSON written by hand: JSON.stringify would need JS numbers for Edm.Decimal and Edm.Int64,
 * and money must never pass through a binary float. Number tokens are PostgreSQL's exact text.
 * With `IEEE754Compatible=true` (asked for in Accept or $format), they are JSON strings instead.
 */

export function jsonContentType(ieee754: boolean): string {
  return `application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=${ieee754};charset=utf-8`;
}

/** Whether the client asked for Int64 and Decimal values as strings. */
export function wantsIeee754(accept: string | undefined, format: string | undefined): boolean {
  return [accept, format].some((value) => /IEEE754Compatible\s*=\s*"?true/i.test(value ?? ''));
}

const NUMBER = /^-?\d+(\.\d+)?$/;

function numberToken(value: string): string {
  // Checked, never trusted: a token that is not a plain decimal would corrupt the whole document.
  if (!NUMBER.test(value)) throw new Error(`not an exact decimal for OData JSON: ${JSON.stringify(value)}`);
  return value;
}

function valueJson(p: Property, value: string | boolean | null, ieee754: boolean): string {
  if (value === null) return 'null';
  switch (p.type) {
    case 'Edm.Boolean':
      return value === true ? 'true' : 'false';
    case 'Edm.String':
    case 'Edm.Date':
      return JSON.stringify(String(value));
    case 'Edm.Int32':
      return numberToken(String(value));
    case 'Edm.Int64':
    case 'Edm.Decimal':
      return ieee754 ? JSON.stringify(numberToken(String(value))) : numberToken(String(value));
  }
}

/** An entity expanded into its rows: the name of the navigation and the target row of each. */
export interface ExpandedJson {
  name: string;
  properties: readonly Property[];
  targetOf(row: Row): Row | undefined;
}

export function entityJson(
  properties: readonly Property[],
  row: Row,
  ieee754: boolean,
  expanded: readonly ExpandedJson[] = [],
): string {
  const members = properties.map(
    (p) => `${JSON.stringify(p.name)}:${valueJson(p, row[p.name] ?? null, ieee754)}`,
  );
  for (const { name, properties: targetProperties, targetOf } of expanded) {
    const target = targetOf(row);
    members.push(
      `${JSON.stringify(name)}:${target ? entityJson(targetProperties, target, ieee754) : 'null'}`,
    );
  }
  return `{${members.join(',')}}`;
}

export function collectionJson(
  body: {
    context: string;
    count?: string | undefined;
    properties: readonly Property[];
    rows: Row[];
    expanded?: readonly ExpandedJson[];
    nextLink?: string | undefined;
  },
  ieee754: boolean,
): string {
  const members = [`"@odata.context":${JSON.stringify(body.context)}`];
  if (body.count !== undefined) {
    const count = numberToken(body.count);
    members.push(`"@odata.count":${ieee754 ? JSON.stringify(count) : count}`);
  }
  members.push(
    `"value":[${body.rows.map((row) => entityJson(body.properties, row, ieee754, body.expanded)).join(',')}]`,
  );
  if (body.nextLink !== undefined) members.push(`"@odata.nextLink":${JSON.stringify(body.nextLink)}`);
  return `{${members.join(',')}}`;
}
