"""analyse: curated purchases -> one small JSON document per dashboard chart.

Shapes follow contract/ (AnalyticsDocuments): arrays of flat records, money as
numbers rounded to cents, months `YYYY-MM`, ISO weekdays 1 = Monday, hours in UTC.
Undated line items (1970 times) count in totals, customers, categories and brands but
not in monthly_sales, hour_weekday or first_day/last_day.

The documents are built from per-month partial aggregates (`partials`: one Spark query over the
line items, every grouping set also grouped by month), merged over the months (`merged`: sums, and
distinct customers and products by their keys) and collected to the driver, where small pure
functions shape each document. The nightly run keeps the partials by month (LAKE
analyticsPartialsPrefix) and recomputes only the months clean rewrote (`update`): its cost is the
changed months plus the partials, not the whole history. Distinct orders are counted per month and
summed: an order whose line items fall in two months counts once in each (as monthly_sales always
counted it); neither the fixture nor the real data has such an order (test_analyse_*).
A query per document ran 21-25 Spark jobs (AQE runs every shuffle stage as its own job), 0.05-0.3 s
each even on a 5-row input; the partials and their merge run a handful.
"""
from collections import Counter, defaultdict

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from . import io, partitions
from .contract import ANALYTICS_DOCUMENTS
from .progress import progress

TOP_N = 10
log = progress("analyse")

# Every key column, in the order of the query's GROUP BY (grouping_id() numbers the sets by it).
KEYS = ("order_id", "dated", "month", "user_id", "weekday", "hour", "category_code", "brand", "product_id")

# The grouping sets, by the name the documents know them by, each per month too. Distinct orders are
# counted in two levels instead of with COUNT(DISTINCT): the first level groups each set that needs
# them per order too, the second counts those order rows. Spark's own rewrite of COUNT(DISTINCT) under
# grouping sets expands every line item once more per distinct column: measured on the 1M-row
# data (second run in one application, load ~2), 7.0 s with one distinct column and 10 s with
# three, against 4.7 s for the two levels.
SETS = {
    "total": ("month", "order_id"),
    # `dated` keeps undated line items (null event_time) apart from any real month.
    "month": ("dated", "month", "order_id"),
    "user": ("month", "user_id", "order_id"),
    "hour": ("month", "weekday", "hour", "order_id"),
    "category": ("month", "category_code"),
    "brand": ("month", "brand"),
    # One row per product and month; the merge counts distinct products over them.
    "product": ("month", "product_id"),
}
# What the merge groups by: every key but the order (counted) and the product (counted distinct); the month
# only in the set that reports it.
MERGED_KEYS = tuple(k for k in KEYS if k not in ("order_id", "product_id"))

CURATED_VIEW = "recstream_analyse_curated"
QUERY = """
SELECT gid, {outer_keys},
  sum(revenue) AS revenue, sum(units) AS units, count(order_id) AS orders,
  date_format(min(first), 'yyyy-MM-dd') AS first_day, date_format(max(last), 'yyyy-MM-dd') AS last_day
FROM (
  SELECT {keys}, grouping_id() AS gid,
    sum(price * quantity) AS revenue, sum(quantity) AS units, min(event_time) AS first, max(event_time) AS last
  FROM (
    SELECT *, event_time IS NOT NULL AS dated,
      -- Spark's dayofweek is 1 = Sunday; the contract uses ISO (1 = Monday ... 7 = Sunday).
      (dayofweek(event_time) + 5) % 7 + 1 AS weekday, hour(event_time) AS hour
    FROM {view}
  )
  GROUP BY {keys} GROUPING SETS ({sets})
)
GROUP BY gid, {outer_keys}
"""


def grouping_id(columns):
    """Spark's grouping_id() of a set: one bit per KEYS column, first column highest, 1 = not grouped."""
    return sum(1 << (len(KEYS) - 1 - i) for i, key in enumerate(KEYS) if key not in columns)


SET_NAMES = {grouping_id(columns): name for name, columns in SETS.items()}
MONTH_SET = grouping_id(SETS["month"])


def query():
    # The second level counts order ids, so it does not group by them.
    outer = [key for key in KEYS if key != "order_id"]
    sets = ", ".join("(%s)" % ", ".join(columns) for columns in SETS.values())
    return QUERY.format(keys=", ".join(KEYS), outer_keys=", ".join(outer), sets=sets, view=CURATED_VIEW)


def partials(spark: SparkSession, curated: DataFrame) -> DataFrame:
    """The per-month partial aggregates of every grouping set (a `gid`, its keys with the month, revenue,
    units, distinct orders, first and last day), lazily: the caller writes or merges them."""
    # A named view, not spark.sql(query, curated=curated): with the pipeline's cached line items
    # (Spark 3.5.7) that form missed the cache and re-read and re-cleaned the raw JSON: 32 s on the
    # 1M rows instead of ~5, seen in the event log as the query's stages reading the input files.
    curated.createOrReplaceTempView(CURATED_VIEW)
    try:
        return spark.sql(query())
    finally:
        spark.catalog.dropTempView(CURATED_VIEW)


def merged(parts: DataFrame):
    """Every set's rows over all months, by set name. The "user" set is one row per customer (49,677 on the
    real 1M line items, plus one for guests): top_customers and purchase_frequency both need them all, and
    collecting them costs a few MB on the driver, ~0.4 s to fetch and 0.1 s to turn into dicts (measured on
    the 1M data with the query's shuffles already done)."""
    rows = (
        parts.withColumn("month", F.when(F.col("gid") == MONTH_SET, F.col("month")))
        .groupBy("gid", *MERGED_KEYS)
        .agg(
            F.sum("revenue").alias("revenue"),
            F.sum("units").alias("units"),
            F.sum("orders").alias("orders"),
            F.countDistinct("product_id").alias("products"),
            F.min("first_day").alias("first_day"),
            F.max("last_day").alias("last_day"),
        )
        .collect()
    )
    by_set = defaultdict(list)
    for row in rows:
        by_set[SET_NAMES[row["gid"]]].append(row.asDict())
    return by_set


def money(value):
    return round(float(value or 0), 2)


def only(rows):
    """The single row of a set that collapses to one (none on an empty input)."""
    return rows[0] if rows else {}


def customers(by_set):
    return [r for r in by_set["user"] if r["user_id"] is not None]


def summary(by_set):
    total = only(by_set["total"])
    orders = int(total.get("orders") or 0)
    revenue = total.get("revenue") or 0
    return {
        "orders": orders,
        "units": int(total.get("units") or 0),
        "revenue": money(revenue),
        "customers": len(customers(by_set)),
        "products": int(only(by_set["product"]).get("products") or 0),
        "average_order_value": money(revenue / orders) if orders else 0.0,
        "first_day": total.get("first_day"),
        "last_day": total.get("last_day"),
    }


def monthly_sales(by_set):
    rows = sorted((r for r in by_set["month"] if r["dated"]), key=lambda r: r["month"])
    return [{"month": r["month"], "revenue": money(r["revenue"]), "orders": r["orders"], "units": int(r["units"])} for r in rows]


def top(rows, key):
    """The TOP_N rows with a `key` by revenue, ties to the smaller key. Revenue is never null:
    clean quarantines line items without a price."""
    keyed = (r for r in rows if r[key] is not None)
    return sorted(keyed, key=lambda r: (-r["revenue"], r[key]))[:TOP_N]


def top_customers(by_set):
    return [
        {"user_id": r["user_id"], "revenue": money(r["revenue"]), "orders": r["orders"], "units": int(r["units"])}
        for r in top(by_set["user"], "user_id")
    ]


def top_by(rows, key):
    return [{key: r[key], "revenue": money(r["revenue"]), "units": int(r["units"])} for r in top(rows, key)]


def hour_weekday(by_set):
    # Undated line items have no weekday or hour.
    counted = {(r["weekday"], r["hour"]): r["orders"] for r in by_set["hour"] if r["weekday"] is not None}
    return [{"weekday": d, "hour": h, "orders": counted.get((d, h), 0)} for d in range(1, 8) for h in range(24)]


def purchase_frequency(by_set):
    customers_by_orders = Counter(r["orders"] for r in customers(by_set))
    return [{"orders": orders, "customers": n} for orders, n in sorted(customers_by_orders.items())]


BUILDERS = {
    "summary": summary,
    "monthly_sales": monthly_sales,
    "top_customers": top_customers,
    "top_categories": lambda by_set: top_by(by_set["category"], "category_code"),
    "top_brands": lambda by_set: top_by(by_set["brand"], "brand"),
    "hour_weekday": hour_weekday,
    "purchase_frequency": purchase_frequency,
}
assert set(BUILDERS) == set(ANALYTICS_DOCUMENTS), "every contract document needs a builder"


def documents_of(by_set):
    documents = {}
    for name in ANALYTICS_DOCUMENTS:
        documents[name] = BUILDERS[name](by_set)
        log("built %s" % name)
    return documents


def analyse(spark: SparkSession, curated: DataFrame):
    """Every document of `curated`, nothing kept."""
    by_set = merged(partials(spark, curated))
    log("aggregated %d rows" % sum(map(len, by_set.values())))
    return documents_of(by_set)


def update(spark: SparkSession, curated_path: str, partials_path: str, months, output: str):
    """The nightly run: the partial aggregates of `months` (the months clean rewrote) from their curated
    partitions replace those months' partials; the documents are rebuilt from every month's partials."""
    months = sorted(months)
    changed = partitions.read_months(spark, curated_path, months)
    partitions.replace(spark, None if changed is None else partials(spark, changed), partials_path, months)
    log("partial aggregates of %d month%s recomputed: %s" % (len(months), "" if len(months) == 1 else "s", ", ".join(months)))
    documents = documents_of(merged(spark.read.parquet(partials_path)))
    write(spark, documents, output)
    return documents


def run(spark: SparkSession, input_path: str, output: str):
    documents = analyse(spark, spark.read.parquet(input_path))
    write(spark, documents, output)
    return documents


def write(spark: SparkSession, documents, output: str):
    for name, document in documents.items():
        io.write_json(spark, io.join(output, name + ".json"), document)
    log("wrote %s to %s" % (", ".join(documents), output))


def add_arguments(parser):
    parser.add_argument("--input", required=True, help="curated Parquet (<lake>/curated/purchases/)")
    parser.add_argument("--output", required=True, help="folder for <document>.json (<lake>/analytics/)")


def main(spark: SparkSession, args):
    return run(spark, args.input, args.output)
