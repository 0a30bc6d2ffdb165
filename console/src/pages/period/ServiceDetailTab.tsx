import { Anchor, Button, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import type { ColumnDef } from '@tanstack/react-table';
import { type FormEvent, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { components } from '../../api/schema';
import { DataGrid } from '../../components/DataGrid';
import { Money, UnitPrice } from '../../components/Money';
import { QueryState } from '../../components/QueryState';
import { formatDate, formatDecimal } from '../../format';
import { type GridQuery, type GridSort, useServiceDetail } from '../../hooks/views';

type Row = components['schemas']['ServiceDetailGridRow'];
const PAGE = 200;
const SORTS: { value: GridSort; label: string }[] = [
  { value: 'id', label: 'Item id' },
  { value: '-amount', label: 'Amount, largest first' },
  { value: 'amount', label: 'Amount, smallest first' },
  { value: 'customer', label: 'Customer A–Z' },
  { value: '-customer', label: 'Customer Z–A' },
];

const EXPLAIN: ColumnDef<Row, unknown> = {
  header: 'Explain',
  id: 'explain',
  cell: (c) => (
    <Anchor
      component={Link}
      to={`/items/${c.row.original.itemId}`}
      aria-label={`Explain item ${c.row.original.itemId}`}
    >
      Explain
    </Anchor>
  ),
};

const baseColumns: ColumnDef<Row, unknown>[] = [
  { header: 'Customer', accessorKey: 'customerName' },
  { header: 'User', id: 'user', accessorFn: (row) => row.userName ?? '' },
  { header: 'Element', id: 'element', accessorFn: (row) => `${row.elementName} (${row.elementKind})` },
  { header: 'Service', accessorKey: 'service' },
  { header: 'Product', accessorKey: 'product' },
  { header: 'From', accessorKey: 'activeFrom', cell: (c) => formatDate(c.getValue() as string) },
  { header: 'To (excl.)', accessorKey: 'activeTo', cell: (c) => formatDate(c.getValue() as string) },
  { header: 'Days', id: 'days', accessorFn: (row) => `${row.daysActive}/${row.periodDays}` },
  { header: 'Qty', accessorKey: 'quantity', cell: (c) => formatDecimal(c.getValue() as string) },
  { header: 'SKU', id: 'sku', accessorFn: (row) => row.skuCode ?? 'unmapped' },
  {
    header: 'Unit price',
    accessorKey: 'unitPrice',
    cell: (c) => <UnitPrice price={c.getValue() as string} />,
  },
  {
    header: 'Discount %',
    accessorKey: 'discountPercent',
    cell: (c) => formatDecimal(c.getValue() as string),
  },
  { header: 'Amount', accessorKey: 'amount', cell: (c) => <Money amount={c.getValue() as string} /> },
  { header: 'Billable', id: 'billable', accessorFn: (row) => (row.billable ? 'yes' : 'no') },
  { header: 'Rule', id: 'rule', accessorFn: (row) => row.ruleName ?? '' },
];

/** Staff get each item's cost and margin from the API; a customer's rows carry neither field. */
const costColumns: ColumnDef<Row, unknown>[] = [
  {
    header: 'Cost',
    id: 'cost',
    accessorFn: (row) => row.cost,
    cell: (c) => <Money amount={c.getValue() as string | null} />,
  },
  {
    header: 'Margin',
    id: 'margin',
    accessorFn: (row) => row.margin,
    cell: (c) => <Money amount={c.getValue() as string | null} />,
  },
];

const columnsFor = (rows: Row[]) =>
  rows.some((row) => row.cost !== undefined)
    ? [...baseColumns, ...costColumns, EXPLAIN]
    : [...baseColumns, EXPLAIN];

/**
 * Service Detail: every item, filtered, searched, sorted and keyset-paged by the API; the filters,
 * the order and the page cursor live in the URL, so a view can be shared and Back pages back.
 */
export function ServiceDetailTab({ period }: { period: string }) {
  const [search, setSearch] = useSearchParams();
  const query: GridQuery = {};
  for (const key of ['customer', 'sku', 'vendor', 'q', 'cursor'] as const) {
    const value = search.get(key);
    if (value) query[key] = value;
  }
  const billable = search.get('billable');
  if (billable === 'true' || billable === 'false') query.billable = billable;
  const sort = SORTS.find((s) => s.value === search.get('sort'))?.value;
  if (sort) query.sort = sort;
  const page = useServiceDetail(period, query, PAGE);
  const update = (changes: Record<string, string | null | undefined>) => {
    const next = new URLSearchParams(search);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    setSearch(next);
  };
  return (
    <Stack>
      <Filters filters={query} onApply={(changes) => update({ ...changes, cursor: null })} />
      <QueryState query={page} label="items">
        {(data) => (
          <Stack gap="xs">
            <DataGrid
              data={data.rows}
              columns={columnsFor(data.rows)}
              label="Service Detail"
              sortable={false}
            />
            <Group justify="space-between">
              <Text size="sm" c="dimmed">
                {data.rows.length} items on this page{query.cursor ? ' (not the first)' : ''}
              </Text>
              <Group gap="xs">
                <Button
                  variant="default"
                  size="xs"
                  disabled={!query.cursor}
                  onClick={() => window.history.back()}
                >
                  Previous page
                </Button>
                <Button
                  variant="default"
                  size="xs"
                  disabled={data.cursor === null}
                  onClick={() => update({ cursor: data.cursor })}
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
  filters: GridQuery;
  onApply: (changes: Record<string, string | null>) => void;
}) {
  const [q, setQ] = useState(filters.q ?? '');
  const [sort, setSort] = useState<string | null>(filters.sort ?? 'id');
  const short = q.trim().length > 0 && q.trim().length < 3;
  const [customer, setCustomer] = useState(filters.customer ?? '');
  const [sku, setSku] = useState(filters.sku ?? '');
  const [vendor, setVendor] = useState(filters.vendor ?? '');
  const [billable, setBillable] = useState<string | null>(filters.billable ?? null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (short) return;
    onApply({
      q: q.trim(),
      customer: customer.trim(),
      sku: sku.trim(),
      vendor: vendor.trim(),
      billable,
      sort,
    });
  };
  return (
    <form onSubmit={submit} aria-label="Filter items">
      <Group align="flex-start" gap="xs">
        <TextInput
          label="Search names"
          placeholder="customer, user or element"
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
          error={short ? 'at least 3 characters' : undefined}
        />
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
        <Select label="Sort by" value={sort} onChange={setSort} data={SORTS} allowDeselect={false} />
        <Button type="submit" variant="outline" mt={24}>
          Apply filters
        </Button>
      </Group>
    </form>
  );
}
