import { formatMoney, formatUnitPrice } from '../format';
import { useSession } from '../hooks/session';

/** An amount in the tenant's currency and minor units, right-aligned digits. */
export function Money({ amount }: { amount: string | null | undefined }) {
  const { tenant } = useSession();
  return (
    <span style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
      {formatMoney(amount, tenant)}
    </span>
  );
}

export function useMoney(): (amount: string | null | undefined) => string {
  const { tenant } = useSession();
  return (amount) => formatMoney(amount, tenant);
}

/** A unit price in the tenant's currency, with all its significant decimals (never rounded). */
export function UnitPrice({ price }: { price: string | null | undefined }) {
  const { tenant } = useSession();
  return (
    <span style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
      {formatUnitPrice(price, tenant)}
    </span>
  );
}

export function useUnitPrice(): (price: string | null | undefined) => string {
  const { tenant } = useSession();
  return (price) => formatUnitPrice(price, tenant);
}
