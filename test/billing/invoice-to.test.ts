import { describe, expect, test } from 'vitest';
import { ancestors, type CustomerNode, invoiceTo } from '../../billing/index.js';

type Row = [
  id: number,
  parentId: number | null,
  relationship: 'direct' | 'via',
  billing: 'aggregate' | 'on_behalf',
];

const tree = (rows: Row[]) =>
  new Map<number, CustomerNode>(
    rows.map(([id, parentId, relationship, resellerBilling]) => [
      id,
      { id, parentId, relationship, resellerBilling },
    ]),
  );

const customers = tree([
  // Three tiers, all aggregate: the distributor pays for everything.
  [1, null, 'direct', 'aggregate'],
  [2, 1, 'via', 'aggregate'],
  [3, 2, 'via', 'aggregate'],
  // An on_behalf reseller: its end customers are invoiced themselves.
  [10, null, 'direct', 'on_behalf'],
  [11, 10, 'via', 'aggregate'],
  // Mixed: aggregate distributor above an on_behalf reseller.
  [20, null, 'direct', 'aggregate'],
  [21, 20, 'via', 'on_behalf'],
  [22, 21, 'via', 'aggregate'],
  [23, 21, 'direct', 'aggregate'],
  // Mixed the other way: on_behalf distributor above an aggregate reseller.
  [30, null, 'direct', 'on_behalf'],
  [31, 30, 'via', 'aggregate'],
  [32, 31, 'via', 'aggregate'],
]);

describe('invoiceTo', () => {
  test.each([
    [1, 1, 'a direct customer pays for itself'],
    [2, 1, 'reseller via an aggregate distributor'],
    [3, 1, 'end customer of an all-aggregate chain: the distributor'],
    [10, 10, 'an on_behalf reseller pays for its own items'],
    [11, 11, 'end customer of an on_behalf reseller'],
    [21, 20, 'on_behalf reseller under an aggregate distributor'],
    [22, 22, 'end customer under the on_behalf reseller'],
    [23, 23, 'a direct customer under a reseller'],
    [31, 31, 'aggregate reseller under an on_behalf distributor'],
    [32, 31, 'its end customer: the aggregate reseller'],
  ])('invoice_to(%i) = %i: %s', (customer, payer) => {
    expect(invoiceTo(customer, customers)).toBe(payer);
  });
});

describe('ancestors', () => {
  test.each([
    [1, []],
    [3, [2, 1]],
    [11, [10]],
    [22, [21, 20]],
    [23, [21, 20]],
    [32, [31, 30]],
  ])('resellers above %i: %j', (customer, resellers) => {
    expect(ancestors(customer, customers)).toEqual(resellers);
  });
});

describe('broken trees', () => {
  const cyclic = tree([
    [40, 41, 'via', 'aggregate'],
    [41, 42, 'via', 'aggregate'],
    [42, 40, 'via', 'aggregate'],
  ]);

  test('a cycle is reported with its path', () => {
    expect(() => invoiceTo(40, cyclic)).toThrow('customer tree has a cycle: 40 -> 41 -> 42 -> 40');
    expect(() => ancestors(40, cyclic)).toThrow('customer tree has a cycle: 40 -> 41 -> 42 -> 40');
  });

  test('a via customer without a parent', () => {
    expect(() => invoiceTo(50, tree([[50, null, 'via', 'aggregate']]))).toThrow(
      /billed via a parent but has none/,
    );
  });

  test('an unknown customer', () => {
    expect(() => invoiceTo(99, customers)).toThrow('unknown customer 99');
    expect(() => ancestors(60, tree([[60, 61, 'via', 'aggregate']]))).toThrow('unknown customer 61');
  });
});
