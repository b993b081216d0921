"""Each user's candidate lists (own purchases, ALS, popular) and how the ranking policies score on them."""
import datetime

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from .. import metrics, ranking
from .als import Model

# Popular products kept for baselines and top-ups (more than k: seen ones may be skipped).
POPULAR_CANDIDATES = 50


def purchases(curated: DataFrame) -> DataFrame:
    """Known users' purchases: guests can be neither personalised nor evaluated."""
    return curated.filter(F.col("user_id").isNotNull()).select("user_id", "product_id", "event_time", "quantity", "order_id")

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

def pairs(values):
    return [(v["product_id"], v["score"]) for v in values or []]

def collect_seen(bought: DataFrame, users: DataFrame):
    """user_id -> [(product_id, units)] on the driver (evaluation users only: a few thousand)."""
    return {r["user_id"]: pairs(r["seen"]) for r in users.join(history(bought), "user_id").collect()}

def collect_candidates(model: Model, users: DataFrame, seen, popular_list):
    """user_id -> ranking.Candidates for the evaluation users."""
    als = {r["user_id"]: pairs(r["als"]) for r in model.candidates(users).collect()}
    return {u: ranking.Candidates(s, als.get(u, []), popular_list) for u, s in seen.items()}

def evaluate_policies(candidates, truth, policies, k):
    """policy -> metrics over the users in `truth`."""
    def lists(policy):
        return {u: [item.product_id for item in ranking.POLICIES[policy](c, k)] for u, c in candidates.items()}

    return {policy: metrics.evaluate(lists(policy), truth, k) for policy in policies}
