"""categories: sessionized events -> each user's top-3 categories, evaluated on a time split.

Affinity(user, category) = w_view * views + w_cart * carts + w_purchase * purchases over the
user's events before a cut (remove_from_cart counts for nothing); the three highest, ties to
the more recently touched category, then the smaller id. A user with fewer than three gets
the most popular categories (most events before the cut) after their own. Events without user
or category are left out.
Time split by event time: validation cut at the 60 % quantile of event times, test cut at the
80 % quantile (so each side holds events however uneven the traffic). At a cut, the evaluated
users are those with events before it and with events after it (up to the next cut, or the end);
their truth is the set of categories they touched (any event type) after the cut.
recall@3 = |top-3 ∩ truth| / |truth|, averaged over those users; hit-rate@3 = share of users with
at least one hit. Baselines: each user's own most-viewed categories (weights 1/0/0, padded with
the most popular), and the three categories with most events before the cut, for everyone.
The weights are chosen on validation (WEIGHTS) when it has at least MIN_USERS users, and judged on
test (at least MIN_USERS users) with a 95 % interval over resampled users. The served lists use all
events and the chosen weights only when they beat the best baseline by more than the interval;
otherwise each user's own most-viewed categories.
"""
import json
import time

import numpy as np
from pyspark.sql import Column, DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from recstream_jobs import io
from recstream_jobs.progress import progress

from . import intent_metrics as metrics
from .common import at, by_user, rounded
from .contract import LAKE

log = progress("categories")
TOP_K = 3
CUTS = {"validation": (0.6, 0.8), "test": (0.8, None)}
# (view, cart, purchase) weights tried on validation.
WEIGHTS = [(1, 0, 0), (1, 2, 4), (1, 5, 10), (1, 10, 30), (0, 1, 1)]
# Views only: each customer's own most-viewed categories, the baseline and the default.
OWN = (1, 0, 0)
OWN_KEY = str(list(OWN))
AFFINITY, OWN_MOST_VIEWED, MOST_POPULAR = "affinity", "own_most_viewed", "most_popular"
MIN_USERS = 30
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


def _summary(recalls, hits) -> dict:
    return {"users": len(recalls), "recall_at_3": rounded(float(np.mean(recalls)) if len(recalls) else 0.0), "hit_rate_at_3": rounded(float(np.mean(hits)) if len(hits) else 0.0)}


def evaluate(table: DataFrame, spark: SparkSession, period: str, weight_grid) -> dict:
    """recall@3 at one cut for each weighting and for the most-popular baseline, in one pass over the table.
    Evaluated: the users with history before the cut and truth (categories touched after it). `per_user`: each
    name's recall per evaluated user (arrays in one user order, for the paired bootstrap over users)."""
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
        measures += [recall.alias(name + "_recall"), hit.alias(name + "_hit")]
    rows = per_user.select(*measures).collect()
    column = lambda c: np.array([r[c] for r in rows], dtype=float)  # noqa: E731
    recalls = {key: column(name + "_recall") for key, name in {**names, "popular": "popular"}.items()}
    return {
        "affinity": {key: _summary(recalls[key], column(name + "_hit")) for key, name in names.items()},
        "popular": _summary(recalls["popular"], column("popular_hit")),
        "popular_categories": most_popular,
        "per_user": recalls,
    }


def cut_times(events: DataFrame) -> dict:
    """Validation and test cuts at the CUTS quantiles of the event times (not of the time range: a quiet stretch of
    traffic would leave a window nearly empty), as epoch seconds."""
    t = events.select(F.col("event_ts").cast("long").alias("t"))
    shares = sorted({share for pair in CUTS.values() for share in pair if share is not None})
    at = dict(zip(shares, (int(q) for q in t.approxQuantile("t", shares, 0.0005)))) if events.take(1) else {}
    return {name: (at.get(cut), None if end is None else at.get(end)) for name, (cut, end) in CUTS.items()}


def judged(test: dict, chosen_key: str) -> dict:
    """recall@3 on test with intervals over resampled users: the chosen weighting against the baselines (the
    user's own most-viewed categories, and the most popular for everyone), and the paired difference to the best."""
    names = {AFFINITY: chosen_key, OWN_MOST_VIEWED: OWN_KEY, MOST_POPULAR: "popular"}
    recalls = {name: test["per_user"][key] for name, key in names.items() if name != AFFINITY or chosen_key != OWN_KEY}
    draws = metrics.bootstrap(metrics.mean_of, None, recalls)
    figure = lambda n: {"name": n, "recall_at_3": rounded(float(np.mean(recalls[n]))), "interval": metrics.interval(draws[n])}  # noqa: E731
    model = AFFINITY if AFFINITY in recalls else OWN_MOST_VIEWED
    baselines = [n for n in (OWN_MOST_VIEWED, MOST_POPULAR) if n != model]
    best = max(baselines, key=lambda n: float(np.mean(recalls[n])))
    difference = metrics.interval(draws[model] - draws[best])
    return {
        "metric": "recall_at_3",
        "resamples": metrics.BOOTSTRAP_RESAMPLES,
        "level": metrics.LEVEL,
        "resampled": "test users",
        "users": len(recalls[model]),
        "model": {**figure(model), "weights": json.loads(chosen_key)},
        "baselines": [figure(n) for n in baselines],
        "best_baseline": best,
        "difference": {"value": rounded(float(np.mean(recalls[model]) - np.mean(recalls[best]))), "interval": difference},
        "skill": bool(difference[0] > 0),
    }


def served_policy(validation_users, quality, chosen):
    """The weights the served lists use, and why: the chosen weighting only when it beats the best baseline by more
    than the interval; otherwise the user's own most-viewed categories (padded with the most popular)."""
    if validation_users < MIN_USERS:
        return OWN, "not enough users to choose weights on validation (%d < minimum %d): serving each customer's own most-viewed categories" % (validation_users, MIN_USERS)
    if quality is None:
        return OWN, "not enough users on test to judge the weights (minimum %d): serving each customer's own most-viewed categories" % MIN_USERS
    if chosen != OWN and quality["skill"]:
        return chosen, "weights %s beat %s by more than the interval" % (list(chosen), quality["best_baseline"].replace("_", " "))
    if chosen != OWN:
        return OWN, "weights %s do not beat %s by more than the interval: serving each customer's own most-viewed categories" % (list(chosen), quality["best_baseline"].replace("_", " "))
    return OWN, "views alone won on validation: serving each customer's own most-viewed categories"


def categories(spark: SparkSession, events: DataFrame, cuts: dict = None):
    """`cuts`: {period: (cut, end)} epoch seconds; by default at the CUTS quantiles of the event times."""
    events = events.select("user_id", "category_id", "event_type", "event_ts")
    cuts = cuts or cut_times(events)
    usable = all(cut is not None for cut, _ in cuts.values())
    table = affinity_table(events, cuts if usable else {}).persist()
    validation = evaluate(table, spark, "validation", WEIGHTS) if usable else None
    validation_users = validation["popular"]["users"] if validation else 0
    chosen = OWN
    if validation_users >= MIN_USERS:
        chosen = max(WEIGHTS, key=lambda w: (validation["affinity"][str(list(w))]["recall_at_3"], -WEIGHTS.index(w)))
    test = evaluate(table, spark, "test", sorted({chosen, OWN})) if usable else None
    test_users = test["popular"]["users"] if test else 0
    quality = judged(test, str(list(chosen))) if test_users >= MIN_USERS else None
    served_weights, reason = served_policy(validation_users, quality, chosen)
    most_popular = popular(table, "all")
    lists = _ranked(table, "all", served_weights, "served").groupBy("user_id").agg(_padded(_own("served"), most_popular).alias("categories"))
    # One row per (user, category) with its place in the user's list and its affinity (null: a popular fill).
    served = lists.select("user_id", F.posexplode("categories").alias("rank", "item")).select(
        "user_id", "item.category_id", F.col("item.score").alias("score"), (F.col("rank") + 1).alias("rank"))
    for evaluation in (validation, test):
        if evaluation:
            evaluation.pop("per_user")
    if test:
        test["affinity"] = test["affinity"][str(list(chosen))]
    return table, served, {
        "k": TOP_K,
        "weights": {"view_cart_purchase": list(chosen), "tried_on_validation": validation["affinity"] if validation else {}},
        "split": {name: {"cut": _iso(cut), "until": _iso(end)} for name, (cut, end) in cuts.items()},
        "split_rule": "validation cut at the 60 %% quantile of event times, test cut at the 80 %% quantile; at least %d evaluated users each" % MIN_USERS,
        "validation_popular": validation["popular"] if validation else None,
        "test": test,
        "quality": quality if quality else {"enough": False, "reason": "not enough users on test to judge (%d < minimum %d)" % (test_users, MIN_USERS)},
        "served": {"weights": list(served_weights), "own_most_viewed": served_weights == OWN, "reason": reason},
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
    log("weights (view, cart, purchase) chosen on validation: %s" % document["weights"]["view_cart_purchase"])
    q = document["quality"]
    if q.get("enough", True):
        log("test from %s: %d users; recall@3 (%d%% interval over %d resampled users):" % (document["split"]["test"]["cut"], q["users"], round(100 * q["level"]), q["resamples"]))
        for figure in [q["model"], *q["baselines"]]:
            log("  %-16s %.4f [%.4f, %.4f]" % (figure["name"], figure["recall_at_3"], *figure["interval"]))
        log("  difference to %s: %+.4f [%+.4f, %+.4f]" % (q["best_baseline"], q["difference"]["value"], *q["difference"]["interval"]))
    else:
        log(q["reason"])
    log("served weights %s: %s" % (document["served"]["weights"], document["served"]["reason"]))
    log("wrote top-%d categories of %d users" % (TOP_K, document["served_users"]))
    return document


def add_arguments(parser):
    parser.add_argument("--lake", required=True, help="lake root; reads %s, writes %s and %s" % (LAKE["eventsPrefix"], LAKE["topCategoriesPrefix"], LAKE["topCategoriesMetricsKey"]))


def main(spark: SparkSession, args):
    return run(spark, args.lake)
