import type postgres from 'postgres';
import type { EdmType, FilterFields, SqlParams } from './filter-sql.js';

/**
 * What an entity set of the OData feed is: each property's EDM type and SQL expression, the key,
 * the navigation properties, and the scoped source rows. Tenant and customer scope are part of
 * every source's SQL.
 */

export interface FeedScope {
  tenantId: string;
  /** Set for customer tokens: this customer and, for a reseller, its subtree. */
  customerId?: number;
}

export interface Property {
  name: string;
  type: EdmType;
  nullable: boolean;
  /** Edm.Decimal only. */
  precision?: number;
  scale?: number;
  sql: string;
}

/** A single-valued link to another set: `property` of this set equals `references` of the target. */
export interface Navigation {
  name: string;
  target: string;
  property: string;
  references: string;
}

export interface EntitySet {
  name: string;
  entityType: string;
  key: readonly string[];
  properties: readonly Property[];
  navigations: readonly Navigation[];
  /** Only the tenant's staff may read it (vendor costs and margins). */
  staffOnly?: boolean;
  /**
   * Rows computed outside SQL (billing/, each rule written once), handed to `from` as one JSON
   * parameter; the scoping and every query option still happen in SQL.
   */
  load?(sql: postgres.Sql, scope: FeedScope): Promise<unknown[]>;
  /** The FROM and WHERE of the set's rows the scope may see. */
  from(params: SqlParams, scope: FeedScope, loaded?: string): string;
}

export const id = (name: string, sql: string): Property => ({
  name,
  type: 'Edm.Int64',
  nullable: false,
  sql,
});
export const text = (name: string, sql: string, nullable = false): Property => ({
  name,
  type: 'Edm.String',
  nullable,
  sql,
});
export const date = (name: string, sql: string, nullable = false): Property => ({
  name,
  type: 'Edm.Date',
  nullable,
  sql,
});
export const int = (name: string, sql: string): Property => ({
  name,
  type: 'Edm.Int32',
  nullable: false,
  sql,
});
export const flag = (name: string, sql: string): Property => ({
  name,
  type: 'Edm.Boolean',
  nullable: false,
  sql,
});
export const decimal = (
  name: string,
  sql: string,
  precision: number,
  scale: number,
  nullable = false,
): Property => ({
  name,
  type: 'Edm.Decimal',
  nullable,
  precision,
  scale,
  sql,
});

/** Of a period's customers (alias `pc`), the ones a customer token may see: in SQL, never afterwards. */
export function periodCustomerScope(params: SqlParams, scope: FeedScope): string {
  if (scope.customerId === undefined) return '';
  const customer = params.add(String(scope.customerId), 'bigint');
  return `and (pc.customer_id = ${customer} or ${customer} = any(pc.ancestor_ids))`;
}

/** The fields $filter may name: every property, as a column of the set's source subquery `e`. */
export function filterFields(set: EntitySet): FilterFields {
  return new Map(set.properties.map((p) => [p.name, { type: p.type, sql: column(p.name) }]));
}

/** A property as a column of the source subquery; names come from the model, never the request. */
export function column(name: string): string {
  return `e."${name}"`;
}

/** The SQL type a property's text value is cast to, in bind parameters and key lists. */
export const castOf = (p: Property) =>
  ({
    'Edm.Int64': 'bigint',
    'Edm.Int32': 'integer',
    'Edm.Decimal': 'numeric',
    'Edm.String': 'text',
    'Edm.Date': 'date',
    'Edm.Boolean': 'boolean',
  })[p.type] as 'bigint' | 'integer' | 'numeric' | 'text' | 'date' | 'boolean';
