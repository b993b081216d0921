"""The hand-written policies the learned ranker is judged against, and how a top-k is cut from a ranking.

A policy is an ordered chain of generator lists (recommend/generators.py): the first k distinct
products win and each keeps the name of its generator, so the card can say where it came from.
"""
from collections import namedtuple

Item = namedtuple("Item", "product_id score origin")

# The baselines, simplest first. "repeat" is "just repeats": the customer's own products, most units first.
POLICIES = {
    "popular": ("popular",),
    "repeat": ("repeat",),
    "repeat_then_category": ("repeat", "category"),
    "repeat_then_als": ("repeat", "als"),
}


def chain(lists, generators, k):
    """First k distinct products of the generators' lists, in order, each with its generator's name."""
    picked, taken = [], set()
    for generator in generators:
        for position, product_id in enumerate(lists.get(generator, ())):
            if len(picked) == k:
                return picked
            if product_id not in taken:
                taken.add(product_id)
                picked.append(Item(product_id, float(-position), generator))
    return picked


def top_up(items, popular, k):
    """A list shorter than k is completed from the popular list (a store this small has no better evidence)."""
    taken = {item.product_id for item in items}
    extra = [Item(p, 0.0, "popular") for p in popular if p not in taken]
    return (list(items) + extra)[:k]


def policy_list(policy, lists, k):
    return top_up(chain(lists, POLICIES[policy], k), lists.get("popular", ()), k)


def ranked_list(scored, source_of, k):
    """[(product, score, generators)] -> the k best by score (ties: product id), each named by its evidence."""
    best = sorted(scored, key=lambda row: (-row[1], row[0]))[:k]
    return [Item(product, float(score), source_of(generators)) for product, score, generators in best]
