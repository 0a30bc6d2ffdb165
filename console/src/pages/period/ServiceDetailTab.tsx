import { Anchor, Button, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import type { ColumnDef } from '@tanstack/react-table';
import { type FormEvent, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { components } from '../../api/schema';
import { DataGrid } from '../../components/DataGrid';
import { Money } from '../../components/Money';
import { QueryState } from '../../components/QueryState';
import { formatDate, formatDecimal } from '../../format';
import { type ItemFilters, useItems } from '../../hooks/views';

type Item = components['schemas']['Item'];
const PAGE = 200;

const columns: ColumnDef<Item, unknown>[] = [
  { header: 'Customer', id: 'customer', accessorFn: (item) => item.customer.name },
  { header: 'User', id: 'user', accessorFn: (item) => item.user?.name ?? '' },
  { header: 'Element', accessorKey: 'product' },
  { header: 'Kind', accessorKey: 'kind' },
  { header: 'Service', accessorKey: 'service' },
  { header: 'From', accessorKey: 'activeFrom', cell: (c) => formatDate(c.getValue() as string) },
  { header: 'To (excl.)', accessorKey: 'activeTo', cell: (c) => formatDate(c.getValue() as string) },
  { header: 'Days', id: 'days', accessorFn: (item) => `${item.daysActive}/${item.periodDays}` },
  { header: 'Qty', accessorKey: 'quantity', cell: (c) => formatDecimal(c.getValue() as string) },
  { header: 'SKU', id: 'sku', accessorFn: (item) => item.sku ?? 'unmapped' },
  { header: 'Unit price', accessorKey: 'unitPrice', cell: (c) => formatDecimal(c.getValue() as string) },
  { header: 'Amount', accessorKey: 'amount', cell: (c) => <Money amount={c.getValue() as string} /> },
  { header: 'Billable', id: 'billable', accessorFn: (item) => (item.billable ? 'yes' : 'no') },
  { header: 'Rule', id: 'rule', accessorFn: (item) => item.rule?.name ?? '' },
  {
    header: 'Explain',
    id: 'explain',
    enableSorting: false,
    cell: (c) => (
      <Anchor
        component={Link}
        to={`/items/${c.row.original.id}`}
        aria-label={`Explain item ${c.row.original.id}`}
      >
        Explain
      </Anchor>
    ),
  },
];

/**
 * Service Detail: every item, filtered and paged on the server (keyset by item id); the filters and
 * the page cursor are in the URL, so a view can be shared and the back button pages back.
 */
export function ServiceDetailTab({ period }: { period: string }) {
  const [search, setSearch] = useSearchParams();
  const filters: ItemFilters = {};
  for (const key of ['customer', 'sku', 'vendor'] as const) {
    const value = search.get(key);
    if (value) filters[key] = value;
  }
  const billable = search.get('billable');
  if (billable === 'true' || billable === 'false') filters.billable = billable;
  const after = Number(search.get('after') ?? 0) || 0;
  const items = useItems(period, filters, after, PAGE);
  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(search);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    setSearch(next);
  };
  return (
    <Stack>
      <Filters filters={filters} onApply={(changes) => update({ ...changes, after: null })} />
      <QueryState query={items} label="items">
        {(data) => (
          <Stack gap="xs">
            <DataGrid data={data.items} columns={columns} label="Service Detail" />
            <Group justify="space-between">
              <Text size="sm" c="dimmed">
                {data.items.length} items on this page{after ? ` (after item ${after})` : ''}
              </Text>
              <Group gap="xs">
                <Button variant="default" size="xs" disabled={!after} onClick={() => window.history.back()}>
                  Previous page
                </Button>
                <Button
                  variant="default"
                  size="xs"
                  disabled={data.next === null}
                  onClick={() => update({ after: String(data.next) })}
                >
                  Next page
                </Button>
              </Group>
            </Group>
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}

function Filters({
  filters,
  onApply,
}: {
  filters: ItemFilters;
  onApply: (changes: Record<string, string | null>) => void;
}) {
  const [customer, setCustomer] = useState(filters.customer ?? '');
  const [sku, setSku] = useState(filters.sku ?? '');
  const [vendor, setVendor] = useState(filters.vendor ?? '');
  const [billable, setBillable] = useState<string | null>(filters.billable ?? null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply({ customer: customer.trim(), sku: sku.trim(), vendor: vendor.trim(), billable });
  };
  return (
    <form onSubmit={submit} aria-label="Filter items">
      <Group align="flex-end" gap="xs">
        <TextInput
          label="Customer ref"
          value={customer}
          onChange={(e) => setCustomer(e.currentTarget.value)}
        />
        <TextInput label="SKU" value={sku} onChange={(e) => setSku(e.currentTarget.value)} />
        <TextInput label="Vendor" value={vendor} onChange={(e) => setVendor(e.currentTarget.value)} />
        <Select
          label="Billable"
          value={billable}
          onChange={setBillable}
          clearable
          data={[
            { value: 'true', label: 'Billable' },
            { value: 'false', label: 'Not billable' },
          ]}
        />
        <Button type="submit" variant="light">
          Apply filters
        </Button>
      </Group>
    </form>
  );
}
