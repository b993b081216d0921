"""The served lists: every known customer's top-k with product details and each card's evidence, the
fallback list, and where they go.

The lines (UserRecommendations, contract/) are built on the driver from the customers' candidates (a few
MB for ~50,000 customers on the real data) and written from there: joining details and grouping in Spark
cost a shuffle and a scheduling round per step.
"""
from collections import Counter

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from .. import io, ranking
from ..contract import FALLBACK_USER_ID, LAKE, TOP_K
from ..progress import progress
from . import features
from . import generators as G
from .evaluation import ranked_lists

log = progress("recommend")
SERVING_PREFIX = LAKE["servingPrefix"]
SERVING_KEYS = ("recommendationsPrefix", "fallbackKey", "metricsKey", "recommenderHistoryKey", "recommenderRunsPrefix", "similarPrefix")
assert all(LAKE[key].startswith(SERVING_PREFIX) for key in SERVING_KEYS)
EVIDENCE = ("times_bought", "last_bought", "because_of", "customers_also", "category_rank", "popular_rank", "window_days")


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


def card(item, details, facts):
    category_code, brand, price = details.get(item.product_id, (None, None, None))
    because = facts.get("because_of")
    if because is not None:
        code, made_by, _ = details.get(because, (None, None, None))
        facts = {**facts, "because_of": {"product_id": because, "category_code": code, "brand": made_by}}
    return {"product_id": item.product_id, "score": round(item.score, 6), "category_code": category_code, "brand": brand,
            "price": price, "source": item.origin, **{k: facts.get(k) for k in EVIDENCE}}


def served_line(user_id, items, details, history):
    """A customer's Items as a UserRecommendations record; the list is named after its first card."""
    cards = [card(i, details, G.evidence(history, user_id, i.product_id, i.origin)) for i in items]
    return {"user_id": user_id, "recommendations": cards, "source": cards[0]["source"] if cards else None}


def needs_als(model):
    """Whether serving `model` reads ALS candidates."""
    return model == "ranker" or "als" in ranking.POLICIES[model]


def serving_history(bought):
    """Every purchase as the generators read them, at a cut just after the last one."""
    dated = [p for p in bought if p.ts is not None]
    return G.History(dated, max(p.ts for p in dated) + 1, undated=[p for p in bought if p.ts is None])


def serve_all(history, details, served, fitted, fit):
    """Every known customer's served line under the served model, from the serving history. `fit` is the future
    of ALS on every purchase when the served model needs one: the ranker's candidates that need no ALS are
    built while it runs."""
    users = sorted(history.own)
    base = features.base_table(history, users) if served == "ranker" else None
    model = fit.result() if fit else None
    als_lists = model.candidates(users) if model else {}
    if served == "ranker":
        keys, x, _ = features.with_als(base, model, als_lists)
        ranked = ranked_lists(keys, x, fitted)
    else:
        ranked = {u: ranking.policy_list(served, G.proposals(history, u, als_lists)[1], TOP_K) for u in users}
    log("serving: %d customers' lists by %s%s" % (len(users), served, ", ALS fitted in %.1fs" % model.fit_seconds if model else ""))
    lines = [served_line(user, ranking.top_up(ranked.get(user, []), G.popular(history), TOP_K), details, history) for user in users]
    return [line for line in lines if line["recommendations"]], model.fit_seconds if model else 0.0


def fallback_line(details, history):
    """The `__fallback__` user: the store's best sellers, for ids the data has never seen."""
    items = [ranking.Item(p, 0.0, "fallback") for p in G.popular(history)[:TOP_K]]
    cards = [card(i, details, G.evidence(history, FALLBACK_USER_ID, i.product_id, "popular")) for i in items]
    return {"user_id": FALLBACK_USER_ID, "recommendations": cards, "source": "fallback"}


def cards_by_source(lines):
    return dict(Counter(item["source"] for line in lines for item in line["recommendations"]))


def write_served(spark, lines, fallback, output):
    io.write_json_lines(spark, serving_path(output, "recommendationsPrefix"), lines + [fallback])
    io.write_json(spark, serving_path(output, "fallbackKey"), fallback)
