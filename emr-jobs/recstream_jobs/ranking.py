"""How a user's top-k is assembled from candidate sources (pure Python, no Spark).

A source is a ranked list of (product_id, score). Each policy is an ordered chain of
sources; the first k distinct products win and each keeps the name of its source, so
the served list can say where it came from. The recommend job measures every policy
on a validation window and serves the best one (README: "recommend").
"""
from collections import namedtuple

Item = namedtuple("Item", "product_id score origin")

# A user's candidates: `seen` = own purchases, most bought first (score = units bought);
# `als` = ALS candidates, best first, seen ones included; `popular` = the shared list;
# `category` = unseen products popular in the user's own categories (category_affinity).
Candidates = namedtuple("Candidates", "seen als popular category", defaults=((),))


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


def category_affinity(own_categories, category_popular, seen, n):
    """Unseen products popular in the categories the user bought from, best n first.

    own_categories: [(category_id, the user's line items in it)]; category_popular:
    {category_id: [(product_id, recent line items by known users)]}. A product scores
    sum(user's weight of the category x its recent count there); ties: smallest product id.
    Measured on the real data's rolling split (README), this fill after the user's own
    products beats the popular and the ALS fills."""
    bought = {p for p, _ in seen}
    scores = {}
    for category, weight in own_categories:
        for product_id, count in category_popular.get(category, ()):
            if product_id not in bought:
                scores[product_id] = scores.get(product_id, 0.0) + weight * count
    return sorted(scores.items(), key=lambda ps: (-ps[1], ps[0]))[:n]


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
    "repeat_then_category": lambda c, k: blend(k, ("repeat", c.seen), ("category", c.category)),
}
# Policies that need an ALS model: serving fits one only when the chosen policy is among them.
ALS_POLICIES = frozenset(name for name in POLICIES if "als" in name)


# A product id no store has: put alone in a user's ALS list, it shows whether the policy reads that list.
ALS_PROBE = "__als_probe__"


def reads_als(policy, candidates, k):
    """Whether the user's served list would take anything from the ALS list: a user whose own
    purchases already fill a repeat-first list needs no ALS scoring."""
    probed = candidates._replace(als=[(ALS_PROBE, 0.0)])
    return any(item.product_id == ALS_PROBE for item in serve(policy, probed, k))


def serve(policy, candidates, k):
    """The list a user is served: the policy's list, topped up from the popular list to k."""
    chosen = POLICIES[policy](candidates, k)
    taken = {item.product_id for item in chosen}
    top_up = [Item(p, float(s), "popular") for p, s in candidates.popular if p not in taken]
    return (chosen + top_up)[:k]
