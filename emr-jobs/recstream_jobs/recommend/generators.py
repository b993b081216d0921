"""Candidate generators: what the store knew at a cut, and each customer's candidates from it.

A cut is a moment: everything the generators read was bought before it, so a window after the cut
can judge them. Each generator proposes a ranked list per customer; the ranker (ranker.py) orders
their union and the card keeps the evidence of the generator that proposed it (evidence()).

Category lists are per category *label* — the product's category_code, else its category_id — so a
card that names a category states the rank the product has in exactly that category.
"""
import datetime
from collections import Counter, defaultdict, namedtuple

from .candidates import DAY

POPULAR_DAYS = 30
CATEGORY_DAYS = 90
# Candidates each generator proposes per customer. A ranker over 6/3/3/3/3 ranked within the interval of this
# offline, on a third of the rows, but in the real-data bench it no longer beat the repeat-then-fill policies
# on the windows by more than the interval (docs/benchmarks.md, "The learned ranker"), so the depth stays.
PER_GENERATOR = {"repeat": 20, "copurchase": 10, "als": 10, "category": 10, "popular": 10}
# Best sellers read per category the customer bought from, before the category list is cut to its size.
CATEGORY_DEPTH = 10
# Each product keeps its strongest co-purchase neighbours only: a best seller co-occurs with thousands of
# products, and summing all of them per customer cost minutes on the real data for no change in the top 10.
NEIGHBOURS = 20
# A customer with more distinct products than this adds no co-purchase pairs (a reseller's basket says little
# about one product's affinity to another, and its pairs grow with the square of its size).
COPURCHASE_MAX_PRODUCTS = 50
# The order generators' evidence is preferred in when several proposed the same product.
SOURCE_ORDER = ("repeat", "copurchase", "als", "category", "popular")

# A customer's own purchases of one product before the cut.
Own = namedtuple("Own", "units line_items last_ts first_ts")


def category_label(category_code, category_id):
    return category_code if category_code else category_id


class History:
    """The known customers' purchases before `cut_ts` (epoch seconds), indexed for the generators and
    features. `undated` (serving only) adds the undated line items to the customers' own histories and
    to co-purchases; windowed counts (popularity, category best sellers) only ever see dated ones."""

    def __init__(self, purchases, cut_ts, undated=()):
        self.cut = cut_ts
        dated = [p for p in purchases if p.ts is not None and p.ts < cut_ts]
        self.own = defaultdict(dict)
        self.user_lines = Counter()
        self.user_labels = defaultdict(Counter)
        self.user_last = {}
        self.buyers = defaultdict(set)
        self.first_sold = {}
        self.label = {}
        for p in list(dated) + list(undated):
            mine = self.own[p.user_id].get(p.product_id)
            ts = p.ts
            if mine is None:
                mine = Own(0, 0, ts, ts)
            last = mine.last_ts if ts is None or (mine.last_ts is not None and mine.last_ts >= ts) else ts
            first = mine.first_ts if ts is None or (mine.first_ts is not None and mine.first_ts <= ts) else ts
            self.own[p.user_id][p.product_id] = Own(mine.units + p.quantity, mine.line_items + 1, last, first)
            self.user_lines[p.user_id] += 1
            label = category_label(p.category_code, p.category_id)
            if label is not None:
                self.user_labels[p.user_id][label] += 1
                self.label.setdefault(p.product_id, label)
            self.buyers[p.product_id].add(p.user_id)
            if ts is not None:
                self.user_last[p.user_id] = max(self.user_last.get(p.user_id, ts), ts)
                self.first_sold[p.product_id] = min(self.first_sold.get(p.product_id, ts), ts)
        self.dated = dated
        self.customers = len(self.own)
        self.recent = {days: self._recent_buyers(days) for days in (7, POPULAR_DAYS, CATEGORY_DAYS)}
        self.active = {days: len({p.user_id for p in dated if p.ts >= cut_ts - days * DAY}) or 1 for days in self.recent}
        self.popular = sorted(self.recent[POPULAR_DAYS].items(), key=lambda pc: (-pc[1], pc[0]))
        self.popular_rank = {product: rank for rank, (product, _) in enumerate(self.popular, start=1)}
        self.category_lists, self.category_rank = self._category_best_sellers()
        self.repeat_rate = {i: sum(1 for u in users if self.own[u][i].line_items >= 2) / len(users) for i, users in self.buyers.items()}
        self.neighbours = self._neighbours()

    def _recent_buyers(self, days):
        since = self.cut - days * DAY
        buyers = defaultdict(set)
        for p in self.dated:
            if p.ts >= since:
                buyers[p.product_id].add(p.user_id)
        return {product: len(users) for product, users in buyers.items()}

    def _category_best_sellers(self):
        """{label: [(product, distinct customers over CATEGORY_DAYS)] best first} and {(label, product): rank from 1}."""
        since = self.cut - CATEGORY_DAYS * DAY
        buyers = defaultdict(set)
        for p in self.dated:
            label = category_label(p.category_code, p.category_id)
            if p.ts >= since and label is not None:
                buyers[(label, p.product_id)].add(p.user_id)
        lists = defaultdict(list)
        for (label, product), users in sorted(buyers.items(), key=lambda kv: (-len(kv[1]), kv[0][1])):
            lists[label].append((product, len(users)))
        ranks = {(label, product): rank for label, ranked in lists.items() for rank, (product, _) in enumerate(ranked, start=1)}
        return lists, ranks

    def _neighbours(self):
        """product -> [(other product, cosine of their co-buyers)] strongest NEIGHBOURS first; co-buyers are
        customers with at most COPURCHASE_MAX_PRODUCTS products."""
        pairs = defaultdict(Counter)
        for products in self.own.values():
            if 1 < len(products) <= COPURCHASE_MAX_PRODUCTS:
                for a in products:
                    for b in products:
                        if a != b:
                            pairs[a][b] += 1
        neighbours = {}
        for a, counts in pairs.items():
            scored = [(b, n / (len(self.buyers[a]) * len(self.buyers[b])) ** 0.5) for b, n in counts.items()]
            neighbours[a] = sorted(scored, key=lambda bs: (-bs[1], bs[0]))[:NEIGHBOURS]
        return neighbours

    def customers_also(self, user, own_product, product):
        """Customers other than `user` who bought both products (exact, from the buyer sets)."""
        return len((self.buyers.get(own_product, set()) & self.buyers.get(product, set())) - {user})


def repeat(history, user):
    """The customer's own products, most units first, then most recent."""
    own = history.own.get(user, {})
    ranked = sorted(own.items(), key=lambda kv: (-kv[1].units, -(kv[1].last_ts or 0), kv[0]))
    return [product for product, _ in ranked[: PER_GENERATOR["repeat"]]]


def copurchase(history, user):
    """Products other customers bought along with this customer's: the sum over the customer's products of
    the co-buyer cosine to each neighbour, never one the customer bought. Returns [(product, score)]."""
    own = history.own.get(user, {})
    scores = Counter()
    for mine in own:
        for other, cosine in history.neighbours.get(mine, ()):
            if other not in own:
                scores[other] += cosine
    return sorted(scores.items(), key=lambda ps: (-ps[1], ps[0]))[: PER_GENERATOR["copurchase"]]


def als(history, user, als_lists):
    """The customer's ALS candidates they have not bought, best first (als_lists from als.Model.candidates)."""
    own = history.own.get(user, {})
    return [(p, s) for p, s in als_lists.get(user, []) if p not in own][: PER_GENERATOR["als"]]


def category(history, user):
    """Best sellers of the labels the customer bought from, weighted by the customer's line items there."""
    own = history.own.get(user, {})
    scores = Counter()
    for label, lines in history.user_labels.get(user, {}).items():
        for product, customers in history.category_lists.get(label, ())[:CATEGORY_DEPTH]:
            if product not in own:
                scores[product] += lines * customers
    return sorted(scores.items(), key=lambda ps: (-ps[1], ps[0]))[: PER_GENERATOR["category"]]


def popular(history):
    return [product for product, _ in history.popular[: PER_GENERATOR["popular"]]]


def base_lists(history, user):
    """(every generator's ranked list but ALS's, {product: co-purchase score}): what needs no ALS model."""
    together = copurchase(history, user)
    lists = {
        "repeat": repeat(history, user),
        "copurchase": [p for p, _ in together],
        "category": [p for p, _ in category(history, user)],
        "popular": popular(history),
    }
    return lists, dict(together)


def with_als_list(lists, als_list):
    """The generators' lists with ALS's in its place of SOURCE_ORDER."""
    return {g: als_list if g == "als" else lists[g] for g in SOURCE_ORDER}


def proposals(history, user, als_lists):
    """({product: set of generators that proposed it}, each generator's ranked list, {product: co-purchase score})."""
    base, together = base_lists(history, user)
    lists = with_als_list(base, [p for p, _ in als(history, user, als_lists)])
    proposed = defaultdict(set)
    for generator, products in lists.items():
        for product in products:
            proposed[product].add(generator)
    return proposed, lists, together


def source_of(generators):
    return next(g for g in SOURCE_ORDER if g in generators)


def evidence(history, user, product, source):
    """The facts a card states, computed exactly from the purchases behind `history` (contract/serving.ts)."""
    if source == "repeat":
        mine = history.own[user][product]
        return {"times_bought": mine.units, "last_bought": _day(mine.last_ts)}
    if source in ("copurchase", "als"):
        counts = [(history.customers_also(user, mine, product), mine) for mine in history.own.get(user, {})]
        best, mine = max(counts, key=lambda cm: (cm[0], cm[1])) if counts else (0, None)
        return {"because_of": mine if best else None, "customers_also": best if best else None}
    if source == "category":
        label = history.label.get(product)
        return {"category_rank": history.category_rank.get((label, product)), "window_days": CATEGORY_DAYS}
    return {"popular_rank": history.popular_rank.get(product), "window_days": POPULAR_DAYS}


def _day(ts):
    return None if ts is None else datetime.datetime.utcfromtimestamp(ts).strftime("%Y-%m-%d")
