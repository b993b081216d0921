"""The served lists: every known user's top-k with product details, the fallback user, and where they go."""
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from .. import io, ranking
from ..contract import FALLBACK_USER_ID, LAKE, TOP_K
from ..progress import progress
from .als import Model
from .candidates import histories, user_candidates

log = progress("recommend")
SERVING_PREFIX = LAKE["servingPrefix"]
assert all(LAKE[key].startswith(SERVING_PREFIX) for key in ("recommendationsPrefix", "fallbackKey", "metricsKey"))
# One recommended product of one user's served list, before product details are attached.
# times_bought: units the user bought of a `repeat` item (null for other sources).
SERVED_ITEM = "user_id string, pos int, product_id string, score double, source string, times_bought int"


def serving_path(output, lake_key):
    """The contract's serving keys (`serving/...`) resolved under --output, which is `<lake>/serving/`."""
    return io.join(output, LAKE[lake_key][len(SERVING_PREFIX):])

def product_details(curated: DataFrame) -> DataFrame:
    """product_id -> the category, brand and price of its latest sale, price as the decimal string."""
    # max over (time, price, ...): a hash aggregate; undated sales (null time) lose to dated ones.
    latest = F.max(F.struct("event_time", "price", "category_code", "brand")).alias("latest")
    return curated.groupBy("product_id").agg(latest).select(
        "product_id", "latest.category_code", "latest.brand", F.col("latest.price").cast("string").alias("price")
    )

def with_details(items: DataFrame, details: DataFrame) -> DataFrame:
    """SERVED_ITEM rows -> one UserRecommendations row per user."""
    item = F.struct(
        F.col("product_id"), F.col("score"), F.col("category_code"), F.col("brand"), F.col("price"), F.col("source"), F.col("times_bought")
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


def serve_all(spark, bought, details, chosen, args, popular_list, by_category):
    """Every known user's served list, as UserRecommendations rows, and the ALS model if the policy needed one."""
    policy = chosen["policy"]
    history = histories(bought)
    served = user_candidates(history, {}, popular_list, by_category)
    model = None
    if policy in ranking.ALS_POLICIES:
        model = Model(spark, bought, chosen["rank"], chosen["reg_param"], chosen["alpha"], chosen["max_iter"], args.seed)
        readers = [u for u, c in served.items() if ranking.reads_als(policy, c, TOP_K)]
        for user, als in model.candidates(readers).items():
            served[user] = served[user]._replace(als=als)
        log("serving model fitted in %.0fs; %d of %d users' lists reach its candidates" % (model.fit_seconds, len(readers), len(served)))
    rows = []
    for user, candidates in sorted(served.items()):
        for pos, i in enumerate(ranking.serve(policy, candidates, TOP_K)):
            rows.append((user, pos, i.product_id, i.score, i.origin, int(i.score) if i.origin == "repeat" else None))
    return model, with_details(spark.createDataFrame(rows, SERVED_ITEM, verifySchema=False), details)


def fallback_row(spark, details, popular_list):
    """The `__fallback__` user: the popularity list, for users the model has never seen."""
    items = [(FALLBACK_USER_ID, pos, p, float(s), "fallback", None) for pos, (p, s) in enumerate(popular_list[:TOP_K])]
    return with_details(spark.createDataFrame(items, SERVED_ITEM), details)


def write_served(spark, served: DataFrame, output):
    """Writes the part files and fallback.json under --output; returns the users per list source."""
    served.coalesce(4).write.mode("overwrite").option("ignoreNullFields", "false").json(serving_path(output, "recommendationsPrefix"))
    by_source = {r["source"]: r["count"] for r in served.groupBy("source").count().collect()}
    fallback = served.filter(F.col("user_id") == FALLBACK_USER_ID).first().asDict(recursive=True)
    io.write_json(spark, serving_path(output, "fallbackKey"), fallback)
    return by_source
