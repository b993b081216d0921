"""analyse: curated purchases -> one small JSON document per dashboard chart.

Shapes follow contract/ (AnalyticsDocuments): arrays of flat records, money as
numbers rounded to cents, months `YYYY-MM`, ISO weekdays 1 = Monday, hours in UTC.
Undated line items (1970 times) count in totals, customers, categories and brands but
not in monthly_sales, hour_weekday or first_day/last_day.
"""
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from . import io
from .contract import ANALYTICS_DOCUMENTS
from .progress import progress

TOP_N = 10
log = progress("analyse")


def revenue():
    return F.col("price") * F.col("quantity")


def money(value):
    return round(float(value or 0), 2)


def _sales(df: DataFrame, *keys):
    return df.groupBy(*keys).agg(
        F.sum(revenue()).alias("revenue"),
        F.countDistinct("order_id").alias("orders"),
        F.sum("quantity").alias("units"),
    )


def summary(df: DataFrame):
    row = df.agg(
        F.sum(revenue()).alias("revenue"),
        F.countDistinct("order_id").alias("orders"),
        F.sum("quantity").alias("units"),
        F.countDistinct("user_id").alias("customers"),
        F.countDistinct("product_id").alias("products"),
        F.date_format(F.min("event_time"), "yyyy-MM-dd").alias("first_day"),
        F.date_format(F.max("event_time"), "yyyy-MM-dd").alias("last_day"),
    ).first()
    orders = int(row["orders"] or 0)
    return {
        "orders": orders,
        "units": int(row["units"] or 0),
        "revenue": money(row["revenue"]),
        "customers": int(row["customers"]),
        "products": int(row["products"]),
        "average_order_value": money((row["revenue"] or 0) / orders) if orders else 0.0,
        "first_day": row["first_day"],
        "last_day": row["last_day"],
    }


def monthly_sales(df: DataFrame):
    rows = _sales(df.filter(F.col("event_time").isNotNull()), "month").orderBy("month").collect()
    return [{"month": r["month"], "revenue": money(r["revenue"]), "orders": r["orders"], "units": int(r["units"])} for r in rows]


def top_customers(df: DataFrame):
    rows = (
        _sales(df.filter(F.col("user_id").isNotNull()), "user_id")
        .orderBy(F.desc("revenue"), "user_id")
        .limit(TOP_N)
        .collect()
    )
    return [
        {"user_id": r["user_id"], "revenue": money(r["revenue"]), "orders": r["orders"], "units": int(r["units"])}
        for r in rows
    ]


def top_by(df: DataFrame, key: str):
    totals = df.filter(F.col(key).isNotNull()).groupBy(key).agg(F.sum(revenue()).alias("revenue"), F.sum("quantity").alias("units"))
    rows = totals.orderBy(F.desc("revenue"), key).limit(TOP_N).collect()
    return [{key: r[key], "revenue": money(r["revenue"]), "units": int(r["units"])} for r in rows]


def hour_weekday(df: DataFrame):
    # Spark's dayofweek is 1 = Sunday; the contract uses ISO (1 = Monday ... 7 = Sunday).
    iso_weekday = (F.dayofweek("event_time") + 5) % 7 + 1
    counted = {
        (r["weekday"], r["hour"]): r["orders"]
        for r in df.filter(F.col("event_time").isNotNull())
        .groupBy(iso_weekday.alias("weekday"), F.hour("event_time").alias("hour"))
        .agg(F.countDistinct("order_id").alias("orders"))
        .collect()
    }
    return [{"weekday": d, "hour": h, "orders": counted.get((d, h), 0)} for d in range(1, 8) for h in range(24)]


def purchase_frequency(df: DataFrame):
    per_user = df.filter(F.col("user_id").isNotNull()).groupBy("user_id").agg(F.countDistinct("order_id").alias("orders"))
    rows = per_user.groupBy("orders").agg(F.count(F.lit(1)).alias("customers")).orderBy("orders").collect()
    return [{"orders": r["orders"], "customers": r["customers"]} for r in rows]


BUILDERS = {
    "summary": summary,
    "monthly_sales": monthly_sales,
    "top_customers": top_customers,
    "top_categories": lambda df: top_by(df, "category_code"),
    "top_brands": lambda df: top_by(df, "brand"),
    "hour_weekday": hour_weekday,
    "purchase_frequency": purchase_frequency,
}
assert set(BUILDERS) == set(ANALYTICS_DOCUMENTS), "every contract document needs a builder"


def analyse(curated: DataFrame):
    cached = curated.persist()
    try:
        documents = {}
        for name in ANALYTICS_DOCUMENTS:
            documents[name] = BUILDERS[name](cached)
            log("built %s" % name)
        return documents
    finally:
        cached.unpersist()


def run(spark: SparkSession, input_path: str, output: str):
    return write_documents(spark, spark.read.parquet(input_path), output)


def write_documents(spark: SparkSession, curated: DataFrame, output: str):
    documents = analyse(curated)
    for name, document in documents.items():
        io.write_json(spark, io.join(output, name + ".json"), document)
    log("wrote %s to %s" % (", ".join(documents), output))
    return documents


def add_arguments(parser):
    parser.add_argument("--input", required=True, help="curated Parquet (<lake>/curated/purchases/)")
    parser.add_argument("--output", required=True, help="folder for <document>.json (<lake>/analytics/)")


def main(spark: SparkSession, args):
    return run(spark, args.input, args.output)
