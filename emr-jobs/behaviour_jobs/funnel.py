"""funnel: sessionized events -> view -> cart -> purchase funnel document (JSON).

A *unit* (a session, or a user; per category or brand: a session's/user's events in that
category or brand) reaches
- view     when it has a view,
- cart     when it has a cart at or after its first view,
- purchase when it has a purchase at or after that first cart.
Conversion at a step is reached(step) / reached(previous step); drop-off is 1 - conversion.
Units with any cart / any purchase are listed too (REES46 logs purchases without a cart).
Cart abandonment: units with any cart and no purchase at or after their first cart, over units
with any cart. Median times are exact medians (seconds) over the units that made the step.
By day and hour: a session counts on the day/hour it started; a user on each day/hour they were
active (unit = user x day, user x hour).
"""
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from recstream_jobs import io
from recstream_jobs.progress import progress

from .common import at, by_user, rounded
from .contract import LAKE

log = progress("funnel")
STEPS = ("view", "cart", "purchase")
TOP_GROUPS = 100


def _times(event_type):
    return F.collect_list(F.when(F.col("event_type") == event_type, F.col("event_ts").cast("long")))


def unit_steps(events: DataFrame, unit_cols) -> DataFrame:
    """Per unit: start, first view, first cart after it, first purchase after that, first cart at all,
    and whether a purchase follows that first cart (epoch seconds)."""
    per_unit = events.groupBy(*unit_cols).agg(
        F.min(F.col("event_ts").cast("long")).alias("start"),
        F.min(F.when(F.col("event_type") == "view", F.col("event_ts").cast("long"))).alias("viewed_at"),
        _times("cart").alias("carts"),
        _times("purchase").alias("purchases"),
    )
    first_after = lambda times, after: F.array_min(F.filter(times, lambda t: t >= after))  # noqa: E731
    return (
        per_unit.withColumn("carted_at", first_after(F.col("carts"), F.col("viewed_at")))
        .withColumn("bought_at", first_after(F.col("purchases"), F.col("carted_at")))
        .withColumn("first_cart", F.array_min("carts"))
        .withColumn("first_purchase", F.array_min("purchases"))
        .withColumn("abandoned", F.col("first_cart").isNotNull() & F.isnull(first_after(F.col("purchases"), F.col("first_cart"))))
        .drop("carts", "purchases")
    )


def _reached(column):
    return F.count(F.col(column)).cast("long")


def funnel_rows(steps: DataFrame, group_cols) -> list:
    """Funnel numbers per group (one row without groups): counts, conversion, drop-off, abandonment, medians."""
    rows = (
        steps.groupBy(*group_cols)
        .agg(
            F.count(F.lit(1)).alias("units"),
            _reached("viewed_at").alias("view"),
            _reached("carted_at").alias("cart"),
            _reached("bought_at").alias("purchase"),
            _reached("first_cart").alias("with_cart"),
            _reached("first_purchase").alias("with_purchase"),
            F.sum(F.col("abandoned").cast("int")).alias("abandoned"),
            F.percentile(F.col("carted_at") - F.col("viewed_at"), 0.5).alias("median_view_to_cart_seconds"),
            F.percentile(F.col("bought_at") - F.col("carted_at"), 0.5).alias("median_cart_to_purchase_seconds"),
        )
        .orderBy(F.desc("view"), *group_cols)
        .collect()
    )
    return [_document(r, group_cols) for r in rows]


def _ratio(a, b):
    return rounded(a / b) if b else None


def _document(row, group_cols):
    counts = {step: int(row[step]) for step in STEPS}
    conversion = {"view_to_cart": _ratio(counts["cart"], counts["view"]), "cart_to_purchase": _ratio(counts["purchase"], counts["cart"]), "view_to_purchase": _ratio(counts["purchase"], counts["view"])}
    return {
        **{c: (str(row[c]) if row[c] is not None else None) for c in group_cols},
        "units": int(row["units"]),
        "reached": counts,
        "conversion": conversion,
        "drop_off": {k: (None if v is None else rounded(1 - v)) for k, v in conversion.items()},
        # Purchases without a cart before them are common in REES46: the funnel's purchase step misses them.
        "with_any_cart": int(row["with_cart"]),
        "with_any_purchase": int(row["with_purchase"]),
        "cart_abandonment": _ratio(int(row["abandoned"] or 0), int(row["with_cart"])),
        "median_seconds": {"view_to_cart": rounded(row["median_view_to_cart_seconds"], 1), "cart_to_purchase": rounded(row["median_cart_to_purchase_seconds"], 1)},
    }


def level(events: DataFrame, unit: str, top=TOP_GROUPS) -> dict:
    """The whole funnel for one unit kind ('session_id' or 'user_id'). Every unit is grouped with its user
    (a session has one): on events partitioned by user (common.by_user) no unit needs a shuffle of events."""
    dated = events.withColumn("day", F.to_date("event_ts")).withColumn("hour", F.hour("event_ts"))
    unit = ["user_id"] + ([unit] if unit != "user_id" else [])
    whole = unit_steps(events, unit).persist()
    started = F.col("start").cast("timestamp")
    if "session_id" in unit:
        by_day = funnel_rows(whole.withColumn("day", F.to_date(started)), ["day"])
        by_hour = funnel_rows(whole.withColumn("hour", F.hour(started)), ["hour"])
    else:
        by_day = funnel_rows(unit_steps(dated, [*unit, "day"]), ["day"])
        by_hour = funnel_rows(unit_steps(dated, [*unit, "hour"]), ["hour"])
    document = {
        "overall": funnel_rows(whole, [])[0],
        "by_category": funnel_rows(unit_steps(events.filter(F.col("category_id").isNotNull()), [*unit, "category_id"]), ["category_id"])[:top],
        "by_brand": funnel_rows(unit_steps(events.filter(F.col("brand").isNotNull()), [*unit, "brand"]), ["brand"])[:top],
        "by_day": sorted(by_day, key=lambda r: r["day"]),
        "by_hour": sorted(by_hour, key=lambda r: int(r["hour"])),
    }
    whole.unpersist()
    return document


def category_codes(events: DataFrame) -> dict:
    rows = events.filter(F.col("category_code").isNotNull()).groupBy("category_id").agg(F.max("category_code").alias("code")).collect()
    return {r["category_id"]: r["code"] for r in rows}


def funnel(events: DataFrame, top=TOP_GROUPS) -> dict:
    events = events.select("session_id", "user_id", "event_ts", "event_type", "category_id", "category_code", "brand")
    users = events.filter(F.col("user_id").isNotNull())
    document = {"session": level(events, "session_id", top), "user": level(users, "user_id", top)}
    codes = category_codes(events)
    for kind in document.values():
        for row in kind["by_category"]:
            row["category_code"] = codes.get(row["category_id"])
    document["definition"] = __doc__.split("\n\n", 1)[1].strip()
    document["groups_listed"] = "by_category and by_brand: the %d groups with most viewing units" % top
    return document


def run(spark: SparkSession, lake: str, events: DataFrame = None):
    """`events`: the curated events partitioned by user when the caller already holds them (the one-application run)."""
    own = events is None
    if own:
        events = by_user(spark.read.parquet(at(lake, LAKE["eventsPrefix"]))).persist()
    document = funnel(events)
    if own:
        events.unpersist()
    io.write_json(spark, at(lake, LAKE["funnelKey"]), document)
    for kind in ("session", "user"):
        o = document[kind]["overall"]
        log("%s funnel: view %d -> cart %d -> purchase %d (view->cart %s, cart->purchase %s, cart abandonment %s, median view->cart %ss, cart->purchase %ss)" % (
            kind, o["reached"]["view"], o["reached"]["cart"], o["reached"]["purchase"], o["conversion"]["view_to_cart"], o["conversion"]["cart_to_purchase"],
            o["cart_abandonment"], o["median_seconds"]["view_to_cart"], o["median_seconds"]["cart_to_purchase"]))
    return document


def add_arguments(parser):
    parser.add_argument("--lake", required=True, help="lake root; reads %s, writes %s" % (LAKE["eventsPrefix"], LAKE["funnelKey"]))


def main(spark: SparkSession, args):
    return run(spark, args.lake)
