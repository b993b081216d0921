"""Each user's candidate lists (own purchases, ALS, popular, own categories) and how the ranking policies score on them."""
import datetime

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from .. import metrics, ranking

# Popular products kept for baselines and top-ups (more than k: seen ones may be skipped).
POPULAR_CANDIDATES = 50
# The category fill: each category's most bought products over this many days before the cut.
CATEGORY_DAYS = 90
CATEGORY_CANDIDATES = 10


def purchases(curated: DataFrame) -> DataFrame:
    """Known users' purchases: guests can be neither personalised nor evaluated."""
    return curated.filter(F.col("user_id").isNotNull()).select("user_id", "product_id", "event_time", "quantity", "order_id", "category_id")

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

def category_popular(bought: DataFrame, before, days=CATEGORY_DAYS, n=CATEGORY_CANDIDATES):
    """{category_id: [(product_id, line items by known users)] best n first} over the `days` before `before`."""
    window = bought.filter(
        F.col("category_id").isNotNull() & (F.col("event_time") < F.lit(before)) & (F.col("event_time") >= F.lit(before - datetime.timedelta(days=days)))
    )
    # min over (-count, product_id) per category, n times, would be n aggregates: the per-category
    # counts are small (hundreds of categories), so sort them on the driver.
    counts = window.groupBy("category_id", "product_id").count().collect()
    lists = {}
    for r in sorted(counts, key=lambda r: (-r["count"], r["product_id"])):
        ranked = lists.setdefault(r["category_id"], [])
        if len(ranked) < n:
            ranked.append((r["product_id"], float(r["count"])))
    return lists

def own_categories(bought: DataFrame) -> DataFrame:
    """user_id -> categories: [(category_id, the user's line items in it)]."""
    per_category = bought.filter(F.col("category_id").isNotNull()).groupBy("user_id", "category_id").agg(F.count(F.lit(1)).cast("double").alias("n"))
    return per_category.groupBy("user_id").agg(F.collect_list(F.struct(F.col("category_id").alias("product_id"), F.col("n").alias("score"))).alias("categories"))

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

def pairs(values):
    return [(v["product_id"], v["score"]) for v in values or []]

def collect_history(bought: DataFrame, users: DataFrame):
    """user_id -> ([(product_id, units)], [(category_id, line items)]) on the driver (evaluation users only: a few thousand)."""
    rows = users.join(history(bought), "user_id").join(own_categories(bought), "user_id", "left").collect()
    return {r["user_id"]: (pairs(r["seen"]), pairs(r["categories"])) for r in rows}

def collect_candidates(model, users: DataFrame, own, popular_list, by_category):
    """user_id -> ranking.Candidates for the evaluation users; `model` None: no ALS list."""
    als = {r["user_id"]: pairs(r["als"]) for r in model.candidates(users).collect()} if model else {}
    return {
        u: ranking.Candidates(seen, als.get(u, []), popular_list, ranking.category_affinity(categories, by_category, seen, CATEGORY_CANDIDATES))
        for u, (seen, categories) in own.items()
    }

def evaluate_policies(candidates, truth, policies, k):
    """policy -> metrics over the users in `truth`."""
    def lists(policy):
        return {u: [item.product_id for item in ranking.POLICIES[policy](c, k)] for u, c in candidates.items()}

    return {policy: metrics.evaluate(lists(policy), truth, k) for policy in policies}
