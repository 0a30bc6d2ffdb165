/**
 * The vendor files Monthend reads, and how one line of each becomes a vendor line. Columns of the
 * Microsoft Partner Center new-commerce invoice reconciliation file are documented at
 * https://learn.microsoft.com/en-us/partner-center/billing/modern-invoice-reconciliation-file
 */

export type VendorFileFormat = 'microsoft_nce' | 'generic';

/** A validated line, every figure still the exact decimal text the vendor wrote. */
export interface VendorLine {
  vendor: string;
  vendorCustomerId: string;
  vendorCustomerDomain: string | null;
  vendorCustomerName: string | null;
  vendorProductId: string;
  productName: string | null;
  chargeType: string | null;
  subscriptionId: string | null;
  chargeStart: string;
  chargeEnd: string;
  quantity: string;
  unitCost: string;
  amount: string;
  currency: string;
}

export interface LineError {
  line: number;
  column: string;
  reason: string;
}

/** Columns each format needs; a header lacking one is refused before any line is read. */
export const requiredColumns: Record<VendorFileFormat, readonly string[]> = {
  microsoft_nce: [
    'CustomerId',
    'ProductId',
    'SkuId',
    'ChargeType',
    'ChargeStartDate',
    'ChargeEndDate',
    'Quantity',
    'EffectiveUnitPrice',
    'Subtotal',
    'Currency',
  ],
  generic: [
    'vendor',
    'vendor_customer_id',
    'vendor_product_id',
    'quantity',
    'charge_start',
    'charge_end',
    'unit_cost',
    'amount',
    'currency',
  ],
};

/** The format a header names, by its required columns; undefined when it is neither. */
export function detectFormat(header: readonly string[]): VendorFileFormat | undefined {
  const names = new Set(header);
  if (requiredColumns.microsoft_nce.every((column) => names.has(column))) return 'microsoft_nce';
  if (requiredColumns.generic.every((column) => names.has(column))) return 'generic';
  return undefined;
}

const DECIMAL = /^[+-]?\d{1,14}(\.\d{1,6})?$/;
const QUANTITY = /^[+-]?\d{1,14}(\.\d{1,4})?$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+Z?)?$/;
// Partner Center writes US dates, with or without a time: 10/1/2026, 2/28/2019 23:59.
const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: [0-9:]+(?: ?[AP]M)?)?$/;
const CURRENCY = /^[A-Z]{3}$/;

/** A line reader for one format: pulls a column's text, checks it, and reports what is wrong. */
export function lineReader(format: VendorFileFormat, header: readonly string[], defaultVendor: string) {
  const index = new Map(header.map((name, i) => [name, i]));
  const column = format === 'microsoft_nce' ? nceColumns : genericColumns;
  // A file holds a handful of distinct dates: parse each once.
  const dates = new Map<string, string | undefined>();
  return (fields: readonly unknown[], line: number, errors: LineError[]): VendorLine | undefined => {
    const before = errors.length;
    const text = (name: string) => {
      const value = fields[index.get(name) ?? -1];
      if (value === undefined || value === null) return '';
      return typeof value === 'string' ? value.trim() : String(value);
    };
    const fail = (name: string, reason: string) => {
      errors.push({ line, column: name, reason });
    };
    const required = (name: string) => {
      const value = text(name);
      if (value === '') fail(name, 'required');
      return value;
    };
    const optional = (name: string) => (index.has(name) ? text(name) || null : null);
    const decimal = (name: string, shape: RegExp, what: string) => {
      const value = fields[index.get(name) ?? -1];
      // A JSON number has already lost its exact digits: money must arrive as text.
      if (typeof value === 'number' && !(shape === QUANTITY && Number.isSafeInteger(value))) {
        fail(name, `${what} as a decimal string, not a JSON number`);
        return '0';
      }
      const raw = required(name);
      if (raw === '') return '0';
      const cleaned = raw.replace(/,/g, '');
      if (!shape.test(cleaned)) {
        fail(name, `'${raw}' is not ${what}`);
        return '0';
      }
      return cleaned;
    };
    const day = (name: string) => {
      const raw = required(name);
      if (raw === '') return '';
      let parsed = dates.get(raw);
      if (parsed === undefined && !dates.has(raw)) {
        parsed = toIsoDate(raw);
        dates.set(raw, parsed);
      }
      if (parsed === undefined) fail(name, `'${raw}' is not a date (YYYY-MM-DD or M/D/YYYY)`);
      return parsed ?? '';
    };

    const c = column;
    const vendor = format === 'generic' ? required(c.vendor) : defaultVendor;
    const productId = required(c.productId);
    const skuId = format === 'microsoft_nce' ? text('SkuId') : '';
    const chargeStart = day(c.chargeStart);
    const chargeEnd = day(c.chargeEnd);
    // Microsoft: "use BillableQuantity for reconciliation"; older files only have Quantity.
    const quantityColumn =
      format === 'microsoft_nce' && text('BillableQuantity') !== '' ? 'BillableQuantity' : c.quantity;
    const line_: VendorLine = {
      vendor,
      vendorCustomerId: required(c.customerId),
      vendorCustomerDomain: format === 'microsoft_nce' ? optional('CustomerDomainName') : null,
      vendorCustomerName: optional(c.customerName),
      vendorProductId: skuId === '' ? productId : `${productId}:${skuId}`,
      productName: optional(c.productName) ?? (format === 'microsoft_nce' ? optional('ProductName') : null),
      chargeType: optional(c.chargeType),
      subscriptionId: optional(c.subscriptionId),
      chargeStart,
      chargeEnd,
      quantity: decimal(quantityColumn, QUANTITY, 'a quantity with at most 4 decimals'),
      unitCost: decimal(c.unitCost, DECIMAL, 'a decimal price with at most 6 decimals'),
      amount: decimal(c.amount, DECIMAL, 'a decimal amount with at most 6 decimals'),
      currency: required(c.currency),
    };
    if (line_.currency !== '' && !CURRENCY.test(line_.currency)) {
      fail(c.currency, `'${line_.currency}' is not an ISO 4217 code such as EUR`);
    }
    if (chargeStart !== '' && chargeEnd !== '' && chargeEnd < chargeStart) {
      fail(c.chargeEnd, `${chargeEnd} is before the charge start ${chargeStart}`);
    }
    return errors.length === before ? line_ : undefined;
  };
}

const nceColumns = {
  vendor: '',
  customerId: 'CustomerId',
  customerName: 'CustomerName',
  productId: 'ProductId',
  productName: 'SkuName',
  chargeType: 'ChargeType',
  subscriptionId: 'SubscriptionId',
  chargeStart: 'ChargeStartDate',
  chargeEnd: 'ChargeEndDate',
  quantity: 'Quantity',
  unitCost: 'EffectiveUnitPrice',
  amount: 'Subtotal',
  currency: 'Currency',
};

const genericColumns = {
  vendor: 'vendor',
  customerId: 'vendor_customer_id',
  customerName: 'vendor_customer_name',
  productId: 'vendor_product_id',
  productName: 'product_name',
  chargeType: 'charge_type',
  subscriptionId: 'subscription_id',
  chargeStart: 'charge_start',
  chargeEnd: 'charge_end',
  quantity: 'quantity',
  unitCost: 'unit_cost',
  amount: 'amount',
  currency: 'currency',
};

function toIsoDate(raw: string): string | undefined {
  let year: number;
  let month: number;
  let day: number;
  const iso = ISO_DATE.exec(raw);
  const us = iso ? null : US_DATE.exec(raw);
  if (iso) [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (us) [year, month, day] = [Number(us[3]), Number(us[1]), Number(us[2])];
  else return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return undefined;
  return date.toISOString().slice(0, 10);
}

/** The columns of a new-commerce reconciliation file as Partner Center writes them, in order. */
export const NCE_COLUMNS = [
  'PartnerId',
  'CustomerId',
  'CustomerName',
  'CustomerDomainName',
  'CustomerCountry',
  'InvoiceNumber',
  'MpnId',
  'ResellerMpnId',
  'OrderId',
  'OrderDate',
  'ProductId',
  'SkuId',
  'AvailabilityId',
  'SkuName',
  'ProductName',
  'ChargeType',
  'UnitPrice',
  'Quantity',
  'Subtotal',
  'TaxTotal',
  'TotalForCustomer',
  'Currency',
  'PublisherName',
  'PublisherId',
  'SubscriptionDescription',
  'SubscriptionId',
  'ChargeStartDate',
  'ChargeEndDate',
  'TermAndBillingCycle',
  'EffectiveUnitPrice',
  'UnitType',
  'AlternateId',
  'BillableQuantity',
  'BillingFrequency',
  'PricingCurrency',
  'PCToBCExchangeRate',
  'PCToBCExchangeRateDate',
  'MeterDescription',
  'ReservationOrderId',
  'CreditReasonCode',
  'SubscriptionStartDate',
  'SubscriptionEndDate',
  'ReferenceId',
  'ProductQualifiers',
  'PromotionId',
  'ProductCategory',
] as const;
