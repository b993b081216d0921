"""Per-candidate features at a cut, as the ranker reads them.

One row per (customer, proposed product). Counts and days are taken as log1p so a product bought 33
times a year ago and one bought twice last week sit on one scale; own-purchase features are split from
the others by whether the customer bought the product (the `from_repeat` interactions), so one linear
model can weigh a strong repeat against a strong unseen candidate. The customer's columns are built per
row in Python; the product's columns are looked up once per product and gathered with numpy (serving
scores ~1.5M candidates on the real data).
"""
import numpy as np

from . import generators as G
from .candidates import DAY

PER_ROW = (
    "own_units", "own_line_items", "days_since_bought", "days_since_first_bought",
    "customer_line_items", "customer_products", "customer_days_since_last",
    "als_rank", "copurchase_score", "category_share",
)
PER_PRODUCT = ("category_rank", "popular_7d", "popular_30d", "popular_90d", "buyers_all", "repeat_rate", "product_age_days")
FLAGS = tuple("from_" + g for g in G.SOURCE_ORDER)
RAW = PER_ROW + ("als_score",) + PER_PRODUCT + FLAGS
# Never bought / never ranked: past every real value, so "absent" orders after "far".
NEVER_DAYS, UNRANKED = 400.0, 50.0
SEEN_ONLY = ("own_units", "own_line_items", "days_since_bought", "days_since_first_bought", "repeat_rate", "als_score")
UNSEEN_ONLY = ("als_score", "als_rank", "copurchase_score", "category_share", "category_rank", "popular_7d", "popular_30d", "popular_90d", "product_age_days")
NAMES = RAW + tuple("seen*" + n for n in SEEN_ONLY) + tuple("unseen*" + n for n in UNSEEN_ONLY)


def _days(history, ts):
    return NEVER_DAYS if ts is None else max(0.0, (history.cut - ts) / DAY)


def product_columns(history, product):
    """The PER_PRODUCT values of one product at the history's cut."""
    per_1000 = lambda days: 1000.0 * history.recent[days].get(product, 0) / history.active[days]  # noqa: E731
    return [
        history.category_rank.get((history.label.get(product), product), UNRANKED),
        per_1000(7), per_1000(G.POPULAR_DAYS), per_1000(G.CATEGORY_DAYS),
        1000.0 * len(history.buyers.get(product, ())) / (history.customers or 1),
        history.repeat_rate.get(product, 0.0), _days(history, history.first_sold.get(product)),
    ]


def customer_columns(history, user):
    """The per-customer values of PER_ROW: its line items, its distinct products, days since it last bought."""
    return [history.user_lines[user], len(history.own.get(user, ())), _days(history, history.user_last.get(user))]


def own_columns(history, mine):
    """The own-purchase values of PER_ROW for the customer's Own record of a product (None: never bought)."""
    if mine is None:
        return [0, 0, NEVER_DAYS, NEVER_DAYS]
    return [mine.units, mine.line_items, _days(history, mine.last_ts), _days(history, mine.first_ts)]


def matrix(per_row, als_scores, per_product, flags):
    """The design matrix: RAW columns log-scaled, then the seen/unseen interactions (NAMES)."""
    x = np.hstack([np.asarray(per_row, dtype=np.float64).reshape(-1, len(PER_ROW)), np.asarray(als_scores, dtype=np.float64)[:, None],
                   np.asarray(per_product, dtype=np.float64).reshape(-1, len(PER_PRODUCT)), np.asarray(flags, dtype=np.float64).reshape(-1, len(FLAGS))])
    logged = np.sign(x) * np.log1p(np.abs(x))
    seen = x[:, RAW.index("from_repeat")][:, None]
    pick = lambda names: logged[:, [RAW.index(n) for n in names]]  # noqa: E731
    return np.hstack([logged, seen * pick(SEEN_ONLY), (1.0 - seen) * pick(UNSEEN_ONLY)])


def candidate_table(history, users, als_model, als_lists):
    """Every given customer's proposals: (keys [(user, product, generators)], design matrix, {user: generator lists}).
    One pass over ~1.5M candidates on the real data: what depends on the customer only is computed once per
    customer, and the ALS scores are gathered from the (user, item) factor rows noted on the way."""
    keys, per_row, flags, product_at, factor_rows, by_user = [], [], [], [], [], {}
    products = {}
    user_index, item_index = (als_model.user_index, als_model.item_index) if als_model else ({}, {})
    for user in users:
        proposed, lists, together = G.proposals(history, user, als_lists)
        by_user[user] = lists
        rank = {p: r for r, (p, _) in enumerate(als_lists.get(user, []), start=1)}
        own = history.own.get(user, {})
        customer = customer_columns(history, user)
        labels, lines = history.user_labels.get(user, {}), history.user_lines[user] or 1
        factor_row = user_index.get(user, -1)
        for product, generators in proposed.items():
            keys.append((user, product, frozenset(generators)))
            share = labels.get(history.label.get(product), 0) / lines
            per_row.append(own_columns(history, own.get(product)) + customer + [rank.get(product, UNRANKED), together.get(product, 0.0), share])
            flags.append([1.0 if g in generators else 0.0 for g in G.SOURCE_ORDER])
            product_at.append(products.setdefault(product, len(products)))
            factor_rows.append((factor_row, item_index.get(product, -1)))
    table = np.array([product_columns(history, p) for p in products], dtype=np.float64).reshape(-1, len(PER_PRODUCT))
    per_product = table[np.asarray(product_at, dtype=np.int64)] if keys else np.zeros((0, len(PER_PRODUCT)))
    scores = als_model.scores_at(np.array(factor_rows, dtype=np.int64).reshape(-1, 2)) if als_model else np.zeros(len(keys))
    return keys, matrix(per_row, scores, per_product, flags), by_user
