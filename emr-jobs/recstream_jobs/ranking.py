"""How a user's top-k is assembled from candidate sources (pure Python, no Spark).

A source is a ranked list of (product_id, score). Each policy is an ordered chain of
sources; the first k distinct products win and each keeps the name of its source, so
the served list can say where it came from. The recommend job measures every policy
on a validation window and serves the best one (README: "recommend").
"""
from collections import namedtuple

Item = namedtuple("Item", "product_id score origin")

# A user's candidates: `seen` = own purchases, most bought first (score = units bought);
# `als` = ALS candidates, best first, seen ones included; `popular` = the shared list.
Candidates = namedtuple("Candidates", "seen als popular")


def blend(k, *sources):
    """First k distinct products of the (origin, [(product_id, score)]) sources, in order."""
    picked, taken = [], set()
    for origin, ranked in sources:
        for product_id, score in ranked:
            if len(picked) == k:
                return picked
            if product_id not in taken:
                taken.add(product_id)
                picked.append(Item(product_id, float(score), origin))
    return picked


def _unseen(c):
    bought = {p for p, _ in c.seen}
    return [(p, s) for p, s in c.als if p not in bought]


def _unseen_popular(c):
    bought = {p for p, _ in c.seen}
    return [(p, s) for p, s in c.popular if p not in bought]


# Baselines and blends. Policy names are what metrics.json reports.
POLICIES = {
    "popular": lambda c, k: blend(k, ("popular", c.popular)),
    "repeat": lambda c, k: blend(k, ("repeat", c.seen)),
    "als_with_seen": lambda c, k: blend(k, ("als", c.als)),
    "als_unseen": lambda c, k: blend(k, ("als", _unseen(c))),
    "repeat_then_als": lambda c, k: blend(k, ("repeat", c.seen), ("als", _unseen(c))),
    "repeat_then_popular": lambda c, k: blend(k, ("repeat", c.seen), ("popular", _unseen_popular(c))),
    "top_repeat_then_als": lambda c, k: blend(k, ("repeat", c.seen[:1]), ("als", _unseen(c))),
}


def serve(policy, candidates, k):
    """The list a user is served: the policy's list, topped up from the popular list to k."""
    chosen = POLICIES[policy](candidates, k)
    taken = {item.product_id for item in chosen}
    top_up = [Item(p, float(s), "popular") for p, s in candidates.popular if p not in taken]
    return (chosen + top_up)[:k]
