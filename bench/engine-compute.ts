import type { ShardInputs, Sku } from '../billing/engine/index.js';
import { priceStaged, stageItems } from '../billing/engine/index.js';
import { SeededRandom } from './random.js';

/**
 * The pure engine's cost per item, without PostgreSQL (`npm run bench -- --only=engine [--items=N]`):
 * a synthetic shard of N elements over 1,000 invoice-to customers (daily, full, tiered and
 * discounted SKUs, a tenth changing mid-month, a rule excluding a customer pattern), computed three
 * times; prints the best run's microseconds per item for staging (generation and rules) and pricing.
 */
export function benchEngineCompute(elements: number): void {
  const random = new SeededRandom(11);
  const skuList: Sku[] = [
    {
      code: 'E3',
      vendor: 'Microsoft',
      unitPrice: '31.000000',
      billingModel: 'recurring',
      proration: 'daily',
      pricingScheme: 'flat',
      tiers: [],
    },
    {
      code: 'E5',
      vendor: 'Microsoft',
      unitPrice: '54.750000',
      billingModel: 'recurring',
      proration: 'daily',
      pricingScheme: 'tiered',
      tiers: [
        { fromQuantity: 11, unitPrice: '50.000000' },
        { fromQuantity: 51, unitPrice: '45.500000' },
      ],
    },
    {
      code: 'DOM',
      vendor: 'Registrar',
      unitPrice: '1.250000',
      billingModel: 'recurring',
      proration: 'full',
      pricingScheme: 'flat',
      tiers: [],
    },
    {
      code: 'VM',
      vendor: 'Hosting',
      unitPrice: '12.345600',
      billingModel: 'recurring',
      proration: 'daily',
      pricingScheme: 'volume',
      tiers: [{ fromQuantity: 5, unitPrice: '11.000000' }],
    },
  ];
  const customers = Array.from({ length: 1_000 }, (_, i) => ({
    customerId: i + 1,
    invoiceToId: i + 1,
    name: i % 50 === 0 ? `Demo ${i}` : `Customer ${i}`,
    tags: i % 7 === 0 ? ['nonprofit'] : [],
  }));
  const inputs: ShardInputs = {
    period: { id: 1, start: '2026-03-01', end: '2026-03-31', minorUnits: 2 },
    approved: [],
    customers,
    elements: Array.from({ length: elements }, (_, i) => {
      const sku = skuList[random.weighted(i, 1, [6, 2, 1, 1])] as Sku;
      const changes = random.below(i, 2, 10) === 0;
      return {
        id: i + 1,
        customerId: 1 + random.below(i, 3, customers.length),
        userId: i + 1,
        kind: sku.code === 'DOM' ? ('domain' as const) : ('plan' as const),
        service: sku.code,
        product: sku.code,
        quantity: sku.code === 'VM' ? `${1 + random.below(i, 4, 4)}.0000` : '1.0000',
        startDate: changes ? `2026-03-${String(1 + random.below(i, 5, 28)).padStart(2, '0')}` : '2025-11-01',
        endDate: null,
        startChangeId: i + 1,
        endChangeId: null,
      };
    }),
    usage: [],
    lateUsage: [],
    userNames: new Map(Array.from({ length: elements }, (_, i) => [i + 1, `user${i}@example.com`])),
    catalog: {
      skus: new Map(skuList.map((sku) => [sku.code, sku])),
      mappings: skuList.map((sku) => ({
        kind: sku.code === 'DOM' ? ('domain' as const) : ('plan' as const),
        service: sku.code,
        product: null,
        skuCode: sku.code,
      })),
      discounts: new Map([['Microsoft', [{ minServices: 2, percent: '5.00' }]]]),
    },
    rules: [
      {
        id: 3,
        name: 'Admins',
        from: null,
        to: null,
        customerId: null,
        customerPattern: null,
        customerTag: null,
        userPattern: 'admin*',
        skuCode: null,
        vendor: null,
        service: null,
        kind: null,
      },
      {
        id: 4,
        name: 'Nonprofits',
        from: null,
        to: null,
        customerId: null,
        customerPattern: null,
        customerTag: 'internal',
        userPattern: null,
        skuCode: null,
        vendor: null,
        service: null,
        kind: null,
      },
      {
        id: 1,
        name: 'Demo tenants',
        from: null,
        to: null,
        customerId: null,
        customerPattern: 'demo*',
        customerTag: null,
        userPattern: null,
        skuCode: null,
        vendor: null,
        service: null,
        kind: null,
      },
      {
        id: 2,
        name: 'Go-live',
        from: '2026-03-10',
        to: null,
        customerId: 3,
        customerPattern: null,
        customerTag: null,
        userPattern: null,
        skuCode: null,
        vendor: null,
        service: null,
        kind: null,
      },
    ],
  };
  const runs: { stage: number; price: number; items: number }[] = [];
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    const staged = stageItems(inputs, []);
    const staging = performance.now();
    const priced = priceStaged(inputs, staged, { billed: [], priors: [], adjustedInvoiceTo: new Map() });
    runs.push({ stage: staging - started, price: performance.now() - staging, items: priced.length });
  }
  const best = runs.reduce((a, b) => (a.stage + a.price <= b.stage + b.price ? a : b));
  const perItem = (ms: number) => ((ms * 1000) / best.items).toFixed(2);
  console.log(
    `engine: ${best.items.toLocaleString('en')} items from ${elements.toLocaleString('en')} elements; ` +
      `staging ${(best.stage / 1000).toFixed(2)} s (${perItem(best.stage)} µs/item), pricing ${(best.price / 1000).toFixed(2)} s ` +
      `(${perItem(best.price)} µs/item), ${perItem(best.stage + best.price)} µs/item in all (best of 3)`,
  );
}
