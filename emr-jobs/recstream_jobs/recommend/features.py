"""Per-candidate features at a cut, as the ranker reads them.

One row per (customer, proposed product). Counts and days are taken as log1p so a product bought 33
times a year ago and one bought twice last week sit on one scale; own-purchase features are split from
the others by whether the customer bought the product (the `from_repeat` interactions), so one linear
model can weigh a strong repeat against a strong unseen candidate.
"""
import numpy as np

from . import generators as G
from .candidates import DAY

RAW = (
    "own_units", "own_line_items", "days_since_bought", "days_since_first_bought",
    "customer_line_items", "customer_products", "customer_days_since_last",
    "als_score", "als_rank", "copurchase_score", "category_share", "category_rank",
    "popular_7d", "popular_30d", "popular_90d", "buyers_all", "repeat_rate", "product_age_days",
) + tuple("from_" + g for g in G.SOURCE_ORDER)
# Never bought / never ranked: past every real value, so "absent" orders after "far".
NEVER_DAYS, UNRANKED = 400.0, 50.0
SEEN_ONLY = ("own_units", "own_line_items", "days_since_bought", "days_since_first_bought", "repeat_rate", "als_score")
UNSEEN_ONLY = ("als_score", "als_rank", "copurchase_score", "category_share", "category_rank", "popular_7d", "popular_30d", "popular_90d", "product_age_days")
NAMES = RAW + tuple("seen*" + n for n in SEEN_ONLY) + tuple("unseen*" + n for n in UNSEEN_ONLY)


def _days(history, ts):
    return NEVER_DAYS if ts is None else max(0.0, (history.cut - ts) / DAY)


def raw_rows(history, user, proposed, lists, als_rank):
    """[(product, [RAW values but als_score])] for one customer's proposals; als_score is filled by matrix()."""
    own = history.own.get(user, {})
    copurchase_score = dict(G.copurchase(history, user))
    labels = history.user_labels.get(user, {})
    lines = history.user_lines[user] or 1
    rows = []
    for product, generators in proposed.items():
        mine = own.get(product)
        label = history.label.get(product)
        per_1000 = lambda days: 1000.0 * history.recent[days].get(product, 0) / history.active[days]  # noqa: E731
        rows.append((product, [
            mine.units if mine else 0, mine.line_items if mine else 0,
            _days(history, mine.last_ts) if mine else NEVER_DAYS, _days(history, mine.first_ts) if mine else NEVER_DAYS,
            history.user_lines[user], len(own), _days(history, history.user_last.get(user)),
            0.0, als_rank.get(product, UNRANKED), copurchase_score.get(product, 0.0),
            labels.get(label, 0) / lines, history.category_rank.get((label, product), UNRANKED),
            per_1000(7), per_1000(G.POPULAR_DAYS), per_1000(G.CATEGORY_DAYS),
            1000.0 * len(history.buyers.get(product, ())) / (history.customers or 1),
            history.repeat_rate.get(product, 0.0), _days(history, history.first_sold.get(product)),
        ] + [1.0 if g in generators else 0.0 for g in G.SOURCE_ORDER]))
    return rows


def matrix(raw, als_scores):
    """The ranker's design matrix from raw rows (n x len(RAW)) and each row's ALS score."""
    x = np.asarray(raw, dtype=np.float64).reshape(-1, len(RAW))
    x[:, RAW.index("als_score")] = als_scores
    logged = np.sign(x) * np.log1p(np.abs(x))
    seen = x[:, RAW.index("from_repeat")][:, None]
    pick = lambda names: logged[:, [RAW.index(n) for n in names]]  # noqa: E731
    return np.hstack([logged, seen * pick(SEEN_ONLY), (1.0 - seen) * pick(UNSEEN_ONLY)])


def candidate_table(history, users, als_model, als_lists):
    """Every given customer's proposals: (keys [(user, product, generators)], design matrix, {user: generator lists})."""
    keys, raw, by_user = [], [], {}
    for user in users:
        proposed, lists = G.proposals(history, user, als_lists)
        by_user[user] = lists
        rank = {p: r for r, (p, _) in enumerate(als_lists.get(user, []), start=1)}
        for product, values in raw_rows(history, user, proposed, lists, rank):
            keys.append((user, product, frozenset(proposed[product])))
            raw.append(values)
    scores = als_model.scores([(u, p) for u, p, _ in keys]) if als_model else np.zeros(len(keys))
    return keys, matrix(raw, scores), by_user
