/**
 * What each named query must answer where the site shows the same answer: the rows of the document the
 * dashboard or Behaviour page draws (the analyse and funnel jobs' output), in the query's columns. Shared by
 * the test on the fixtures and bench:sql on the real 1M purchases and the generated events.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ANALYTICS_DOCUMENTS, BEHAVIOUR_LAKE, analyticsKeyFor, type AnalyticsDocuments, type FunnelDocument, type FunnelRow } from '../../contract';

/** Rows as objects; numbers DuckDB hands over as strings (big integers, decimals) as numbers, ids kept as strings. */
export const answerObjects = (columns: string[], rows: unknown[][]): Record<string, unknown>[] =>
  rows.map((row) =>
    Object.fromEntries(columns.map((c, i) => [c, typeof row[i] === 'string' && /^-?\d+(\.\d+)?$/.test(row[i] as string) && !/_id$/.test(c) ? Number(row[i]) : row[i]])),
  );

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

export const readAnalytics = (lake: string): AnalyticsDocuments =>
  Object.fromEntries(ANALYTICS_DOCUMENTS.map((name) => [name, readJson(join(lake, analyticsKeyFor(name)))])) as unknown as AnalyticsDocuments;

export const readFunnel = (lake: string): FunnelDocument => readJson(join(lake, BEHAVIOUR_LAKE.funnelKey));

/** A funnel.json row in the named queries' columns. */
const funnelRow = (column: 'day' | 'hour' | 'category_id' | 'brand') => (r: FunnelRow) => ({
  [column]: String(r[column]),
  sessions: r.units,
  viewed: r.reached.view,
  carted: r.reached.cart,
  bought: r.reached.purchase,
  view_to_cart: r.conversion.view_to_cart,
  cart_to_purchase: r.conversion.cart_to_purchase,
  view_to_purchase: r.conversion.view_to_purchase,
  with_any_cart: r.with_any_cart,
  with_any_purchase: r.with_any_purchase,
  cart_abandonment: r.cart_abandonment,
});

/**
 * `rows`: what the document shows; `prefix`: the document lists the first rows only (top 10, the 100 most
 * viewed groups), so the answer must start with them. `key`: the group column the query answers as a number
 * and the document as a string (compared as strings).
 */
export interface Expected {
  rows: Record<string, unknown>[];
  prefix: boolean;
  key?: string;
}

export const PURCHASE_DOCUMENT_QUERIES = ['summary', 'monthly_revenue', 'revenue_by_customer', 'revenue_by_category', 'revenue_by_brand', 'orders_by_weekday_hour', 'purchase_frequency'] as const;
export const FUNNEL_DOCUMENT_QUERIES = ['session_funnel_by_day', 'session_funnel_by_hour', 'session_funnel_by_category', 'session_funnel_by_brand'] as const;

export const expectedFromAnalytics = (name: (typeof PURCHASE_DOCUMENT_QUERIES)[number], docs: AnalyticsDocuments): Expected => {
  switch (name) {
    case 'summary':
      return { rows: [docs.summary as unknown as Record<string, unknown>], prefix: false };
    case 'monthly_revenue':
      return { rows: docs.monthly_sales as unknown as Record<string, unknown>[], prefix: false };
    case 'revenue_by_customer':
      return { rows: docs.top_customers as unknown as Record<string, unknown>[], prefix: true };
    case 'revenue_by_category':
      return { rows: docs.top_categories as unknown as Record<string, unknown>[], prefix: true };
    case 'revenue_by_brand':
      return { rows: docs.top_brands as unknown as Record<string, unknown>[], prefix: true };
    case 'orders_by_weekday_hour':
      // The document has every weekday-hour cell; the query has the cells with orders.
      return { rows: docs.hour_weekday.filter((c) => c.orders > 0) as unknown as Record<string, unknown>[], prefix: false };
    case 'purchase_frequency':
      return { rows: docs.purchase_frequency as unknown as Record<string, unknown>[], prefix: false };
  }
};

export const expectedFromFunnel = (name: (typeof FUNNEL_DOCUMENT_QUERIES)[number], funnel: FunnelDocument): Expected => {
  const [key, column] = ({ session_funnel_by_day: ['by_day', 'day'], session_funnel_by_hour: ['by_hour', 'hour'], session_funnel_by_category: ['by_category', 'category_id'], session_funnel_by_brand: ['by_brand', 'brand'] } as const)[name];
  return { rows: funnel.session[key].map(funnelRow(column)), prefix: true, key: column };
};

/**
 * Ratios both SQL engines round to 6 places half away from zero, while the funnel job's Python rounds an exact
 * tie to even: 1/128 = 0.0078125 is 0.007813 in SQL and 0.007812 in funnel.json. Where the document's ratio is
 * 1e-6 from the answer's and the unrounded ratio is exactly such a tie, the answer counts as the document's.
 */
type Fraction = (row: Record<string, number>) => [number, number];
const RATIOS: Record<string, Fraction> = {
  view_to_cart: (r) => [r.carted, r.viewed],
  cart_to_purchase: (r) => [r.bought, r.carted],
  view_to_purchase: (r) => [r.bought, r.viewed],
  // Sessions with a cart and no purchase after it: a whole number of the sessions with a cart.
  cart_abandonment: (r) => [Math.round(r.cart_abandonment * r.with_any_cart), r.with_any_cart],
};
const isTie = ([part, whole]: [number, number]): boolean => whole > 0 && ((part / whole) * 1e6) % 1 === 0.5;
const tieRounded = (row: Record<string, unknown>, want: Record<string, unknown> | undefined): Record<string, unknown> => {
  if (!want) return row;
  const out = { ...row };
  for (const [ratio, fraction] of Object.entries(RATIOS)) {
    const [got, wanted] = [row[ratio], want[ratio]];
    if (typeof got === 'number' && typeof wanted === 'number' && Math.abs(got - wanted) <= 1.000001e-6 && isTie(fraction(row as Record<string, number>))) out[ratio] = wanted;
  }
  return out;
};

/** The answer's rows to compare with `expected.rows`: the leading ones when the document lists only those, group keys as strings. */
export const comparable = (answer: Record<string, unknown>[], expected: Expected): Record<string, unknown>[] =>
  (expected.prefix ? answer.slice(0, expected.rows.length) : answer)
    .map((r) => (expected.key ? { ...r, [expected.key]: String(r[expected.key]) } : r))
    .map((r, i) => tieRounded(r, expected.rows[i]));
