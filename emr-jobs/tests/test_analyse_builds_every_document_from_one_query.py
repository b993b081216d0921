"""analyse derives all seven documents from one Spark query (recstream_jobs/analyse.py): a handful of
Spark jobs whatever the input size, with the same values the per-document queries gave; the
committed golden documents (test_end_to_end.py) cover the fixture lake, these the edge cases."""
import datetime
from decimal import Decimal

import pytest
from pyspark.sql.types import IntegerType, StringType, StructField, StructType, TimestampType

from recstream_jobs import analyse
from recstream_jobs.schema import PRICE_TYPE

CURATED = StructType(
    [StructField("event_time", TimestampType())]
    + [StructField(c, StringType()) for c in ("order_id", "product_id", "category_id", "category_code", "brand")]
    + [StructField("price", PRICE_TYPE), StructField("user_id", StringType()), StructField("quantity", IntegerType()), StructField("month", StringType())]
)


def item(when, order, product, category, brand, price, user, quantity):
    time = datetime.datetime(*when) if when else None
    month = time.strftime("%Y-%m") if time else "undated"
    return (time, order, product, None, category, brand, Decimal(price), user, quantity, month)


ITEMS = [
    # Order 1 spans two hours of a Monday: one order in each hour cell, one order in the total.
    item((2020, 1, 6, 10, 15), "1", "p1", "a", "x", "10.00", "u1", 2),
    item((2020, 1, 6, 11, 5), "1", "p2", "b", None, "5.00", "u1", 1),
    item((2020, 2, 2, 23, 59), "2", "p1", "a", "x", "10.00", "u2", 1),  # a Sunday
    # An undated guest order without a category: totals and brands only.
    item(None, "3", "p3", None, "y", "29.00", None, 1),
    item((2020, 2, 3, 10, 0), "4", "p3", "b", "y", "0.50", "u1", 2),  # a Monday
]


def jobs_run_by(spark, action):
    tracker, group = spark.sparkContext.statusTracker(), "analyse-job-count"
    spark.sparkContext.setJobGroup(group, "counting analyse's Spark jobs")
    try:
        return action(), len(tracker.getJobIdsForGroup(group))
    finally:
        spark.sparkContext.setLocalProperty("spark.jobGroup.id", None)


@pytest.fixture(scope="module")
def analysed(spark):
    return jobs_run_by(spark, lambda: analyse.analyse(spark, spark.createDataFrame(ITEMS, CURATED)))


def test_all_seven_documents_cost_one_query_of_at_most_five_spark_jobs(analysed):
    # The per-month partials' two shuffle stages, their merge's (distinct products) and the result, each its own
    # job under AQE; the per-document queries ran ~20.
    documents, jobs = analysed
    assert jobs <= 5


def test_totals_count_every_line_item_and_distinct_orders_once(analysed):
    documents, _ = analysed
    assert documents["summary"] == {
        "orders": 4, "units": 7, "revenue": 65.0, "customers": 2, "products": 3,
        "average_order_value": 16.25, "first_day": "2020-01-06", "last_day": "2020-02-03",
    }
    assert documents["monthly_sales"] == [
        {"month": "2020-01", "revenue": 25.0, "orders": 1, "units": 3},
        {"month": "2020-02", "revenue": 11.0, "orders": 2, "units": 3},
    ]


def test_tops_leave_out_missing_keys_and_break_revenue_ties_by_key(analysed):
    documents, _ = analysed
    assert documents["top_customers"] == [
        {"user_id": "u1", "revenue": 26.0, "orders": 2, "units": 5},
        {"user_id": "u2", "revenue": 10.0, "orders": 1, "units": 1},
    ]
    assert documents["top_categories"] == [{"category_code": "a", "revenue": 30.0, "units": 3}, {"category_code": "b", "revenue": 6.0, "units": 3}]
    assert documents["top_brands"] == [{"brand": "x", "revenue": 30.0, "units": 3}, {"brand": "y", "revenue": 30.0, "units": 3}]
    assert documents["purchase_frequency"] == [{"orders": 1, "customers": 1}, {"orders": 2, "customers": 1}]


def test_hour_weekday_counts_distinct_orders_per_cell_of_dated_items(analysed):
    documents, _ = analysed
    cells = {(c["weekday"], c["hour"]): c["orders"] for c in documents["hour_weekday"]}
    assert len(documents["hour_weekday"]) == 7 * 24
    assert {cell: n for cell, n in cells.items() if n} == {(1, 10): 2, (1, 11): 1, (7, 23): 1}


def test_an_empty_input_gives_empty_documents_not_a_crash(spark):
    # Grouping sets over no rows give no rows at all, not even the grand total's.
    documents = analyse.analyse(spark, spark.createDataFrame([], CURATED))
    assert documents["summary"] == {
        "orders": 0, "units": 0, "revenue": 0.0, "customers": 0, "products": 0,
        "average_order_value": 0.0, "first_day": None, "last_day": None,
    }
    assert all(documents[name] == [] for name in ("monthly_sales", "top_customers", "top_categories", "top_brands", "purchase_frequency"))
    assert {c["orders"] for c in documents["hour_weekday"]} == {0}
