"""Purchase-intent features of a session, from what happened *before its decision*.

The cut: a session's decision time is its first cart or purchase event. Features use only the
session's events strictly earlier than that (all its events when it never carts or buys), plus
the user's history from sessions that started earlier. Anything at or after the cut - the cart
itself, the purchase, views after them, same-second events - cannot change a feature, so the
label cannot leak in (emr-jobs/tests/behaviour proves it by adding later events).
Sessions with nothing before the cut (they open with a cart or purchase) have nothing to
predict from and are left out; their count is reported.
Label: the session has a purchase.
"""
from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

FEATURES = (
    "views",
    "distinct_products",
    "distinct_categories",
    "top_category_views",
    "repeat_views",
    "seconds_before_cut",
    "seconds_per_view",
    "log_mean_price",
    "log_max_price",
    "missing_brand_share",
    "start_hour",
    "earlier_sessions",
    "earlier_purchasing_sessions",
)
DECISION_TYPES = ("cart", "purchase")
# A session has one user: grouping by both is grouping by the session, and needs no shuffle of events
# already partitioned by user (common.by_user).
SESSION = ("user_id", "session_id")


def before_cut(events: DataFrame) -> DataFrame:
    """The session's events strictly before its first cart/purchase, each with the session's label."""
    per_session = Window.partitionBy(*SESSION)
    cut = F.min(F.when(F.col("event_type").isin(*DECISION_TYPES), F.col("event_ts"))).over(per_session)
    bought = F.max(F.when(F.col("event_type") == "purchase", 1).otherwise(0)).over(per_session)
    marked = events.withColumn("cut", cut).withColumn("label", bought.cast("double"))
    return marked.filter(F.col("cut").isNull() | (F.col("event_ts") < F.col("cut")))


def session_features(events: DataFrame) -> DataFrame:
    """One row per session with something before its cut: FEATURES (without user history) + label + start."""
    prefix = before_cut(events)
    per_session = prefix.groupBy(*SESSION).agg(
        F.min("event_ts").alias("start"),
        F.max("label").alias("label"),
        F.sum(F.when(F.col("event_type") == "view", 1).otherwise(0)).cast("double").alias("views"),
        F.collect_list("product_id").alias("products"),
        F.collect_list(F.coalesce("category_id", F.lit(""))).alias("categories"),
        (F.max("event_ts").cast("long") - F.min("event_ts").cast("long")).cast("double").alias("seconds_before_cut"),
        F.avg(F.log1p(F.col("price").cast("double"))).alias("log_mean_price"),
        F.max(F.log1p(F.col("price").cast("double"))).alias("log_max_price"),
        F.avg(F.col("brand").isNull().cast("double")).alias("missing_brand_share"),
    )
    categories = F.array_distinct("categories")
    top_category = F.array_max(F.transform(categories, lambda c: F.size(F.filter(F.col("categories"), lambda x: x == c))))
    return (
        per_session.withColumn("distinct_products", F.size(F.array_distinct("products")).cast("double"))
        .withColumn("distinct_categories", F.size(categories).cast("double"))
        .withColumn("top_category_views", top_category.cast("double"))
        .withColumn("repeat_views", F.col("views") - F.col("distinct_products"))
        .withColumn("seconds_per_view", F.col("seconds_before_cut") / F.greatest(F.col("views") - 1, F.lit(1.0)))
        .withColumn("start_hour", F.hour("start").cast("double"))
        .drop("products", "categories")
    )


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


def intent_dataset(events: DataFrame, sessions: DataFrame) -> DataFrame:
    return with_user_history(session_features(events), sessions).select("session_id", "start", "label", *FEATURES)
