import { useEffect, useState } from 'react';
import { Bar, BarChart, CartesianGrid, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis, Legend } from 'recharts';
import { ANALYTICS_DOCUMENTS, type AnalyticsDocuments } from '../../../contract';
import type { ApiClient, Failure } from '../api';
import { ChartFigure } from '../components/ChartFigure';
import { Heatmap } from '../components/Heatmap';
import { frequencyBars } from '../frequency';
import { CATEGORY_SEPARATOR, formatCategory, formatCompact, formatMoney, formatMoneyCompact, formatMonth, formatNumber } from '../format';

type Documents = Partial<AnalyticsDocuments>;
type Load = { state: 'loading' } | { state: 'done'; docs: Documents } | ({ state: 'error' } & Failure);

const BLUE = '#1f5f8b';
const ORANGE = '#d9822b';
const loadAll = async (api: ApiClient): Promise<Load> => {
  const results = await Promise.all(ANALYTICS_DOCUMENTS.map(async (name) => [name, await api.analytics(name)] as const));
  const unreachable = results.find(([, r]) => !r.ok && r.kind === 'unreachable');
  if (unreachable && !unreachable[1].ok) return { state: 'error', ...unreachable[1] };
  // A document the analyse job has not written yet (404) just leaves its chart empty.
  return { state: 'done', docs: Object.fromEntries(results.flatMap(([name, r]) => (r.ok ? [[name, r.data]] : []))) };
};

interface TopRow {
  /** The name on the axis and in the data table; a category is its whole path. */
  name: string;
  revenue: number;
  count: number;
}

/**
 * A bar's name on the axis: a category path on two lines (its parents, then its own
 * level), so the parent path is never dropped and the label fits the axis on a phone.
 */
const NameTick = ({ x, y, payload }: { x?: number; y?: number; payload?: { value: string } }) => {
  const name = payload?.value ?? '';
  const cut = name.lastIndexOf(CATEGORY_SEPARATOR);
  const lines = cut < 0 ? [name] : [name.slice(0, cut + CATEGORY_SEPARATOR.length - 1), name.slice(cut + CATEGORY_SEPARATOR.length)];
  return (
    <text x={x} y={y} textAnchor="end" className="name-tick" fontSize={12}>
      {lines.map((line, i) => (
        <tspan key={i} x={x} dx={-4} dy={i === 0 ? (lines.length === 1 ? 4 : -2) : 13} className={i === 0 && lines.length > 1 ? 'name-tick-parent' : undefined}>
          {line}
        </tspan>
      ))}
    </text>
  );
};

/** A top-10 list as horizontal revenue bars. */
const TopRevenue = ({ title, rows, nameLabel, countLabel }: { title: string; rows: TopRow[]; nameLabel: string; countLabel: string }) => (
  <ChartFigure
    title={title}
    rows={rows}
    columns={[
      { label: nameLabel, value: (r) => r.name },
      { label: 'Revenue', value: (r) => formatMoney(r.revenue) },
      { label: countLabel, value: (r) => formatNumber(r.count) },
    ]}
  >
    <ResponsiveContainer width="100%" height={Math.max(180, rows.length * 36 + 40)}>
      <BarChart data={rows} layout="vertical" margin={{ left: 8, right: 16 }}>
        <CartesianGrid horizontal={false} strokeDasharray="3 3" />
        <XAxis type="number" tickFormatter={formatMoneyCompact} />
        <YAxis type="category" dataKey="name" width={170} tick={<NameTick />} interval={0} />
        <Tooltip formatter={(v) => formatMoney(Number(v))} />
        <Bar dataKey="revenue" name="Revenue" fill={BLUE} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  </ChartFigure>
);

const Summary = ({ s }: { s: AnalyticsDocuments['summary'] }) => {
  // [label, shown, exact]: money is compact on the card (a store's revenue runs to nine digits), exact in its title.
  const items: [string, string, string][] = [
    ['Revenue', formatMoneyCompact(s.revenue), formatMoney(s.revenue)],
    ['Orders', formatNumber(s.orders), formatNumber(s.orders)],
    ['Units sold', formatNumber(s.units), formatNumber(s.units)],
    ['Average order', formatMoney(s.average_order_value), formatMoney(s.average_order_value)],
    ['Customers', formatNumber(s.customers), formatNumber(s.customers)],
    ['Products', formatNumber(s.products), formatNumber(s.products)],
  ];
  return (
    <section aria-label="Summary" className="summary">
      {items.map(([label, shown, exact]) => (
        <div key={label} className="card stat">
          <div className="stat-label">{label}</div>
          <div className="stat-value" title={exact}>
            {shown}
          </div>
        </div>
      ))}
      {s.first_day && s.last_day && (
        <p className="hint period">
          Purchases from {s.first_day} to {s.last_day}.
        </p>
      )}
    </section>
  );
};

export const Dashboard = ({ api }: { api: ApiClient }) => {
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    void loadAll(api).then((l) => live && setLoad(l));
    return () => {
      live = false;
    };
  }, [api]);

  return (
    <section aria-labelledby="dash-title" aria-busy={load.state === 'loading'}>
      <h1 id="dash-title">Dashboard</h1>
      <p className="lede">Where the business is going, from the latest pipeline run.</p>
      {load.state === 'loading' && (
        <p className="notice" role="status">
          Loading the analytics…
        </p>
      )}
      {load.state === 'error' && (
        <p className="notice notice-error" role="alert">
          <strong>The analytics cannot be loaded</strong> from <span className="mono">{api.baseUrl}</span>: {load.message}
        </p>
      )}
      {load.state === 'done' && <Charts docs={load.docs} />}
    </section>
  );
};

const Charts = ({ docs }: { docs: Documents }) => {
  const monthly = (docs.monthly_sales ?? []).map((m) => ({ ...m, label: formatMonth(m.month) }));
  const customers = (docs.top_customers ?? []).map((c) => ({ name: c.user_id, revenue: c.revenue, count: c.orders }));
  const categories = (docs.top_categories ?? []).map((c) => ({ name: formatCategory(c.category_code), revenue: c.revenue, count: c.units }));
  const brands = (docs.top_brands ?? []).map((b) => ({ name: b.brand, revenue: b.revenue, count: b.units }));
  const frequency = frequencyBars(docs.purchase_frequency ?? []);
  const heat = docs.hour_weekday ?? [];
  return (
    <>
      {docs.summary && <Summary s={docs.summary} />}
      <div className="grid">
        <ChartFigure
          wide
          title="Monthly revenue and orders"
          rows={monthly}
          columns={[
            { label: 'Month', value: (m) => m.label },
            { label: 'Revenue', value: (m) => formatMoney(m.revenue) },
            { label: 'Orders', value: (m) => formatNumber(m.orders) },
            { label: 'Units', value: (m) => formatNumber(m.units) },
          ]}
        >
          <ResponsiveContainer width="100%" height={300}>
            <ComposedChart data={monthly} margin={{ right: 8 }}>
              <CartesianGrid vertical={false} strokeDasharray="3 3" />
              <XAxis dataKey="label" tick={{ fontSize: 12 }} />
              <YAxis yAxisId="revenue" tickFormatter={formatMoneyCompact} />
              <YAxis yAxisId="orders" orientation="right" tickFormatter={formatCompact} />
              <Tooltip formatter={(v, n) => (n === 'Revenue' ? formatMoney(Number(v)) : formatNumber(Number(v)))} />
              <Legend />
              <Bar yAxisId="revenue" dataKey="revenue" name="Revenue" fill={BLUE} isAnimationActive={false} />
              <Line yAxisId="orders" dataKey="orders" name="Orders" stroke={ORANGE} strokeWidth={2} isAnimationActive={false} />
            </ComposedChart>
          </ResponsiveContainer>
        </ChartFigure>

        <ChartFigure
          wide
          title="Orders by weekday and hour (UTC)"
          rows={heat}
          columns={[
            { label: 'Weekday', value: (c) => String(c.weekday) },
            { label: 'Hour', value: (c) => String(c.hour) },
            { label: 'Orders', value: (c) => formatNumber(c.orders) },
          ]}
        >
          <Heatmap cells={heat} />
        </ChartFigure>

        <TopRevenue title="Top 10 customers by spend" rows={customers} nameLabel="User id" countLabel="Orders" />

        <ChartFigure
          title="How often customers order"
          rows={frequency}
          columns={[
            { label: 'Orders per customer', value: (f) => f.label },
            { label: 'Customers', value: (f) => formatNumber(f.customers) },
          ]}
        >
          <ResponsiveContainer width="100%" height={240}>
            <BarChart data={frequency}>
              <CartesianGrid vertical={false} strokeDasharray="3 3" />
              <XAxis dataKey="label" label={{ value: 'orders per customer', position: 'insideBottom', offset: -2, fontSize: 12 }} height={40} />
              <YAxis tickFormatter={formatCompact} />
              <Tooltip formatter={(v) => formatNumber(Number(v))} />
              <Bar dataKey="customers" name="Customers" fill={ORANGE} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </ChartFigure>
        <TopRevenue title="Top categories by revenue" rows={categories} nameLabel="Category" countLabel="Units" />
        <TopRevenue title="Top brands by revenue" rows={brands} nameLabel="Brand" countLabel="Units" />
      </div>
    </>
  );
};
