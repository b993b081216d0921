/** Shapes of the analytics documents the analyse job writes and the dashboard draws. */

/**
 * The currency of every price and money figure (ISO 4217), as the site shows them. The
 * purchases carry bare decimals and the bundled REES46 data does not name its currency:
 * US dollars is this project's assumption (README), one line to change for another store.
 */
export const STORE_CURRENCY = 'USD';

/**
 * Shapes of the analytics documents (`analyticsKeyFor(name)`), written by the
 * analyse job and drawn by the dashboard. Money is a JSON number in the store's
 * currency, rounded to cents; months are `YYYY-MM`.
 */
export interface AnalyticsSummary {
  orders: number;
  units: number;
  revenue: number;
  customers: number;
  products: number;
  average_order_value: number;
  first_day: string;
  last_day: string;
}
export interface MonthlySales { month: string; revenue: number; orders: number; units: number }
export interface TopCustomer { user_id: string; revenue: number; orders: number; units: number }
export interface TopCategory { category_code: string; revenue: number; units: number }
export interface TopBrand { brand: string; revenue: number; units: number }
/** `weekday` 1 = Monday … 7 = Sunday (ISO), `hour` 0–23 in UTC. */
export interface HourWeekdayCell { weekday: number; hour: number; orders: number }
/** How many customers placed `orders` orders. */
export interface PurchaseFrequencyBucket { orders: number; customers: number }
export interface AnalyticsDocuments {
  summary: AnalyticsSummary;
  monthly_sales: MonthlySales[];
  top_customers: TopCustomer[];
  top_categories: TopCategory[];
  top_brands: TopBrand[];
  hour_weekday: HourWeekdayCell[];
  purchase_frequency: PurchaseFrequencyBucket[];
}
