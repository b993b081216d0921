/**
 * The named queries analysts start from (issue 25): Athena's named queries in the workgroup (lib/athena.ts)
 * and `recstream sql --named NAME` in the twin (local/sql/), one SQL text each over the tables of
 * contract/catalog.ts. The text is written in the part of SQL that Athena engine 3 (Trino) and DuckDB both
 * run; the one Trino function DuckDB lacks, `day_of_week` (ISO, 1 = Monday), the twin defines as a macro
 * (local/sql/twin.ts DUCKDB_MACROS). test/sql/ runs every query in the twin on the real jobs' output and
 * compares it with the document the dashboard or Behaviour page draws from the same data, to the cent.
 *
 * Money: sums of `price * quantity` are exact decimals, rounded to cents as the analyse job rounds them;
 * ratios are doubles rounded to 6 places, as the funnel job rounds them except on an exact tie (1/128 =
 * 0.0078125): SQL rounds it away from zero, Python to even, one unit apart in the 6th place.
 */
export interface NamedQuery {
  name: string;
  /** What it answers, in an analyst's words (Athena shows it beside the name). */
  description: string;
  /** Where the site shows the same answer, if it does: a test compares the two. */
  shownOn: string | null;
  sql: string;
}

/** Every curated line item, dated or not: totals, customers, brands and categories count the undated ones too (as the dashboard does). */
const LINE_ITEMS = `line_items AS (
  SELECT order_id, product_id, category_code, brand, price, quantity, user_id, event_time FROM purchases
  UNION ALL
  SELECT order_id, product_id, category_code, brand, price, quantity, user_id, event_time FROM purchases_undated
)`;

/** Every line item's revenue and units per value of `column` (its unknown values left out), most revenue first. */
const revenueAndUnitsBy = (column: string) => `WITH ${LINE_ITEMS}
SELECT ${column}, round(sum(price * quantity), 2) AS revenue, sum(quantity) AS units
FROM line_items
WHERE ${column} IS NOT NULL
GROUP BY ${column}
ORDER BY sum(price * quantity) DESC, ${column}`;

const ratio = (part: string, whole: string) => `round(CAST(${part} AS double) / nullif(${whole}, 0), 6)`;

/**
 * The session funnel of emr-jobs/behaviour_jobs/funnel.py, one row per group: a session reaches view when it
 * has a view, cart when it has a cart at or after its first view, purchase when it has a purchase at or after
 * that cart; cart abandonment is sessions with any cart and no purchase at or after their first cart, over
 * sessions with any cart. `grouped` selects the events with their group as `grp`: a session counts once per
 * group it has events in, with those events only.
 */
const sessionFunnel = (column: string, grouped: string, orderBy: string) => `WITH scoped AS (
  ${grouped}
), unit AS (
  SELECT session_id, grp,
    min(CASE WHEN event_type = 'view' THEN event_ts END) AS viewed_at,
    min(CASE WHEN event_type = 'cart' THEN event_ts END) AS first_cart,
    min(CASE WHEN event_type = 'purchase' THEN event_ts END) AS first_purchase
  FROM scoped GROUP BY session_id, grp
), carted AS (
  SELECT u.session_id, u.grp, min(e.event_ts) AS carted_at
  FROM unit u JOIN scoped e ON e.session_id = u.session_id AND e.grp = u.grp
  WHERE e.event_type = 'cart' AND e.event_ts >= u.viewed_at
  GROUP BY u.session_id, u.grp
), bought AS (
  SELECT c.session_id, c.grp, min(e.event_ts) AS bought_at
  FROM carted c JOIN scoped e ON e.session_id = c.session_id AND e.grp = c.grp
  WHERE e.event_type = 'purchase' AND e.event_ts >= c.carted_at
  GROUP BY c.session_id, c.grp
), kept AS (
  SELECT DISTINCT u.session_id, u.grp
  FROM unit u JOIN scoped e ON e.session_id = u.session_id AND e.grp = u.grp
  WHERE e.event_type = 'purchase' AND e.event_ts >= u.first_cart
)
SELECT u.grp AS ${column},
  count(*) AS sessions,
  count(u.viewed_at) AS viewed,
  count(c.carted_at) AS carted,
  count(b.bought_at) AS bought,
  ${ratio('count(c.carted_at)', 'count(u.viewed_at)')} AS view_to_cart,
  ${ratio('count(b.bought_at)', 'count(c.carted_at)')} AS cart_to_purchase,
  ${ratio('count(b.bought_at)', 'count(u.viewed_at)')} AS view_to_purchase,
  count(u.first_cart) AS with_any_cart,
  count(u.first_purchase) AS with_any_purchase,
  ${ratio('count(u.first_cart) - count(k.session_id)', 'count(u.first_cart)')} AS cart_abandonment
FROM unit u
LEFT JOIN carted c ON c.session_id = u.session_id AND c.grp = u.grp
LEFT JOIN bought b ON b.session_id = u.session_id AND b.grp = u.grp
LEFT JOIN kept k ON k.session_id = u.session_id AND k.grp = u.grp
GROUP BY u.grp
ORDER BY ${orderBy}`;

export const NAMED_QUERIES: readonly NamedQuery[] = [
  {
    name: 'summary',
    description: 'Orders, units, revenue, customers, products, average order value and the first and last day of the data.',
    shownOn: 'Dashboard: the summary figures (analytics/summary.json)',
    sql: `WITH ${LINE_ITEMS}
SELECT count(DISTINCT order_id) AS orders,
  sum(quantity) AS units,
  round(sum(price * quantity), 2) AS revenue,
  count(DISTINCT user_id) AS customers,
  count(DISTINCT product_id) AS products,
  round(CAST(sum(price * quantity) AS double) / count(DISTINCT order_id), 2) AS average_order_value,
  CAST(CAST(min(event_time) AS date) AS varchar) AS first_day,
  CAST(CAST(max(event_time) AS date) AS varchar) AS last_day
FROM line_items`,
  },
  {
    name: 'monthly_revenue',
    description: 'Revenue, orders and units per month (line items with a known time).',
    shownOn: 'Dashboard: monthly sales (analytics/monthly_sales.json)',
    sql: `SELECT month, round(sum(price * quantity), 2) AS revenue, count(DISTINCT order_id) AS orders, sum(quantity) AS units
FROM purchases
GROUP BY month
ORDER BY month`,
  },
  {
    name: 'revenue_by_customer',
    description: 'Every known customer by revenue, with orders and units (the dashboard lists the first 10).',
    shownOn: 'Dashboard: top customers (analytics/top_customers.json)',
    sql: `WITH ${LINE_ITEMS}
SELECT user_id, round(sum(price * quantity), 2) AS revenue, count(DISTINCT order_id) AS orders, sum(quantity) AS units
FROM line_items
WHERE user_id IS NOT NULL
GROUP BY user_id
ORDER BY sum(price * quantity) DESC, user_id`,
  },
  {
    name: 'revenue_by_category',
    description: 'Revenue and units per category (the dashboard lists the first 10).',
    shownOn: 'Dashboard: top categories (analytics/top_categories.json)',
    sql: revenueAndUnitsBy('category_code'),
  },
  {
    name: 'revenue_by_brand',
    description: 'Revenue and units per brand (the dashboard lists the first 10).',
    shownOn: 'Dashboard: top brands (analytics/top_brands.json)',
    sql: revenueAndUnitsBy('brand'),
  },
  {
    name: 'orders_by_weekday_hour',
    description: 'Orders per weekday (1 = Monday) and hour (UTC); cells without orders are absent.',
    shownOn: 'Dashboard: orders by weekday and hour (analytics/hour_weekday.json)',
    sql: `SELECT day_of_week(event_time) AS weekday, hour(event_time) AS hour, count(DISTINCT order_id) AS orders
FROM purchases
GROUP BY 1, 2
ORDER BY 1, 2`,
  },
  {
    name: 'purchase_frequency',
    description: 'How many customers placed 1, 2, 3 ... orders.',
    shownOn: 'Dashboard: purchase frequency (analytics/purchase_frequency.json)',
    sql: `WITH ${LINE_ITEMS}, per_customer AS (
  SELECT user_id, count(DISTINCT order_id) AS orders FROM line_items WHERE user_id IS NOT NULL GROUP BY user_id
)
SELECT orders, count(*) AS customers
FROM per_customer
GROUP BY orders
ORDER BY orders`,
  },
  {
    name: 'session_funnel_by_day',
    description: 'The session funnel (view, cart at or after it, purchase at or after that) per day a session started (UTC), with conversion and cart abandonment.',
    shownOn: 'Behaviour: funnel by day, sessions (analytics/behaviour/funnel.json session.by_day)',
    sql: sessionFunnel('day', 'SELECT *, CAST(min(event_ts) OVER (PARTITION BY session_id) AS date) AS grp FROM events', 'u.grp'),
  },
  {
    name: 'session_funnel_by_hour',
    description: 'The session funnel per hour (UTC, 0-23) a session started.',
    shownOn: 'Behaviour: funnel by hour, sessions (analytics/behaviour/funnel.json session.by_hour)',
    sql: sessionFunnel('hour', 'SELECT *, hour(min(event_ts) OVER (PARTITION BY session_id)) AS grp FROM events', 'u.grp'),
  },
  {
    name: 'session_funnel_by_category',
    description: 'The session funnel per category id: a session counts in each category it has events in.',
    shownOn: 'Behaviour: funnel by category, sessions (analytics/behaviour/funnel.json session.by_category)',
    sql: sessionFunnel('category_id', 'SELECT *, category_id AS grp FROM events WHERE category_id IS NOT NULL', 'count(u.viewed_at) DESC, u.grp'),
  },
  {
    name: 'session_funnel_by_brand',
    description: 'The session funnel per brand: a session counts in each brand it has events in.',
    shownOn: 'Behaviour: funnel by brand, sessions (analytics/behaviour/funnel.json session.by_brand)',
    sql: sessionFunnel('brand', 'SELECT *, brand AS grp FROM events WHERE brand IS NOT NULL', 'count(u.viewed_at) DESC, u.grp'),
  },
  {
    name: 'viewed_not_bought',
    description: 'Products viewed in the most sessions that no session ever bought.',
    shownOn: null,
    sql: `SELECT product_id, max(category_code) AS category_code, max(brand) AS brand, count(DISTINCT session_id) AS viewing_sessions
FROM events
WHERE event_type = 'view'
  AND product_id NOT IN (SELECT product_id FROM events WHERE event_type = 'purchase')
GROUP BY product_id
ORDER BY viewing_sessions DESC, product_id
LIMIT 100`,
  },
  {
    name: 'viewers_who_never_bought',
    description: 'Shoppers who viewed products in the most sessions and never bought, with their views, carts and last event.',
    shownOn: null,
    sql: `SELECT user_id, count(DISTINCT session_id) AS sessions, count_if(event_type = 'view') AS views, count_if(event_type = 'cart') AS carts, max(event_ts) AS last_event
FROM events
WHERE user_id IS NOT NULL
GROUP BY user_id
HAVING count_if(event_type = 'view') > 0 AND count_if(event_type = 'purchase') = 0
ORDER BY sessions DESC, views DESC, user_id
LIMIT 100`,
  },
  {
    name: 'repeat_customers',
    description: 'Known customers with one order and with two or more, and the share and revenue of the repeat ones.',
    shownOn: null,
    sql: `WITH ${LINE_ITEMS}, per_customer AS (
  SELECT user_id, count(DISTINCT order_id) AS orders, sum(price * quantity) AS revenue FROM line_items WHERE user_id IS NOT NULL GROUP BY user_id
)
SELECT count(*) AS customers,
  count_if(orders >= 2) AS repeat_customers,
  ${ratio('count_if(orders >= 2)', 'count(*)')} AS repeat_share,
  round(sum(CASE WHEN orders >= 2 THEN revenue ELSE 0 END), 2) AS repeat_revenue,
  round(sum(revenue), 2) AS revenue
FROM per_customer`,
  },
  {
    name: 'cohort_by_first_month',
    description: 'Known customers by the month of their first dated purchase, and how many bought again 1, 2 and 3 months later.',
    shownOn: null,
    sql: `WITH active AS (
  SELECT DISTINCT user_id, month FROM purchases WHERE user_id IS NOT NULL
), first AS (
  SELECT user_id, min(month) AS cohort FROM active GROUP BY user_id
), aged AS (
  SELECT f.cohort, a.user_id,
    date_diff('month', CAST(f.cohort || '-01' AS date), CAST(a.month || '-01' AS date)) AS months_later
  FROM active a JOIN first f ON f.user_id = a.user_id
)
SELECT cohort,
  count(DISTINCT user_id) AS customers,
  count(DISTINCT CASE WHEN months_later = 1 THEN user_id END) AS month_1,
  count(DISTINCT CASE WHEN months_later = 2 THEN user_id END) AS month_2,
  count(DISTINCT CASE WHEN months_later = 3 THEN user_id END) AS month_3
FROM aged
GROUP BY cohort
ORDER BY cohort`,
  },
];

export const namedQuery = (name: string): NamedQuery | undefined => NAMED_QUERIES.find((q) => q.name === name);
