"""Purchase-intent and cart-abandonment features of a session *prefix*: what the live scorer sees.

The live scorer (realtime_jobs/intent_scores.py) scores an open session that has not bought yet,
after each of its events, from the events it has so far. Training therefore uses the same thing:
for every session of both classes one cut point, drawn uniformly (seeded hash of the session id)
among the places the scorer meets it - after its k-th event, for every k before its first
purchase (every k of a session that never buys) - and the features of `prefix_features` on the
events up to and including the cut. Label: a purchase after the cut (in the session; for
`abandonment_24h`, by the same user within 24 hours). Nothing after the cut reaches a feature:
appending later events changes no feature (tests/behaviour/test_behaviour_intent.py).

The tasks (TASKS):
- intent: every session with at least one event before its first purchase; will it buy?
- abandonment: sessions whose prefix holds a cart (the cut is drawn at or after the first cart,
  before the first purchase); will it buy in this session?
- abandonment_24h: as abandonment, label = the user buys within 24 h of the cut; a cut less than
  24 h before the last event of the data cannot be labelled and is left out (counted).
One cut per session keeps each session's weight equal (a long session is not many rows) and makes
the rows independent for the bootstrap over sessions.
"""
from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from .events import TYPE_ORDER

FEATURES = (
    "events",
    "views",
    "carts",
    "removes",
    "distinct_products",
    "distinct_categories",
    "top_category_events",
    "repeat_events",
    "seconds_so_far",
    "seconds_per_event",
    "log_mean_price",
    "log_max_price",
    "log_cart_value",
    "missing_brand_share",
    "start_hour",
    "earlier_sessions",
    "earlier_purchasing_sessions",
)
# The counts-only baseline's features: how many of each thing the session did so far.
COUNT_FEATURES = ("views", "carts", "removes")
# A session is decided at its first purchase: the scorer stops scoring it there.
DECISION_TYPES = ("purchase",)
# A session has one user: grouping by both is grouping by the session, and needs no shuffle of events
# already partitioned by user (common.by_user).
SESSION = ("user_id", "session_id")
DAY_SECONDS = 86400
TASKS = ("intent", "abandonment", "abandonment_24h")


def type_rank(kind: Column) -> Column:
    rank = F.lit(len(TYPE_ORDER))
    for name, order in TYPE_ORDER.items():
        rank = F.when(kind == name, F.lit(order)).otherwise(rank)
    return rank


def session_order():
    """The order inside a session, as the sessions job orders it: time, then what can happen first in a visit."""
    return (F.col("event_ts"), type_rank(F.col("event_type")), F.col("product_id"), F.col("price"), F.col("category_id"), F.col("brand"))


def _count(kind):
    return F.sum((F.col("event_type") == kind).cast("int")).cast("double")


def prefix_features(prefix: DataFrame, carry=()) -> DataFrame:
    """One row per session of `prefix` (the events the scorer has of it): FEATURES without the user history,
    + `start` and `cut_ts` (its first and last event). `carry`: columns constant per session, kept (max).
    The one feature function of training, evaluation and live scoring."""
    per_session = prefix.groupBy(*SESSION).agg(
        F.min("event_ts").alias("start"),
        F.max("event_ts").alias("cut_ts"),
        F.count(F.lit(1)).cast("double").alias("events"),
        _count("view").alias("views"),
        _count("cart").alias("carts"),
        _count("remove_from_cart").alias("removes"),
        F.collect_list("product_id").alias("products"),
        F.collect_list(F.coalesce("category_id", F.lit(""))).alias("categories"),
        (F.max("event_ts").cast("long") - F.min("event_ts").cast("long")).cast("double").alias("seconds_so_far"),
        F.avg(F.log1p(F.col("price").cast("double"))).alias("log_mean_price"),
        F.max(F.log1p(F.col("price").cast("double"))).alias("log_max_price"),
        F.log1p(F.coalesce(F.sum(F.when(F.col("event_type") == "cart", F.col("price").cast("double"))), F.lit(0.0))).alias("log_cart_value"),
        F.avg(F.col("brand").isNull().cast("double")).alias("missing_brand_share"),
        *[F.max(c).alias(c) for c in carry],
    )
    categories = F.array_distinct("categories")
    top_category = F.array_max(F.transform(categories, lambda c: F.size(F.filter(F.col("categories"), lambda x: x == c))))
    return (
        per_session.withColumn("distinct_products", F.size(F.array_distinct("products")).cast("double"))
        .withColumn("distinct_categories", F.size(categories).cast("double"))
        .withColumn("top_category_events", top_category.cast("double"))
        .withColumn("repeat_events", F.col("events") - F.col("distinct_products"))
        .withColumn("seconds_per_event", F.col("seconds_so_far") / F.greatest(F.col("events") - 1, F.lit(1.0)))
        .withColumn("start_hour", F.hour("start").cast("double"))
        .drop("products", "categories")
    )


def positioned(events: DataFrame) -> DataFrame:
    """Events + `position` (1-based, in session order), the session's `n` events and the positions of its
    first cart and first purchase (null: none). Windows by session: no shuffle of events partitioned by user."""
    session = Window.partitionBy(*SESSION)
    first = lambda kind: F.min(F.when(F.col("event_type") == kind, F.col("position"))).over(session)  # noqa: E731
    return (
        events.withColumn("position", F.row_number().over(session.orderBy(*session_order())))
        .withColumn("n", F.count(F.lit(1)).over(session))
        .withColumn("first_cart", first("cart"))
        .withColumn("first_purchase", first("purchase"))
    )


def cut_position(task: str, seed: int) -> Column:
    """The cut of a session for a task: uniform (seeded hash) over the eligible k; null when none is eligible."""
    last = F.coalesce(F.col("first_purchase") - 1, F.col("n"))
    first = F.lit(1) if task == "intent" else F.col("first_cart")
    span = last - first + 1
    draw = F.pmod(F.xxhash64(F.col("session_id"), F.lit(task), F.lit(seed)), span.cast("long"))
    return F.when(first.isNotNull() & (span >= 1), first + draw)


def task_prefixes(placed: DataFrame, task: str, seed: int) -> DataFrame:
    """Each eligible session's events up to its cut, with `bought` (a purchase after the cut, in the session).
    `placed`: the events with their positions (`positioned`), computed once for every task."""
    cut = cut_position(task, seed)
    marked = placed.withColumn("cut", cut)
    return marked.filter(F.col("cut").isNotNull() & (F.col("position") <= F.col("cut"))).withColumn(
        "bought", F.col("first_purchase").isNotNull().cast("double"))


def with_user_history(features: DataFrame, sessions: DataFrame) -> DataFrame:
    """Adds how many sessions the user started before this one, and how many of those bought.
    Only earlier sessions count; a session without a user has no history (0)."""
    by_user = Window.partitionBy("user_id").orderBy("start", "session_id").rowsBetween(Window.unboundedPreceding, -1)
    history = (
        sessions.filter(F.col("user_id").isNotNull())
        .select(
            *SESSION,
            F.count(F.lit(1)).over(by_user).cast("double").alias("earlier_sessions"),
            F.coalesce(F.sum(F.col("purchased").cast("int")).over(by_user), F.lit(0)).cast("double").alias("earlier_purchasing_sessions"),
        )
    )
    # On both ids: a session without a user has no history either way, and both sides are partitioned by user.
    return features.join(history, list(SESSION), "left").fillna(0.0, subset=["earlier_sessions", "earlier_purchasing_sessions"])


def _within_a_day(features: DataFrame, events: DataFrame) -> DataFrame:
    """`label` = a purchase after the cut in the session, or by the same user within 24 h of the cut; cuts whose
    next 24 h the data does not cover are left out."""
    end = events.agg(F.max(F.col("event_ts").cast("long"))).first()[0]
    purchases = events.filter((F.col("event_type") == "purchase") & F.col("user_id").isNotNull()).groupBy("user_id").agg(
        F.collect_list(F.col("event_ts").cast("long")).alias("purchase_times"))
    cut = F.col("cut_ts").cast("long")
    later = F.exists(F.coalesce(F.col("purchase_times"), F.array().cast("array<long>")), lambda t: (t > cut) & (t <= cut + DAY_SECONDS))
    covered = features.filter(cut <= F.lit(end - DAY_SECONDS)) if end is not None else features.limit(0)
    return covered.join(purchases, "user_id", "left").withColumn("label", ((F.col("bought") == 1.0) | later).cast("double")).drop("purchase_times")


def task_dataset(events: DataFrame, sessions: DataFrame, task: str, seed: int = 42, placed: DataFrame = None) -> DataFrame:
    """session_id, user_id, start, cut_ts, label and FEATURES: one row per eligible session of `task`.
    `placed`: `positioned(events)` when the caller holds it for several tasks."""
    placed = positioned(events) if placed is None else placed
    features = with_user_history(prefix_features(task_prefixes(placed, task, seed), carry=("bought",)), sessions)
    labelled = _within_a_day(features, events) if task == "abandonment_24h" else features.withColumn("label", F.col("bought"))
    return labelled.select("session_id", "user_id", "start", "cut_ts", "label", *FEATURES)


def intent_dataset(events: DataFrame, sessions: DataFrame, seed: int = 42) -> DataFrame:
    return task_dataset(events, sessions, "intent", seed)
