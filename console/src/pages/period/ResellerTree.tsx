import { ActionIcon, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { Money } from '../../components/Money';
import { QueryState } from '../../components/QueryState';
import { type TotalsRow, useTotals } from '../../hooks/views';

/**
 * The customer tree with the reseller roll-up at every tier: each customer's own amount, and for a
 * reseller the total of its whole subtree; children are shown on demand.
 */
export function ResellerTree({ period }: { period: string }) {
  const totals = useTotals(period, 'customer');
  const rollup = useTotals(period, 'reseller');
  const [open, setOpen] = useState<Set<string>>(new Set());
  return (
    <QueryState
      query={totals}
      label="customer tree"
      isEmpty={(data) => data.totals.length === 0}
      empty="No customers have items in this period."
    >
      {(data) => {
        const subtree = new Map((rollup.data?.totals ?? []).map((row) => [row.customer.ref, row]));
        const children = new Map<string | null, TotalsRow[]>();
        for (const row of data.totals) {
          const list = children.get(row.parent) ?? [];
          list.push(row);
          children.set(row.parent, list);
        }
        const known = new Set(data.totals.map((row) => row.customer.ref));
        const roots = data.totals.filter((row) => row.parent === null || !known.has(row.parent));
        const visible: TotalsRow[] = [];
        const walk = (row: TotalsRow) => {
          visible.push(row);
          if (open.has(row.customer.ref))
            for (const child of children.get(row.customer.ref) ?? []) walk(child);
        };
        for (const root of roots) walk(root);
        const toggle = (ref: string) =>
          setOpen((current) => {
            const next = new Set(current);
            if (next.has(ref)) next.delete(ref);
            else next.add(ref);
            return next;
          });
        return (
          <Table aria-label="Customer tree with reseller roll-ups">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Customer</Table.Th>
                <Table.Th style={{ textAlign: 'right' }}>Items</Table.Th>
                <Table.Th style={{ textAlign: 'right' }}>Own amount</Table.Th>
                <Table.Th style={{ textAlign: 'right' }}>Reseller roll-up (subtree)</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {visible.map((row) => {
                const hasChildren = (children.get(row.customer.ref)?.length ?? 0) > 0;
                const expanded = open.has(row.customer.ref);
                return (
                  <Table.Tr key={row.customer.ref}>
                    <Table.Td style={{ paddingLeft: `${0.5 + row.depth * 1.5}rem` }}>
                      {hasChildren ? (
                        <ActionIcon
                          variant="subtle"
                          size="sm"
                          onClick={() => toggle(row.customer.ref)}
                          aria-expanded={expanded}
                          aria-label={`${expanded ? 'Collapse' : 'Expand'} ${row.customer.name}`}
                          mr={4}
                        >
                          {expanded ? '▾' : '▸'}
                        </ActionIcon>
                      ) : (
                        <Text span w={26} display="inline-block" />
                      )}
                      {row.customer.name}
                    </Table.Td>
                    <Table.Td style={{ textAlign: 'right' }}>{row.itemCount}</Table.Td>
                    <Table.Td style={{ textAlign: 'right' }}>
                      <Money amount={row.amount} />
                    </Table.Td>
                    <Table.Td style={{ textAlign: 'right' }}>
                      {subtree.has(row.customer.ref) ? (
                        <Money amount={subtree.get(row.customer.ref)?.amount} />
                      ) : (
                        '—'
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        );
      }}
    </QueryState>
  );
}
