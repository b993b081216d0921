"""Ranking metrics at k with binary relevance (pure Python, no Spark).

`ranked` is a user's recommended product ids, best first; `relevant` the set of products
the user bought in the evaluation window. A list shorter than k is not padded: missing
slots simply cannot hit, and precision still divides by k.
"""
import math


def hits(ranked, relevant, k):
    return [1 if item in relevant else 0 for item in ranked[:k]]


def precision_at_k(ranked, relevant, k):
    return sum(hits(ranked, relevant, k)) / k


def recall_at_k(ranked, relevant, k):
    return sum(hits(ranked, relevant, k)) / len(relevant) if relevant else 0.0


def hit_rate_at_k(ranked, relevant, k):
    return 1.0 if any(hits(ranked, relevant, k)) else 0.0


def ndcg_at_k(ranked, relevant, k):
    """DCG of the list over the DCG of a perfect list (all relevant items first)."""
    dcg = sum(rel / math.log2(i + 2) for i, rel in enumerate(hits(ranked, relevant, k)))
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(relevant), k)))
    return dcg / ideal if ideal else 0.0


METRICS = {
    "precision": precision_at_k,
    "recall": recall_at_k,
    "ndcg": ndcg_at_k,
    "hit_rate": hit_rate_at_k,
}


def evaluate(lists, truth, k):
    """Mean of each metric over every user in `truth`; a user without a list scores 0."""
    users = sorted(truth)
    if not users:
        return {"users": 0, **{name: 0.0 for name in METRICS}}
    means = {
        name: sum(metric(lists.get(u, []), truth[u], k) for u in users) / len(users)
        for name, metric in METRICS.items()
    }
    return {"users": len(users), **{name: round(value, 6) for name, value in means.items()}}
