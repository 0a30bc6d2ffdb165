import { formatMoney } from '../format';
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
