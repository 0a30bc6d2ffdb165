import { NCE_COLUMNS } from '../activities/vendor-files/formats.js';

/** One NCE reconciliation line: the figures that matter, the rest filled as Partner Center would. */
export interface NceCharge {
  customerId: string;
  customerName: string;
  domain: string;
  productId: string;
  skuId: string;
  skuName: string;
  chargeType: string;
  /** M/D/YYYY, as Partner Center writes dates. */
  chargeStart: string;
  chargeEnd: string;
  quantity: string;
  unitPrice: string;
  subtotal: string;
  subscriptionId?: string;
  currency?: string;
}

const quote = (value: string) => (/[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

export const nceHeader = `${NCE_COLUMNS.join(',')}\n`;

export function nceLine(charge: NceCharge): string {
  const values: Record<string, string> = {
    PartnerId: '0e195b37-4574-4539-bc42-0e539b9684c0',
    CustomerId: charge.customerId,
    CustomerName: charge.customerName,
    CustomerDomainName: charge.domain,
    CustomerCountry: 'NL',
    InvoiceNumber: 'G012345678',
    MpnId: '6034453',
    ResellerMpnId: '',
    OrderId: '0ET2qaZvJGfF9wgSKnWzR5JLmhp10lOc1',
    OrderDate: charge.chargeStart,
    ProductId: charge.productId,
    SkuId: charge.skuId,
    AvailabilityId: 'CFQ7TTC0LH0R',
    SkuName: charge.skuName,
    ProductName: charge.skuName,
    ChargeType: charge.chargeType,
    UnitPrice: charge.unitPrice,
    Quantity: charge.quantity,
    Subtotal: charge.subtotal,
    TaxTotal: '0',
    TotalForCustomer: charge.subtotal,
    Currency: charge.currency ?? 'EUR',
    PublisherName: 'Microsoft Corporation',
    PublisherId: '',
    SubscriptionDescription: charge.skuName,
    SubscriptionId: charge.subscriptionId ?? 'a7c6b3d0-9b4e-4f0e-9d8e-2a9a1f1e0c11',
    ChargeStartDate: charge.chargeStart,
    ChargeEndDate: charge.chargeEnd,
    TermAndBillingCycle: '1 Month Subscription',
    EffectiveUnitPrice: charge.unitPrice,
    UnitType: 'Licenses',
    AlternateId: 'f3a6c2b1e0d9',
    BillableQuantity: charge.quantity,
    BillingFrequency: 'Monthly',
    PricingCurrency: charge.currency ?? 'EUR',
    PCToBCExchangeRate: '1',
    PCToBCExchangeRateDate: charge.chargeStart,
    MeterDescription: '',
    ReservationOrderId: '',
    CreditReasonCode: charge.subtotal.startsWith('-') ? 'Partial cancellation' : '',
    SubscriptionStartDate: charge.chargeStart,
    SubscriptionEndDate: charge.chargeEnd,
    ReferenceId: '',
    ProductQualifiers: '',
    PromotionId: '',
    ProductCategory: 'Office',
  };
  return `${NCE_COLUMNS.map((column) => quote(values[column] ?? '')).join(',')}\n`;
}
