import { type Amount, type Decimal, formatDecimal, roundHalfUp, toDecimal } from '../money.js';
import { type Period, periodDays } from '../periods.js';
import { apportionCharge, type ChargeSpan, ZERO } from './apportion.js';
import {
  type Charged,
  chargedPerCustomerSku,
  chargeKey,
  type MappedCharge,
  unitDayCost,
} from './unit-cost.js';

/**
 * The three-way match of billing.md's "Vendor reconciliation and margin": per vendor, customer and
 * SKU, what was provisioned (items, billable or not), billed (billable items) and charged (vendor
 * lines apportioned to the period, credits netted), with a variance for every difference.
 */

export type VarianceReason =
  | 'unbilled'
  | 'billed_not_purchased'
  | 'quantity'
  | 'excluded_but_charged'
  | 'below_cost';

/** A period's items of one customer and SKU, summed: unit-days are quantity x days active. */
export interface ProvisionedGroup {
  customerId: number;
  skuCode: string;
  /** Units active on the period's last day. */
  unitsAtEnd: string;
  unitDays: string;
  billedUnitDays: string;
  /** Unit-days a rule made non-billable. */
  excludedUnitDays: string;
  billedAmount: string;
}

/** Vendor lines with the same dates, customer and product, summed; null where no mapping exists. */
export interface ChargeGroup extends ChargeSpan {
  vendor: string;
  vendorCustomerId: string;
  vendorProductId: string;
  customerId: number | null;
  skuCode: string | null;
}

export interface SkuTerms {
  vendor: string;
  /** Price per unit per period. */
  unitPrice: string;
  /** Cost per unit per period when no vendor line gives it. */
  costPrice: string | null;
}

export interface Variance {
  reason: VarianceReason;
  unitDays: string;
  /** Money at stake, rounded: see docs/billing-choices.md for each reason. */
  amount: Amount;
  /** `unbilled` only: what billing the charged unit-days at the SKU's price would have brought. */
  revenueLost?: Amount;
}

export interface ReconciliationLine {
  vendor: string;
  customerId: number;
  skuCode: string;
  unitsAtEnd: string;
  provisionedUnitDays: string;
  billedUnitDays: string;
  excludedUnitDays: string;
  chargedUnitDays: string;
  billedAmount: Amount;
  chargedAmount: Amount;
  /** Per unit per period: the vendor's effective price, else the SKU's cost price. */
  unitCost: string | null;
  costSource: 'vendor' | 'cost_price' | null;
  cost: Amount | null;
  margin: Amount | null;
  variances: Variance[];
}

export interface UnmappedCharge {
  vendor: string;
  vendorCustomerId: string;
  vendorProductId: string;
  missing: ('customer' | 'product')[];
  chargedUnitDays: string;
  chargedAmount: Amount;
}

export interface ReconciliationInput {
  period: Period;
  minorUnits: number;
  provisioned: readonly ProvisionedGroup[];
  charges: readonly ChargeGroup[];
  skus: ReadonlyMap<string, SkuTerms>;
}

export interface Reconciliation {
  lines: ReconciliationLine[];
  unmapped: UnmappedCharge[];
}

const key = chargeKey;

export function reconcile(input: ReconciliationInput): Reconciliation {
  const { period, minorUnits } = input;
  const days = periodDays(period);
  const round = (value: Decimal) => roundHalfUp(value, minorUnits);

  // Charges apportioned to the period; only charges overlapping it take part at all.
  const mapped: MappedCharge[] = [];
  const unmapped = new Map<string, UnmappedCharge & { unitDaysExact: Decimal; amountExact: Decimal }>();
  const vendorsCharging = new Set<string>();
  for (const charge of input.charges) {
    const share = apportionCharge(charge, period);
    if (share.days === 0) continue;
    vendorsCharging.add(charge.vendor);
    if (charge.customerId !== null && charge.skuCode !== null) {
      mapped.push({ ...charge, customerId: charge.customerId, skuCode: charge.skuCode });
      continue;
    }
    const id = [charge.vendor, charge.vendorCustomerId, charge.vendorProductId].join('\u0000');
    const entry = unmapped.get(id) ?? {
      vendor: charge.vendor,
      vendorCustomerId: charge.vendorCustomerId,
      vendorProductId: charge.vendorProductId,
      missing: [
        ...(charge.customerId === null ? (['customer'] as const) : []),
        ...(charge.skuCode === null ? (['product'] as const) : []),
      ],
      chargedUnitDays: '0',
      chargedAmount: '0',
      unitDaysExact: ZERO,
      amountExact: ZERO,
    };
    entry.unitDaysExact = entry.unitDaysExact.plus(share.unitDays);
    entry.amountExact = entry.amountExact.plus(share.amount);
    unmapped.set(id, entry);
  }
  const charged = chargedPerCustomerSku(mapped, period);

  const provisioned = new Map(
    input.provisioned.map((group) => [key(group.customerId, group.skuCode), group]),
  );
  const keys = new Set([...provisioned.keys(), ...charged.keys()]);
  const lines: ReconciliationLine[] = [];
  for (const id of keys) {
    const group = provisioned.get(id);
    const charge = charged.get(id);
    const [customerText, skuCode = ''] = id.split('\u0000');
    const sku = input.skus.get(skuCode);
    const vendor = charge?.vendor ?? sku?.vendor;
    // Provisioned SKUs of vendors with no charge in the period are not reconciled against nothing.
    if (vendor === undefined || (!charge && !vendorsCharging.has(vendor))) continue;
    lines.push(
      matchLine({
        vendor,
        customerId: Number(customerText),
        skuCode,
        group,
        charge,
        sku,
        days,
        round,
      }),
    );
  }
  lines.sort(
    (a, b) =>
      a.vendor.localeCompare(b.vendor) || a.customerId - b.customerId || a.skuCode.localeCompare(b.skuCode),
  );
  return {
    lines,
    unmapped: [...unmapped.values()]
      .map(({ unitDaysExact, amountExact, ...line }) => ({
        ...line,
        chargedUnitDays: formatDecimal(unitDaysExact),
        chargedAmount: round(amountExact),
      }))
      .sort(
        (a, b) =>
          a.vendor.localeCompare(b.vendor) ||
          a.vendorCustomerId.localeCompare(b.vendorCustomerId) ||
          a.vendorProductId.localeCompare(b.vendorProductId),
      ),
  };
}

function matchLine(args: {
  vendor: string;
  customerId: number;
  skuCode: string;
  group: ProvisionedGroup | undefined;
  charge: Charged | undefined;
  sku: SkuTerms | undefined;
  days: number;
  round: (value: Decimal) => Amount;
}): ReconciliationLine {
  const { group, charge, sku, days, round } = args;
  const provisionedUnitDays = toDecimal(group?.unitDays ?? '0');
  const billedUnitDays = toDecimal(group?.billedUnitDays ?? '0');
  const excludedUnitDays = toDecimal(group?.excludedUnitDays ?? '0');
  const billedAmount = toDecimal(group?.billedAmount ?? '0');
  const chargedUnitDays = charge?.unitDays ?? ZERO;
  const chargedAmount = charge?.amount ?? ZERO;

  // Cost per unit-day: the vendor's effective price when it charged units, else the SKU's cost price.
  const unitCost = unitDayCost(charge, sku?.costPrice, days);
  const costPerUnitDay = unitCost?.perUnitDay ?? null;
  const costSource: ReconciliationLine['costSource'] = unitCost?.source ?? null;
  // What was charged is the cost; with no charge, the cost price of what was provisioned.
  const cost = charge
    ? chargedAmount
    : costPerUnitDay === null
      ? null
      : costPerUnitDay.times(provisionedUnitDays);

  const variances: Variance[] = [];
  const chargedSomething = chargedUnitDays.greaterThan(0) || chargedAmount.greaterThan(0);
  const costOf = (unitDays: Decimal) =>
    round(costPerUnitDay === null ? ZERO : costPerUnitDay.times(unitDays));
  if (chargedSomething && provisionedUnitDays.isZero()) {
    variances.push({
      reason: 'unbilled',
      unitDays: formatDecimal(chargedUnitDays),
      amount: round(chargedAmount),
      revenueLost: round(
        toDecimal(sku?.unitPrice ?? '0')
          .times(chargedUnitDays)
          .dividedBy(days),
      ),
    });
  }
  if (!charge && billedUnitDays.greaterThan(0)) {
    variances.push({
      reason: 'billed_not_purchased',
      unitDays: formatDecimal(billedUnitDays),
      amount: round(billedAmount),
    });
  }
  if (chargedSomething && excludedUnitDays.greaterThan(0)) {
    const unitDays = excludedUnitDays.lessThan(chargedUnitDays) ? excludedUnitDays : chargedUnitDays;
    variances.push({
      reason: 'excluded_but_charged',
      unitDays: formatDecimal(unitDays),
      amount: costOf(unitDays),
    });
  }
  if (charge && provisionedUnitDays.greaterThan(0) && !chargedUnitDays.equals(provisionedUnitDays)) {
    // Positive: the vendor charges more unit-days than were provisioned; negative: fewer.
    const unitDays = chargedUnitDays.minus(provisionedUnitDays);
    variances.push({ reason: 'quantity', unitDays: formatDecimal(unitDays), amount: costOf(unitDays) });
  }
  if (costPerUnitDay !== null && billedUnitDays.greaterThan(0)) {
    const billedCost = toDecimal(costOf(billedUnitDays));
    if (billedAmount.lessThan(billedCost)) {
      variances.push({
        reason: 'below_cost',
        unitDays: formatDecimal(billedUnitDays),
        amount: round(billedCost.minus(billedAmount)),
      });
    }
  }

  const roundedCost = cost === null ? null : round(cost);
  return {
    vendor: args.vendor,
    customerId: args.customerId,
    skuCode: args.skuCode,
    unitsAtEnd: group?.unitsAtEnd ?? '0',
    provisionedUnitDays: formatDecimal(provisionedUnitDays),
    billedUnitDays: formatDecimal(billedUnitDays),
    excludedUnitDays: formatDecimal(excludedUnitDays),
    chargedUnitDays: formatDecimal(chargedUnitDays),
    billedAmount: round(billedAmount),
    chargedAmount: round(chargedAmount),
    unitCost: costPerUnitDay === null ? null : formatDecimal(costPerUnitDay.times(days).toDecimalPlaces(6)),
    costSource,
    cost: roundedCost,
    margin: roundedCost === null ? null : round(toDecimal(round(billedAmount)).minus(roundedCost)),
    variances,
  };
}

/** Totals of a reconciliation: every figure is the sum of its rounded lines. */
export function reconciliationTotals(result: Reconciliation) {
  const sum = (values: (string | null)[]) =>
    formatDecimal(
      values.reduce<Decimal>((total, v) => (v === null ? total : total.plus(toDecimal(v))), ZERO),
    );
  const byReason = new Map<VarianceReason, { count: number; amounts: string[] }>();
  let unbilledRevenue: string[] = [];
  for (const line of result.lines) {
    for (const variance of line.variances) {
      const entry = byReason.get(variance.reason) ?? { count: 0, amounts: [] };
      entry.count += 1;
      entry.amounts.push(variance.amount);
      byReason.set(variance.reason, entry);
      if (variance.revenueLost !== undefined) unbilledRevenue = [...unbilledRevenue, variance.revenueLost];
    }
  }
  const reasons: VarianceReason[] = [
    'unbilled',
    'billed_not_purchased',
    'quantity',
    'excluded_but_charged',
    'below_cost',
  ];
  return {
    lines: result.lines.length,
    matched: result.lines.filter((line) => line.variances.length === 0).length,
    billed: sum(result.lines.map((line) => line.billedAmount)),
    charged: sum([
      ...result.lines.map((line) => line.chargedAmount),
      ...result.unmapped.map((u) => u.chargedAmount),
    ]),
    cost: sum(result.lines.map((line) => line.cost)),
    margin: sum(result.lines.map((line) => line.margin)),
    unbilledRevenueLost: sum(unbilledRevenue),
    unmappedCharged: sum(result.unmapped.map((u) => u.chargedAmount)),
    variances: reasons.map((reason) => ({
      reason,
      count: byReason.get(reason)?.count ?? 0,
      amount: sum(byReason.get(reason)?.amounts ?? []),
    })),
  };
}
