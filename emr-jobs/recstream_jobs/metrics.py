"""Ranking metrics at k with binary relevance (pure Python, no Spark).

`ranked` is a user's recommended product ids, best first; `relevant` the set of products
the user bought in the evaluation window. A list shorter than k is not padded: missing
slots simply cannot hit. recommend/evaluation.py takes them per customer, for bootstrap intervals.
"""
import math


def hits(ranked, relevant, k):
    return [1 if item in relevant else 0 for item in ranked[:k]]


def recall_at_k(ranked, relevant, k):
    return sum(hits(ranked, relevant, k)) / len(relevant) if relevant else 0.0


def ndcg_at_k(ranked, relevant, k):
    """DCG of the list over the DCG of a perfect list (all relevant items first)."""
    dcg = sum(rel / math.log2(i + 2) for i, rel in enumerate(hits(ranked, relevant, k)))
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(relevant), k)))
    return dcg / ideal if ideal else 0.0
