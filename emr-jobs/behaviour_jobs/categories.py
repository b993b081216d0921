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

from pyspark.sql import Column, DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from recstream_jobs import io
from recstream_jobs.progress import progress

from .common import at, by_user, rounded
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


def _ranked(table: DataFrame, period: str, weights, name: str) -> DataFrame:
    """`table` + `<name>_score` and `<name>_rank`: the weighted affinity before the cut and its place among
    the user's categories (ties: more recently touched, then smaller id). A window per weighting, all
    partitioned by user: on a table partitioned by user (common.by_user) they sort but never shuffle."""
    wv, wc, wp = weights
    score = (wv * F.col(period + "_view") + wc * F.col(period + "_cart") + wp * F.col(period + "_purchase")).cast("double")
    ranked = Window.partitionBy("user_id").orderBy(F.desc(name + "_score"), F.desc(period + "_last"), "category_id")
    return table.withColumn(name + "_score", score).withColumn(name + "_rank", F.row_number().over(ranked))


def _own(name: str, k=TOP_K) -> Column:
    """Aggregate: the user's own top-k (positive scores only) as (fill_rank, category_id, score) structs, best first."""
    mine = (F.col(name + "_score") > 0) & (F.col(name + "_rank") <= k)
    return F.array_sort(F.collect_list(F.when(mine, F.struct(F.col(name + "_rank").cast("double").alias("fill_rank"), "category_id", F.col(name + "_score").alias("score")))))


def _padded(own: Column, most_popular, k=TOP_K) -> Column:
    """Each user's own top categories, then the most popular ones they lack, k in all (structs as _own's).
    A popular category's place is k + its 1-based rank among the popular ones, after every own one."""
    fill = F.array(*[F.struct(F.lit(float(k + 1 + i)).alias("fill_rank"), F.lit(c).alias("category_id"), F.lit(None).cast("double").alias("score")) for i, c in enumerate(most_popular)])
    lacking = F.filter(fill, lambda p: ~F.exists(own, lambda o: o["category_id"] == p["category_id"]))
    return F.slice(F.array_sort(F.concat(own, lacking)), 1, k) if most_popular else F.slice(own, 1, k)


def popular(table: DataFrame, period: str, k=TOP_K):
    events = sum(F.col("%s_%s" % (period, kind)) for kind in SCORED_TYPES)
    rows = table.groupBy("category_id").agg(F.sum(events).alias("n")).orderBy(F.desc("n"), "category_id").limit(k).collect()
    return [r["category_id"] for r in rows if r["n"]]


def _recall(picked: Column, truth: Column) -> tuple:
    """Per user: recall@k = |picked ∩ truth| / |truth| and hit = at least one of them."""
    hits = F.size(F.array_intersect(F.transform(picked, lambda p: p["category_id"]), truth))
    return hits / F.size(truth), (hits > 0).cast("double")


def _summary(r, name) -> dict:
    return {"users": int(r["users"]), "recall_at_3": rounded(r[name + "_recall"] or 0.0), "hit_rate_at_3": rounded(r[name + "_hit"] or 0.0)}


def evaluate(table: DataFrame, spark: SparkSession, period: str, weight_grid) -> dict:
    """recall@3 at one cut for each weighting and for the most-popular baseline, in one pass over the table.
    Evaluated: the users with history before the cut and truth (categories touched after it)."""
    most_popular = popular(table, period)
    names = {str(list(w)): "w%d" % i for i, w in enumerate(weight_grid)}
    ranked = table
    for w in weight_grid:
        ranked = _ranked(ranked, period, w, names[str(list(w))])
    history = F.col(period + "_view") + F.col(period + "_cart") + F.col(period + "_purchase")
    per_user = ranked.groupBy("user_id").agg(
        F.max((history > 0).cast("int")).alias("has_history"),
        F.collect_list(F.when(F.col(period + "_truth") == 1, F.col("category_id"))).alias("truth"),
        *[_own(name).alias(name) for name in names.values()],
    ).filter((F.col("has_history") == 1) & (F.size("truth") > 0))
    baseline = F.array(*[F.struct(F.lit(c).alias("category_id")) for c in most_popular]) if most_popular else F.array().cast("array<struct<category_id:string>>")
    measures = []
    for name in [*names.values(), "popular"]:
        recall, hit = _recall(baseline if name == "popular" else _padded(F.col(name), most_popular), F.col("truth"))
        measures += [F.avg(recall).alias(name + "_recall"), F.avg(hit).alias(name + "_hit")]
    r = per_user.agg(F.count(F.lit(1)).alias("users"), *measures).first()
    return {"affinity": {key: _summary(r, name) for key, name in names.items()}, "popular": _summary(r, "popular"), "popular_categories": most_popular}


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
    most_popular = popular(table, "all")
    lists = _ranked(table, "all", chosen, "served").groupBy("user_id").agg(_padded(_own("served"), most_popular).alias("categories"))
    # One row per (user, category) with its place in the user's list and its affinity (null: a popular fill).
    served = lists.select("user_id", F.posexplode("categories").alias("rank", "item")).select(
        "user_id", "item.category_id", F.col("item.score").alias("score"), (F.col("rank") + 1).alias("rank"))
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
    """`events`: the curated events partitioned by user when the caller already holds them (the one-application run)."""
    if events is None:
        events = by_user(spark.read.parquet(at(lake, LAKE["eventsPrefix"])))
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
