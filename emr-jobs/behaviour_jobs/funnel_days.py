"""The funnel from per-day partials: what each event day adds to every funnel unit, merged exactly.

A unit (funnel.py: a session or a user, alone or with a category, brand or hour) reaches cart at its first
cart at or after its first view, and purchase at its first purchase at or after that cart. Those are order
statistics of the unit's events, not sums, yet they merge exactly from seven times per (unit, event day),
because event days are disjoint and ordered: the day's first event `s`, first view `v`, first cart `fc` and
purchase `fp`, first cart at or after `v` (`cv`), first purchase at or after `cv` (`pcv`) and at or after
`fc` (`pfc`). Over all days (merge):
- first view V: the earliest day dv with a view, its `v`;
- cart C: that day's `cv`, or else the first cart of a later day (every later event is after V);
- purchase B: when C is dv's `cv`, dv's `pcv` or any later day's first purchase; when C is a later day
  dc's first cart, dc's `pfc` or any purchase of a day after dc;
- abandoned: a first cart on day df with no purchase after it on df (`pfc`) nor on any later day.
The funnel's exact medians and distinct units are then computed from the merged units (one row per unit,
not per event). The partials are kept per event day (LAKE funnelStatePrefix); a night recomputes only the
event days its rewritten sessions touch (changed_days), from the curated event files of the session start
days that reach them (start_days).
Those days are handed over in a pending list (PENDING under the partials) that every sessions run adds to
before it commits its manifest and that the funnel clears once the document is written: a night that dies
between the two leaves its days pending for the next, and a `sessions` step run on its own (main.py) leaves
them for the next `behaviour` step, so the partials never fall behind the curated events.
"""
import datetime

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from recstream_jobs import io, partitions

from . import day_files
from .common import at
from .contract import LAKE

DAY = "day"
PENDING = "pending-days.json"
TIMES = ("s", "v", "cv", "pcv", "fc", "fp", "pfc")
UNIT = ("kind", "user_id", "session_id", "grp")
# Per unit kind: whether it is a user's (users only) and the column it is grouped by besides its session or user.
KINDS = {
    "session": (False, None), "session_category": (False, "category_id"), "session_brand": (False, "brand"),
    "user": (True, None), "user_hour": (True, "hour"), "user_category": (True, "category_id"), "user_brand": (True, "brand"),
}


def partials(events: DataFrame) -> DataFrame:
    """Per (unit, event day): the seven times above (epoch seconds) and, for a session's category, its
    category code (the greatest seen: funnel.category_codes takes the greatest over all days). Each event
    is exploded into the units it belongs to rather than read once per kind: on events partitioned by user
    (common.by_user) the aggregation then needs no shuffle."""
    null = F.lit(None).cast("string")
    unit_of = lambda kind, users_only, group: F.when(  # noqa: E731
        (F.col("user_id").isNotNull() if users_only else F.lit(True)) & (F.col(group).isNotNull() if group else F.lit(True)),
        F.struct(F.lit(kind).alias("kind"), (null if users_only else F.col("session_id")).alias("session_id"), (F.col(group) if group else null).alias("grp")),
    )
    units = F.filter(F.array(*[unit_of(kind, *spec) for kind, spec in KINDS.items()]), lambda u: u.isNotNull())
    exploded = events.withColumn("hour", F.hour("event_ts").cast("string")).select(
        "user_id", "event_type", "category_code", F.col("event_ts").cast("long").alias("t"),
        F.date_format("event_ts", "yyyy-MM-dd").alias(DAY), F.explode(units).alias("unit"),
    ).select("unit.kind", "user_id", "unit.session_id", "unit.grp", DAY, "t", "event_type",
             F.when(F.col("unit.kind") == "session_category", F.col("category_code")).alias("code"))
    times = lambda kind: F.collect_list(F.when(F.col("event_type") == kind, F.col("t")))  # noqa: E731
    after = lambda ts, start: F.array_min(F.filter(ts, lambda x: x >= start))  # noqa: E731
    per_day = exploded.groupBy(*UNIT, DAY).agg(
        F.min("t").alias("s"), F.min(F.when(F.col("event_type") == "view", F.col("t"))).alias("v"),
        times("cart").alias("carts"), times("purchase").alias("purchases"), F.max("code").alias("code"),
    )
    return (
        per_day.withColumn("cv", after(F.col("carts"), F.col("v")))
        .withColumn("pcv", after(F.col("purchases"), F.col("cv")))
        .withColumn("fc", F.array_min("carts"))
        .withColumn("fp", F.array_min("purchases"))
        .withColumn("pfc", after(F.col("purchases"), F.col("fc")))
        .select(*UNIT, DAY, *TIMES, "code")
    )


def merge(partial: DataFrame) -> DataFrame:
    """The units' steps over all days (funnel.unit_steps' columns) from their per-day partials. A user's
    units per day (funnel by day) are the `user` partials themselves: kind `user_day`, grouped by the day."""
    by_day = partial.filter(F.col("kind") == "user").withColumn("kind", F.lit("user_day")).withColumn("grp", F.col(DAY))
    days = F.array_sort(F.collect_list(F.struct(DAY, *TIMES)))
    units = partial.unionByName(by_day).groupBy(*UNIT).agg(days.alias("d"))
    later = lambda day, field: F.array_min(F.transform(F.filter("d", lambda x: x[DAY] > day), lambda x: x[field]))  # noqa: E731
    first = lambda field: F.get(F.filter("d", lambda x: x[field].isNotNull()), 0)  # noqa: E731
    viewed, carted = first("v"), first("fc")
    # The first day after the first view with a cart: where the cart step is when the view's day has none after it.
    cart_day = F.get(F.filter("d", lambda x: (x[DAY] > F.col("viewed")[DAY]) & x["fc"].isNotNull()), 0)
    return (
        units.withColumn("viewed", viewed).withColumn("carted", carted).withColumn("cart_day", cart_day)
        .select(
            *UNIT,
            F.array_min(F.transform("d", lambda x: x["s"])).alias("start"),
            F.col("viewed")["v"].alias("viewed_at"),
            F.coalesce(F.col("viewed")["cv"], F.col("cart_day")["fc"]).alias("carted_at"),
            F.when(F.col("viewed")["cv"].isNotNull(), F.least(F.col("viewed")["pcv"], later(F.col("viewed")[DAY], "fp")))
            .otherwise(F.least(F.col("cart_day")["pfc"], later(F.col("cart_day")[DAY], "fp"))).alias("bought_at"),
            F.col("carted")["fc"].alias("first_cart"),
            F.array_min(F.transform("d", lambda x: x["fp"])).alias("first_purchase"),
            (F.col("carted").isNotNull() & F.least(F.col("carted")["pfc"], later(F.col("carted")[DAY], "fp")).isNull()).alias("abandoned"),
        )
    )


def _day(value):
    return datetime.date.fromisoformat(value[:10])


def changed_days(rewritten, before: dict, after: dict) -> list:
    """Event days whose events a night may have changed: each rewritten session start day through the latest
    event its sessions held before the night or hold after it (`before`/`after`: the sessions manifest's days)."""
    days = set()
    for start in rewritten:
        last = max([_day(facts[start]["last_event"]) for facts in (before, after) if start in facts], default=_day(start))
        day = _day(start)
        while day <= last:
            days.add(day.isoformat())
            day += datetime.timedelta(days=1)
    return sorted(days)


def start_days(days, after: dict) -> list:
    """The session start days whose files hold events of `days`: a start day holds events up to its latest."""
    wanted = sorted(days)
    return sorted(start for start, facts in after.items() if any(start <= day <= facts["last_event"][:10] for day in wanted))


def update(spark: SparkSession, events_path: str, state_path: str, days, after: dict) -> None:
    """Recompute the kept partials of event days `days` from the curated event files that hold them."""
    if not days:
        return
    events = day_files.read(spark, events_path, start_days(days, after))
    rows = None
    if events is not None:
        rows = partials(events.filter(F.date_format("event_ts", "yyyy-MM-dd").isin(list(days))))
    partitions.replace(spark, rows, state_path, days, DAY)


def kept(spark: SparkSession, state_path: str):
    """Every kept partial (its day as a string, as partials() writes it), or None when none is kept."""
    present = partitions.existing_months(spark, state_path, DAY)
    if not present:
        return None
    return partitions.read_months(spark, state_path, present, DAY).withColumn(DAY, F.col(DAY).cast("string"))


def _pending_path(lake):
    return io.join(at(lake, LAKE["funnelStatePrefix"]), PENDING)


def pending(spark: SparkSession, lake: str) -> list:
    """Event days whose partials are behind the curated events."""
    return io.read_json(spark, _pending_path(lake)) or []


def add_pending(spark: SparkSession, lake: str, days) -> None:
    io.write_json(spark, _pending_path(lake), sorted(set(pending(spark, lake)) | set(days)))


def done(spark: SparkSession, lake: str) -> None:
    io.delete(spark, _pending_path(lake))
