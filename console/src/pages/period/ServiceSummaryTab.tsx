import type { ColumnDef } from '@tanstack/react-table';
import type { components } from '../../api/schema';
import { DataGrid } from '../../components/DataGrid';
import { QueryState } from '../../components/QueryState';
import { useServiceSummary } from '../../hooks/views';

type Row = components['schemas']['ServiceSummaryRow'];

const columns: ColumnDef<Row, unknown>[] = [
  { header: 'Customer', accessorFn: (row) => row.customer.name, id: 'customer' },
  { header: 'Service', accessorKey: 'service' },
  { header: 'At start', accessorKey: 'atStart' },
  { header: 'Added', accessorKey: 'added' },
  { header: 'Removed', accessorKey: 'removed' },
  { header: 'At end', accessorKey: 'atEnd' },
];

/** Service Summary: per customer and service, the count at start, added, removed and at end. */
export function ServiceSummaryTab({ period }: { period: string }) {
  const summary = useServiceSummary(period);
  return (
    <QueryState
      query={summary}
      label="service summary"
      isEmpty={(data) => data.rows.length === 0}
      empty="No services in this period: check the change log was ingested, then reprocess."
    >
      {(data) => <DataGrid data={data.rows} columns={columns} label="Service Summary" />}
    </QueryState>
  );
}
