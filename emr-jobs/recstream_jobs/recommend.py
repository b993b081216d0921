"""recommend: curated purchases -> top-3 per user (implicit ALS + measured repeat/popular policy).

Every run (README "recommend"):
1. Time split on the dated purchases of known users: the last --holdout-days are the
   holdout, the --validation-days before them the validation window.
2. Grid: for each ALS setting, train on everything before the validation window and score
   every policy of ranking.POLICIES on users active in both periods; the best validation
   NDCG@3 picks the ALS setting and the policy together.
3. Holdout: retrain the chosen setting on everything before the holdout and report
   precision/recall/NDCG/hit-rate@3 for ALS, the baselines and the served list.
4. Serving: retrain on all purchases (undated ones too), write one line per user, the
   popularity fallback and metrics.json.
"""
import datetime
import time

import numpy as np
from pyspark.ml.recommendation import ALS
from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from . import io, metrics, ranking
from .contract import FALLBACK_USER_ID, LAKE, TOP_K

# ALS candidates kept per user, so that dropping already-bought items still leaves k.
ALS_CANDIDATES = 20
# Popular products kept for baselines and top-ups (more than k: seen ones may be skipped).
POPULAR_CANDIDATES = 50
SERVING_PREFIX = "serving/"
assert all(LAKE[key].startswith(SERVING_PREFIX) for key in ("recommendationsPrefix", "fallbackKey", "metricsKey"))
# One recommended product of one user's served list, before product details are attached.
SERVED_ITEM = "user_id string, pos int, product_id string, score double, source string"
# Served when the data cannot measure policies: the best on the real data (README).
DEFAULT_POLICY = "repeat_then_als"
GRIDS = {
    # (rank, regParam, alpha): small on purpose, the whole run must stay within minutes on 2 cores.
    "small": [(16, 0.1, 10.0), (48, 0.5, 10.0), (48, 0.5, 40.0)],
    "none": [],
}


def serving_path(output, lake_key):
    """The contract's serving keys (`serving/...`) resolved under --output, which is `<lake>/serving/`."""
    return io.join(output, LAKE[lake_key][len(SERVING_PREFIX):])


def log(message):
    print("[recommend %s] %s" % (datetime.datetime.utcnow().strftime("%H:%M:%S"), message), flush=True)


def purchases(curated: DataFrame) -> DataFrame:
    """Known users' purchases: guests can be neither personalised nor evaluated."""
    return curated.filter(F.col("user_id").isNotNull()).select("user_id", "product_id", "event_time", "quantity", "order_id")


def product_details(curated: DataFrame) -> DataFrame:
    """product_id -> the category, brand and price of its latest sale, price as the decimal string."""
    # max over (time, price, ...): a hash aggregate; undated sales (null time) lose to dated ones.
    latest = F.max(F.struct("event_time", "price", "category_code", "brand")).alias("latest")
    return curated.groupBy("product_id").agg(latest).select(
        "product_id", "latest.category_code", "latest.brand", F.col("latest.price").cast("string").alias("price")
    )


def popular(bought: DataFrame, before, days, n=POPULAR_CANDIDATES):
    """The n products bought by the most known users in the `days` before `before`, as
    [(product_id, share of those users)]. Recent and known-user only, by measurement: on the
    real data the all-time list (guests included) is cheap guest-only items that no known
    user bought in the holdout (hit-rate 0), the 30-day known-user list hits 3%."""
    window = bought.filter((F.col("event_time") < F.lit(before)) & (F.col("event_time") >= F.lit(before - datetime.timedelta(days=days))))
    buyers = window.select(F.countDistinct("user_id")).first()[0] or 1
    rows = (
        window.groupBy("product_id")
        .agg(F.countDistinct("user_id").alias("buyers"))
        .orderBy(F.desc("buyers"), "product_id")
        .limit(n)
        .collect()
    )
    return [(r["product_id"], round(r["buyers"] / buyers, 6)) for r in rows]


def history(bought: DataFrame) -> DataFrame:
    """user_id -> seen: [(product_id, units)], most units first, then most recent."""
    per_item = bought.groupBy("user_id", "product_id").agg(
        F.sum("quantity").alias("units"), F.max("event_time").alias("last")
    )
    ordered = F.sort_array(
        F.collect_list(F.struct(-F.col("units"), F.coalesce(-F.unix_timestamp("last"), F.lit(0)), "product_id", "units")).alias("s")
    )
    return per_item.groupBy("user_id").agg(ordered.alias("s")).select(
        "user_id", F.expr("transform(s, x -> struct(x.product_id as product_id, cast(x.units as double) as score))").alias("seen")
    )


def dense_ids(df: DataFrame, column: str, index: str) -> DataFrame:
    """ALS wants int ids; the store's ids are 19-digit strings, so number them 0..n-1."""
    return df.select(column).distinct().withColumn(index, (F.row_number().over(Window.orderBy(column)) - 1).cast("int"))


def top_items(rows, item_factors, n, chunk=2048):
    """(user_id, features) rows -> (user_id, [(product_id, score)] best n first)."""
    item_ids, matrix = item_factors
    rows = list(rows)
    n = min(n, len(item_ids))
    for start in range(0, len(rows), chunk):
        batch = rows[start : start + chunk]
        scores = np.array([r[1] for r in batch], dtype=np.float32) @ matrix.T
        best = np.argpartition(-scores, n - 1, axis=1)[:, :n]
        for row, candidates, user_scores in zip(batch, best, scores):
            ordered = sorted(candidates, key=lambda j: -user_scores[j])
            yield row[0], [(item_ids[j], float(user_scores[j])) for j in ordered]


class Model:
    """An implicit ALS model plus the id maps to speak product/user ids."""

    def __init__(self, bought: DataFrame, rank, reg_param, alpha, max_iter, seed):
        started = time.time()
        blocks = max(2, min(10, bought.sparkSession.sparkContext.defaultParallelism))
        self.users = dense_ids(bought, "user_id", "u").persist()
        self.items = dense_ids(bought, "product_id", "i").persist()
        # Confidence grows with units bought: c = 1 + alpha * units (Hu, Koren, Volinsky).
        ratings = (
            bought.groupBy("user_id", "product_id")
            .agg(F.sum("quantity").cast("float").alias("units"))
            .join(self.users, "user_id")
            .join(self.items, "product_id")
        )
        als = ALS(
            rank=rank,
            regParam=reg_param,
            alpha=alpha,
            maxIter=max_iter,
            seed=seed,
            implicitPrefs=True,
            userCol="u",
            itemCol="i",
            ratingCol="units",
            coldStartStrategy="drop",
            # Spark's default of 10 blocks means many tiny tasks on a small cluster.
            numUserBlocks=blocks,
            numItemBlocks=blocks,
        )
        self.model = als.fit(ratings)
        # Cut the factors off ALS's iteration lineage: otherwise every later task re-ships it.
        self.user_factors = self.model.userFactors.localCheckpoint()
        self.fit_seconds = round(time.time() - started, 1)

    def candidates(self, users: DataFrame) -> DataFrame:
        """user_id -> als: [(product_id, score)] best first, for the given users the model knows.

        Scores with numpy against broadcast item factors: Spark's recommendForUserSubset does
        the same product in the JVM several times slower, and this stays distributed."""
        items = self.model.itemFactors.join(self.items.withColumnRenamed("i", "id"), "id").collect()
        item_ids = [r["product_id"] for r in items]
        matrix = np.array([r["features"] for r in items], dtype=np.float32).reshape(len(items), -1)
        factors = users.sparkSession.sparkContext.broadcast((item_ids, matrix))
        user_factors = self.user_factors.join(self.users.withColumnRenamed("u", "id"), "id").join(users, "user_id")
        ranked = user_factors.select("user_id", "features").rdd.mapPartitions(lambda rows: top_items(rows, factors.value, ALS_CANDIDATES))
        return users.sparkSession.createDataFrame(ranked, "user_id string, als array<struct<product_id: string, score: double>>")

    def release(self):
        self.users.unpersist()
        self.items.unpersist()


def _pairs(values):
    return [(v["product_id"], v["score"]) for v in values or []]


def collect_seen(bought: DataFrame, users: DataFrame):
    """user_id -> [(product_id, units)] on the driver (evaluation users only: a few thousand)."""
    return {r["user_id"]: _pairs(r["seen"]) for r in users.join(history(bought), "user_id").collect()}


def collect_candidates(model: Model, users: DataFrame, seen, popular_list):
    """user_id -> ranking.Candidates for the evaluation users."""
    als = {r["user_id"]: _pairs(r["als"]) for r in model.candidates(users).collect()}
    return {u: ranking.Candidates(s, als.get(u, []), popular_list) for u, s in seen.items()}


def evaluate_policies(candidates, truth, policies, k):
    """policy -> metrics over the users in `truth`."""
    def lists(policy):
        return {u: [item.product_id for item in ranking.POLICIES[policy](c, k)] for u, c in candidates.items()}

    return {policy: metrics.evaluate(lists(policy), truth, k) for policy in policies}


def split_window(bought: DataFrame, start, end):
    """(training purchases before start, truth: user -> products bought in [start, end))."""
    before = bought.filter(F.col("event_time") < F.lit(start))
    during = bought.filter((F.col("event_time") >= F.lit(start)) & (F.col("event_time") < F.lit(end)))
    active = during.select("user_id").distinct().join(before.select("user_id").distinct(), "user_id")
    truth = {}
    for r in during.join(active, "user_id").select("user_id", "product_id").distinct().collect():
        truth.setdefault(r["user_id"], set()).add(r["product_id"])
    return before, active, truth


def time_split(bought: DataFrame, holdout_days, validation_days):
    last = bought.agg(F.max("event_time")).first()[0]
    if last is None:
        raise SystemExit("recommend: no dated purchases by known users, nothing to evaluate")
    end = last + datetime.timedelta(seconds=1)
    holdout_start = (last - datetime.timedelta(days=holdout_days)).replace(hour=0, minute=0, second=0, microsecond=0)
    validation_start = holdout_start - datetime.timedelta(days=validation_days)
    return validation_start, holdout_start, end


def grid_search(dated, args, validation_start, holdout_start):
    train, active, truth = split_window(dated, validation_start, holdout_start)
    popular_list = popular(dated, validation_start, args.popular_days)
    log("validation: %d users active before and during [%s, %s)" % (len(truth), validation_start, holdout_start))
    settings = GRIDS[args.grid] or [(args.rank, args.reg_param, args.alpha)]
    if not truth:
        # Too little history to measure anything (e.g. a store with a few weeks of data).
        chosen = {"rank": args.rank, "reg_param": args.reg_param, "alpha": args.alpha, "max_iter": args.max_iter}
        return {"validation_users": 0, "grid": [], "chosen": {**chosen, "policy": DEFAULT_POLICY, "by": "default: no user bought both before and during validation"}}
    train = train.persist()
    seen = collect_seen(train, active)
    results = []
    for rank, reg_param, alpha in settings:
        model = Model(train, rank, reg_param, alpha, args.max_iter, args.seed)
        scores = evaluate_policies(collect_candidates(model, active, seen, popular_list), truth, ranking.POLICIES, TOP_K)
        model.release()
        results.append({"rank": rank, "reg_param": reg_param, "alpha": alpha, "max_iter": args.max_iter, "fit_seconds": model.fit_seconds, "validation": scores})
        log("rank=%d reg=%.2f alpha=%.0f fit %.1fs: %s" % (rank, reg_param, alpha, model.fit_seconds, {p: s["ndcg"] for p, s in scores.items()}))
    train.unpersist()
    best = max(
        ((r, p) for r in results for p in ranking.POLICIES),
        key=lambda rp: (rp[0]["validation"][rp[1]]["ndcg"], rp[0]["validation"][rp[1]]["recall"]),
    )
    setting, policy = best
    chosen = {k: setting[k] for k in ("rank", "reg_param", "alpha", "max_iter")}
    return {"validation_users": len(truth), "grid": results, "chosen": {**chosen, "policy": policy, "by": "validation ndcg@3, then recall@3"}}


def holdout_metrics(dated, chosen, args, holdout_start, end):
    train, active, truth = split_window(dated, holdout_start, end)
    if not truth:
        log("holdout: no user bought both before and during it, nothing to measure")
        return {"holdout_users": 0, "metrics": {}}
    popular_list = popular(dated, holdout_start, args.popular_days)
    model = Model(train, chosen["rank"], chosen["reg_param"], chosen["alpha"], chosen["max_iter"], args.seed)
    candidates = collect_candidates(model, active, collect_seen(train, active), popular_list)
    model.release()
    scores = evaluate_policies(candidates, truth, ranking.POLICIES, TOP_K)
    served = {u: [i.product_id for i in ranking.serve(chosen["policy"], c, TOP_K)] for u, c in candidates.items()}
    scores["served"] = metrics.evaluate(served, truth, TOP_K)
    log("holdout: %d users; served %s vs popular %s" % (len(truth), scores["served"], scores["popular"]))
    return {"holdout_users": len(truth), "fit_seconds": model.fit_seconds, "metrics": scores}


def with_details(items: DataFrame, details: DataFrame) -> DataFrame:
    """SERVED_ITEM rows -> one UserRecommendations row per user."""
    item = F.struct(
        F.col("product_id"), F.col("score"), F.col("category_code"), F.col("brand"), F.col("price"), F.col("source")
    )
    return (
        items.join(F.broadcast(details), "product_id", "left")
        .groupBy("user_id")
        .agg(F.sort_array(F.collect_list(F.struct("pos", item.alias("item"), "source"))).alias("l"))
        .select(
            "user_id",
            F.expr("transform(l, x -> x.item)").alias("recommendations"),
            # A list is named after its first item; each item keeps its own source.
            F.col("l")[0]["source"].alias("source"),
        )
    )


def serve_all(spark, bought, details, chosen, args, popular_list):
    """Every known user's served list, as UserRecommendations rows."""
    model = Model(bought, chosen["rank"], chosen["reg_param"], chosen["alpha"], chosen["max_iter"], args.seed)
    log("serving model fitted in %.0fs" % model.fit_seconds)
    users = bought.select("user_id").distinct()
    inputs = users.join(history(bought), "user_id").join(model.candidates(users), "user_id", "left")
    policy = chosen["policy"]

    def serve_row(row):
        c = ranking.Candidates(_pairs(row["seen"]), _pairs(row["als"]), popular_list)
        items = ranking.serve(policy, c, TOP_K)
        return [(row["user_id"], pos, i.product_id, i.score, i.origin) for pos, i in enumerate(items)]

    items = spark.createDataFrame(inputs.rdd.flatMap(serve_row), SERVED_ITEM)
    return model, with_details(items, details)


def fallback_row(spark, details, popular_list):
    """The `__fallback__` user: the popularity list, for users the model has never seen."""
    items = [(FALLBACK_USER_ID, pos, p, float(s), "fallback") for pos, (p, s) in enumerate(popular_list[:TOP_K])]
    return with_details(spark.createDataFrame(items, SERVED_ITEM), details)


def run(spark: SparkSession, args):
    started = time.time()
    curated = spark.read.parquet(args.input).persist()
    bought = purchases(curated).persist()
    dated = bought.filter(F.col("event_time").isNotNull())
    validation_start, holdout_start, end = time_split(dated, args.holdout_days, args.validation_days)
    log("split: validation from %s, holdout from %s to %s" % (validation_start, holdout_start, end))
    selection = grid_search(dated, args, validation_start, holdout_start)
    log("chosen %s" % selection["chosen"])
    holdout = holdout_metrics(dated, selection["chosen"], args, holdout_start, end)

    popular_list = popular(dated, end, args.popular_days)
    details = product_details(curated).persist()
    model, served = serve_all(spark, bought, details, selection["chosen"], args, popular_list)
    served = served.unionByName(fallback_row(spark, details, popular_list)).persist()
    root = args.output
    served.coalesce(4).write.mode("overwrite").option("ignoreNullFields", "false").json(serving_path(root, "recommendationsPrefix"))
    by_source = {r["source"]: r["count"] for r in served.groupBy("source").count().collect()}
    fallback = served.filter(F.col("user_id") == FALLBACK_USER_ID).first().asDict(recursive=True)
    io.write_json(spark, serving_path(root, "fallbackKey"), fallback)

    document = {
        "k": TOP_K,
        "split": {
            "validation_start": validation_start.isoformat() + "Z",
            "holdout_start": holdout_start.isoformat() + "Z",
            "end": end.isoformat() + "Z",
            "holdout_days": args.holdout_days,
            "validation_days": args.validation_days,
            "evaluated_users": "known users who bought both before and inside the window",
        },
        **selection,
        "holdout": holdout,
        "serving": {"users": sum(by_source.values()) - 1, "by_source": by_source, "fit_seconds": model.fit_seconds},
        "seconds": round(time.time() - started, 1),
    }
    model.release()
    io.write_json(spark, serving_path(root, "metricsKey"), document)
    log("wrote %d users' recommendations, fallback and metrics under %s in %.0fs" % (document["serving"]["users"], root, document["seconds"]))
    return document


def add_arguments(parser):
    parser.add_argument("--input", required=True, help="curated Parquet (<lake>/curated/purchases/)")
    parser.add_argument("--output", required=True, help="serving folder (<lake>/serving/); writes recommendations/, fallback.json, metrics.json")
    parser.add_argument("--holdout-days", type=int, default=30, help="last days held out for the reported metrics (default 30)")
    parser.add_argument("--validation-days", type=int, default=30, help="days before the holdout used to choose settings (default 30)")
    parser.add_argument("--rank", type=int, default=16, help="ALS rank when --grid none (default 16)")
    parser.add_argument("--reg-param", type=float, default=0.1, help="ALS regParam when --grid none (default 0.1)")
    parser.add_argument("--alpha", type=float, default=40.0, help="ALS confidence alpha when --grid none (default 40)")
    parser.add_argument("--popular-days", type=int, default=30, help="window of the popularity list (default 30)")
    parser.add_argument("--max-iter", type=int, default=10, help="ALS iterations (default 10)")
    parser.add_argument("--grid", choices=sorted(GRIDS), default="small", help="small: search rank/regParam/alpha; none: use the flags")
    parser.add_argument("--seed", type=int, default=42)


def main(spark: SparkSession, args):
    return run(spark, args)
