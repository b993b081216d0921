"""The served lists: every known user's top-k with product details, the fallback user, and where they go."""
from collections import Counter

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
# The served lines (UserRecommendations, contract/) are built on the driver from the users'
# candidate lists (a few MB for ~50,000 users on the real data) and written from there: joining
# details and grouping in Spark cost a shuffle and a scheduling round per step (README "recommend").
RECOMMENDATION_FIELDS = ("product_id", "score", "category_code", "brand", "price", "source", "times_bought")


def serving_path(output, lake_key):
    """The contract's serving keys (`serving/...`) resolved under --output, which is `<lake>/serving/`."""
    return io.join(output, LAKE[lake_key][len(SERVING_PREFIX):])


def product_details(curated: DataFrame):
    """{product_id: (category_code, brand, price)} from each product's latest sale, price as the decimal's string."""
    # max over (time, price, ...): a hash aggregate; undated sales (null time) lose to dated ones.
    latest = F.max(F.struct("event_time", "price", "category_code", "brand")).alias("latest")
    rows = curated.groupBy("product_id").agg(latest).select(
        "product_id", "latest.category_code", "latest.brand", F.col("latest.price").cast("string").alias("price")
    )
    return {r["product_id"]: (r["category_code"], r["brand"], r["price"]) for r in rows.collect()}


def served_line(user_id, items, details):
    """A user's ranking.Items as a UserRecommendations record. The list is named after its first
    item; each item keeps its own source. times_bought: units the user bought of a `repeat` item
    (null for other sources)."""
    recommendations = [
        (i.product_id, i.score, *details.get(i.product_id, (None, None, None)), i.origin, int(i.score) if i.origin == "repeat" else None)
        for i in items
    ]
    return {
        "user_id": user_id,
        "recommendations": [dict(zip(RECOMMENDATION_FIELDS, r)) for r in recommendations],
        "source": items[0].origin if items else None,
    }


def serve_all(spark, bought, details, chosen, args, popular_list, by_category):
    """Every known user's served line, and the ALS model if the policy needed one."""
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
    lines = [served_line(user, ranking.serve(policy, candidates, TOP_K), details) for user, candidates in sorted(served.items())]
    return model, [line for line in lines if line["recommendations"]]


def fallback_line(details, popular_list):
    """The `__fallback__` user: the popularity list, for users the model has never seen."""
    items = [ranking.Item(p, float(s), "fallback") for p, s in popular_list[:TOP_K]]
    return {**served_line(FALLBACK_USER_ID, items, details), "source": "fallback"}


def write_served(spark, lines, output):
    """Writes the part files and fallback.json under --output; returns the users per list source."""
    io.write_json_lines(spark, serving_path(output, "recommendationsPrefix"), lines)
    io.write_json(spark, serving_path(output, "fallbackKey"), next(line for line in lines if line["user_id"] == FALLBACK_USER_ID))
    return dict(Counter(line["source"] for line in lines))
