"""categories: sessionized events -> each user's top-3 categories, evaluated on a time split.

Affinity(user, category) = w_view * views + w_cart * carts + w_purchase * purchases over the
user's events before a cut (remove_from_cart counts for nothing); the three highest, ties to
the more recently touched category, then the smaller id. A user with fewer than three gets
the most popular categories (most events before the cut) after their own. Events without user
or category are left out.
Time split of the event time range: validation cut at 60 %, test cut at 80 %. At a cut, the
evaluated users are those with events before it and with events after it (up to the next cut,
or the end); their truth is the set of categories they touched (any event type) after the cut.
recall@3 = |top-3 ∩ truth| / |truth|, averaged over those users; hit-rate@3 = share of users with
at least one hit. Baseline: the three categories with most events before the cut, for everyone.
The weights are chosen on validation (WEIGHTS), reported on test; the served lists use all events.
"""
import time

from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from recstream_jobs import io
from recstream_jobs.progress import progress

from .common import at, rounded
from .contract import LAKE

log = progress("categories")
TOP_K = 3
CUTS = {"validation": (0.6, 0.8), "test": (0.8, None)}
# (view, cart, purchase) weights tried on validation.
WEIGHTS = [(1, 0, 0), (1, 2, 4), (1, 5, 10), (1, 10, 30), (0, 1, 1)]
SCORED_TYPES = ("view", "cart", "purchase")


def _period_columns(name, before, after_lo, after_hi):
    """Aggregates of one (user, category) pair for one cut: counts before it, last touch, touched after."""
    t = F.col("event_ts").cast("long")
    early = t < before if before is not None else F.lit(True)
    late = (t >= after_lo) & ((t < after_hi) if after_hi is not None else F.lit(True)) if after_lo is not None else F.lit(False)
    columns = [F.sum((early & (F.col("event_type") == kind)).cast("int")).alias("%s_%s" % (name, kind)) for kind in SCORED_TYPES]
    columns.append(F.max(F.when(early, t)).alias("%s_last" % name))
    columns.append(F.max(late.cast("int")).alias("%s_truth" % name))
    return columns


def affinity_table(events: DataFrame, cuts: dict) -> DataFrame:
    """One row per (user, category) with, per period ('validation', 'test', 'all'), its counts before the cut
    and whether it was touched after. `cuts` maps a period to (cut, end) epoch seconds."""
    columns = []
    for name, (before, after_hi) in cuts.items():
        columns += _period_columns(name, before, before, after_hi)
    columns += _period_columns("all", None, None, None)
    return events.filter(F.col("user_id").isNotNull() & F.col("category_id").isNotNull()).groupBy("user_id", "category_id").agg(*columns)


def top_k(table: DataFrame, period: str, weights, k=TOP_K) -> DataFrame:
    wv, wc, wp = weights
    score = wv * F.col(period + "_view") + wc * F.col(period + "_cart") + wp * F.col(period + "_purchase")
    ranked = Window.partitionBy("user_id").orderBy(F.desc("score"), F.desc(period + "_last"), "category_id")
    return (
        table.withColumn("score", score.cast("double"))
        .filter(F.col("score") > 0)
        .withColumn("rank", F.row_number().over(ranked))
        .filter(F.col("rank") <= k)
        .select("user_id", "category_id", "score", "rank")
    )


def padded(own: DataFrame, users: DataFrame, most_popular, spark: SparkSession, k=TOP_K) -> DataFrame:
    """Each user's own top categories, then the most popular ones they lack, k in all."""
    popular_rows = spark.createDataFrame([(c, float(k + i)) for i, c in enumerate(most_popular)] or [("", 0.0)], "category_id string, fill_rank double")
    fill = users.select("user_id").distinct().crossJoin(F.broadcast(popular_rows)).filter(F.col("category_id") != "")
    candidates = own.select("user_id", "category_id", F.col("rank").cast("double").alias("fill_rank")).unionByName(fill)
    best = candidates.groupBy("user_id", "category_id").agg(F.min("fill_rank").alias("fill_rank"))
    ranked = Window.partitionBy("user_id").orderBy("fill_rank", "category_id")
    return best.withColumn("rank", F.row_number().over(ranked)).filter(F.col("rank") <= k).drop("fill_rank")


def popular(table: DataFrame, period: str, k=TOP_K):
    events = sum(F.col("%s_%s" % (period, kind)) for kind in SCORED_TYPES)
    rows = table.groupBy("category_id").agg(F.sum(events).alias("n")).orderBy(F.desc("n"), "category_id").limit(k).collect()
    return [r["category_id"] for r in rows if r["n"]]


def evaluated(table: DataFrame, period: str) -> DataFrame:
    """(user, category, truth) rows of the users evaluated at this cut."""
    history = F.col(period + "_view") + F.col(period + "_cart") + F.col(period + "_purchase")
    per_user = Window.partitionBy("user_id")
    active = table.withColumn("has_history", F.max((history > 0).cast("int")).over(per_user)).withColumn("has_truth", F.max(F.col(period + "_truth")).over(per_user))
    return active.filter((F.col("has_history") == 1) & (F.col("has_truth") == 1)).select("user_id", "category_id", F.col(period + "_truth").alias("truth"))


def recall(users: DataFrame, picked: DataFrame) -> dict:
    """recall@k and hit-rate@k of `picked` (user_id, category_id) lists against the users' truth."""
    joined = users.join(picked.select("user_id", "category_id", F.lit(1).alias("picked")), ["user_id", "category_id"], "left")
    per_user = joined.groupBy("user_id").agg(
        (F.sum(F.when((F.col("truth") == 1) & (F.col("picked") == 1), 1).otherwise(0)) / F.sum("truth")).alias("recall"),
        F.max(F.when((F.col("truth") == 1) & (F.col("picked") == 1), 1).otherwise(0)).alias("hit"),
    )
    r = per_user.agg(F.count(F.lit(1)).alias("users"), F.avg("recall").alias("recall"), F.avg("hit").alias("hit_rate")).first()
    return {"users": int(r["users"]), "recall_at_3": rounded(r["recall"] or 0.0), "hit_rate_at_3": rounded(r["hit_rate"] or 0.0)}


def evaluate(table: DataFrame, spark: SparkSession, period: str, weight_grid) -> dict:
    """recall@3 at one cut for each weighting, and for the most-popular baseline."""
    users = evaluated(table, period).persist()
    candidates = table.join(users.select("user_id").distinct(), "user_id", "left_semi").persist()
    most_popular = popular(table, period)
    affinity = {str(list(w)): recall(users, padded(top_k(candidates, period, w), users, most_popular, spark)) for w in weight_grid}
    everyone = users.select("user_id").distinct().crossJoin(spark.createDataFrame([(c,) for c in most_popular] or [("",)], "category_id string"))
    baseline = recall(users, everyone)
    users.unpersist()
    candidates.unpersist()
    return {"affinity": affinity, "popular": baseline, "popular_categories": most_popular}


def cut_times(events: DataFrame) -> dict:
    r = events.agg(F.min(F.col("event_ts").cast("long")).alias("lo"), F.max(F.col("event_ts").cast("long")).alias("hi")).first()
    at_share = lambda share: None if share is None else int(r["lo"] + share * (r["hi"] - r["lo"]))  # noqa: E731
    return {name: (at_share(cut), at_share(end)) for name, (cut, end) in CUTS.items()}


def categories(spark: SparkSession, events: DataFrame):
    events = events.select("user_id", "category_id", "event_type", "event_ts")
    cuts = cut_times(events)
    table = affinity_table(events, cuts).persist()
    validation = evaluate(table, spark, "validation", WEIGHTS)
    chosen = max(WEIGHTS, key=lambda w: (validation["affinity"][str(list(w))]["recall_at_3"], -WEIGHTS.index(w)))
    test = evaluate(table, spark, "test", [chosen])
    test["affinity"] = test["affinity"][str(list(chosen))]
    own = top_k(table, "all", chosen)
    served = padded(own, table.select("user_id"), popular(table, "all"), spark).join(own.select("user_id", "category_id", "score"), ["user_id", "category_id"], "left")
    return table, served, {
        "k": TOP_K,
        "weights": {"view_cart_purchase": list(chosen), "tried_on_validation": validation["affinity"]},
        "split": {name: {"cut": _iso(cut), "until": _iso(end)} for name, (cut, end) in cuts.items()},
        "validation_popular": validation["popular"],
        "test": test,
        "definition": __doc__.split("\n\n", 1)[1].strip(),
    }


def _iso(epoch):
    return None if epoch is None else time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def serving_lists(served: DataFrame, events: DataFrame) -> DataFrame:
    codes = events.filter(F.col("category_code").isNotNull()).groupBy("category_id").agg(F.max("category_code").alias("category_code"))
    items = served.join(F.broadcast(codes), "category_id", "left")
    return items.groupBy("user_id").agg(
        F.transform(F.array_sort(F.collect_list(F.struct("rank", "category_id", "category_code", F.col("score").alias("affinity")))), lambda s: s.dropFields("rank")).alias("categories")
    )


def run(spark: SparkSession, lake: str, events: DataFrame = None):
    """`events`: the curated events when the caller already holds them (the one-application run)."""
    if events is None:
        events = spark.read.parquet(at(lake, LAKE["eventsPrefix"]))
    table, served, document = categories(spark, events)
    lists = serving_lists(served, events)
    lists.write.mode("overwrite").option("ignoreNullFields", "false").json(at(lake, LAKE["topCategoriesPrefix"]))
    # Every user of the affinity table gets a list (padded with the most popular): count them on the
    # cached table instead of reading the written JSON back.
    document["served_users"] = table.select("user_id").distinct().count()
    table.unpersist()
    io.write_json(spark, at(lake, LAKE["topCategoriesMetricsKey"]), document)
    test = document["test"]
    log("weights (view, cart, purchase) chosen on validation: %s" % document["weights"]["view_cart_purchase"])
    log("test from %s: %d users; recall@3 affinity %.4f vs most popular %.4f; hit-rate@3 %.4f vs %.4f" % (
        document["split"]["test"]["cut"], test["affinity"]["users"], test["affinity"]["recall_at_3"], test["popular"]["recall_at_3"], test["affinity"]["hit_rate_at_3"], test["popular"]["hit_rate_at_3"]))
    log("wrote top-%d categories of %d users" % (TOP_K, document["served_users"]))
    return document


def add_arguments(parser):
    parser.add_argument("--lake", required=True, help="lake root; reads %s, writes %s and %s" % (LAKE["eventsPrefix"], LAKE["topCategoriesPrefix"], LAKE["topCategoriesMetricsKey"]))


def main(spark: SparkSession, args):
    return run(spark, args.lake)
