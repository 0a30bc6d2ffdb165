import type { ReactNode } from 'react';
import {
  BarChart,
  CartesianGrid,
  Legend,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

/**
 * A chart of figures per month, named for screen readers, with the grid, axes, tooltip and legend
 * every management chart shares; `children` are its bars or lines. The exact figures are in the
 * table shown beside it: a chart plots approximate numbers.
 */
export function MonthChart({
  label,
  kind,
  data,
  children,
}: {
  label: string;
  kind: 'bar' | 'line';
  data: Record<string, unknown>[];
  children: ReactNode;
}) {
  const Chart = kind === 'bar' ? BarChart : LineChart;
  return (
    <figure style={{ margin: 0 }} aria-label={label}>
      <ResponsiveContainer width="100%" height={260}>
        <Chart data={data}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="month" />
          <YAxis />
          <Tooltip />
          <Legend />
          {children}
        </Chart>
      </ResponsiveContainer>
    </figure>
  );
}
