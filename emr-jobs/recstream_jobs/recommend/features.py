"""Per-candidate features at a cut, as the ranker reads them.

One row per (customer, proposed product). Counts and days are taken as log1p so a product bought 33
times a year ago and one bought twice last week sit on one scale; own-purchase features are split from
the others by whether the customer bought the product (the `from_repeat` interactions), so one linear
model can weigh a strong repeat against a strong unseen candidate. The customer's columns are built per
row in Python; the product's columns are looked up once per product and gathered with numpy (serving
scores ~1.5M candidates on the real data).
"""
from collections import namedtuple

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


# A customer's candidates are in the order the generators first proposed them (SOURCE_ORDER): those of the
# generators before ALS, then ALS's, then the rest. The table without ALS is built first (base_table) and ALS's
# are put in their place afterwards (with_als), so both give the rows of one pass in the same order.
BEFORE_ALS, BY_ALS, AFTER_ALS = 0, 1, 2
PLACE = {g: BEFORE_ALS if G.SOURCE_ORDER.index(g) < G.SOURCE_ORDER.index("als") else AFTER_ALS for g in G.SOURCE_ORDER if g != "als"}
ALS_RANK, ALS_FLAG = PER_ROW.index("als_rank"), G.SOURCE_ORDER.index("als")

# Every candidate but ALS's, per row: the customer's index, its key (user, product, generators), its product's
# index, its features and place; per customer: each product's row, the generator lists and its own feature values.
Base = namedtuple("Base", "history users row_user keys products product_at per_row flags place row_of lists customer")
# Rows gathered into the design matrix at a time: numpy's temporaries stay small (the whole table is ~2M rows).
CHUNK = 1 << 16


def _share(history, user, product):
    """The share of the customer's line items in the product's category label."""
    return history.user_labels.get(user, {}).get(history.label.get(product), 0) / (history.user_lines[user] or 1)


def base_table(history, users):
    """The candidates of every generator that needs no ALS model, with their features: built while ALS fits."""
    row_user, keys, generators, per_row, place, row_of, lists_of, customers = [], [], [], [], [], [], [], []
    for u, user in enumerate(users):
        lists, together = G.base_lists(history, user)
        own, customer, rows = history.own.get(user, {}), customer_columns(history, user), {}
        for generator, proposed in lists.items():
            for product in proposed:
                row = rows.get(product)
                if row is not None:
                    generators[row].add(generator)
                    continue
                rows[product] = len(keys)
                row_user.append(u)
                keys.append((user, product))
                generators.append({generator})
                place.append(PLACE[generator])
                per_row.append(own_columns(history, own.get(product)) + customer + [UNRANKED, together.get(product, 0.0), _share(history, user, product)])
        row_of.append(rows)
        lists_of.append(lists)
        customers.append(customer)
    products = {}
    product_at = np.array([products.setdefault(product, len(products)) for _, product in keys], dtype=np.int64)
    flags = np.array([[g in gs for g in G.SOURCE_ORDER] for gs in generators], dtype=np.float64).reshape(-1, len(G.SOURCE_ORDER))
    keys = [(user, product, frozenset(gs)) for (user, product), gs in zip(keys, generators)]
    return Base(history, users, np.array(row_user, dtype=np.int64), keys, products, product_at,
                np.array(per_row, dtype=np.float64).reshape(-1, len(PER_ROW)), flags, np.array(place, dtype=np.int64), row_of, lists_of, customers)


def _gather(first, then, rows):
    """Rows of the two arrays stacked (first's rows, then then's), without stacking them."""
    out = np.empty((len(rows),) + first.shape[1:], dtype=first.dtype)
    mine = rows < len(first)
    out[mine] = first[rows[mine]]
    out[~mine] = then[rows[~mine] - len(first)]
    return out


def with_als(base, als_model, als_lists):
    """base_table's candidates with each customer's ALS candidates (als_lists from als.Model.candidates) in their
    place and every row's ALS rank and score: (keys [(user, product, generators)], design matrix, {user: lists}).
    Updates `base` in place: it serves one table."""
    history, n, keys = base.history, len(base.keys), base.keys
    # Rows the ALS list ranks (row, rank) or proposes (row, position): written into the arrays in one go below,
    # since numpy's one-element writes cost more than the loop.
    added, ranked, proposed_again, lists = [], [], [], {}
    for u, user in enumerate(base.users):
        rows = base.row_of[u]
        rank = {p: r for r, (p, _) in enumerate(als_lists.get(user, []), start=1)}
        ranked.extend((rows[p], r) for p, r in rank.items() if p in rows)
        proposed = [p for p, _ in G.als(history, user, als_lists)]
        for position, product in enumerate(proposed):
            row = rows.get(product)
            if row is None:
                added.append((u, position, base.products.setdefault(product, len(base.products)),
                              [0, 0, NEVER_DAYS, NEVER_DAYS] + base.customer[u] + [rank[product], 0.0, _share(history, user, product)]))
                keys.append((user, product, frozenset(("als",))))
            else:
                keys[row] = (user, product, keys[row][2] | {"als"})
                proposed_again.append((row, position))
        lists[user] = G.with_als_list(base.lists[u], proposed)
    if ranked:
        rows, ranks = np.array(ranked, dtype=np.int64).T
        base.per_row[rows, ALS_RANK] = ranks
    # Within its place a row keeps its first-proposed order; ALS's rows follow ALS's list, and a row first
    # proposed after ALS (a best seller ALS proposes too) moves into ALS's place.
    order_in_place = np.arange(n)
    if proposed_again:
        rows, positions = np.array(proposed_again, dtype=np.int64).T
        base.flags[rows, ALS_FLAG] = 1.0
        moved = base.place[rows] == AFTER_ALS
        base.place[rows[moved]], order_in_place[rows[moved]] = BY_ALS, positions[moved]
    row_user = np.concatenate([base.row_user, np.array([a[0] for a in added], dtype=np.int64)])
    place = np.concatenate([base.place, np.full(len(added), BY_ALS, dtype=np.int64)])
    order = np.lexsort((np.concatenate([order_in_place, np.array([a[1] for a in added], dtype=np.int64)]), place, row_user))
    product_at = np.concatenate([base.product_at, np.array([a[2] for a in added], dtype=np.int64)])
    added_rows = np.array([a[3] for a in added], dtype=np.float64).reshape(-1, len(PER_ROW))
    added_flags = np.zeros((len(added), len(G.SOURCE_ORDER)))
    added_flags[:, ALS_FLAG] = 1.0
    table = np.array([product_columns(history, p) for p in base.products], dtype=np.float64).reshape(-1, len(PER_PRODUCT))
    if als_model:
        user_rows = np.array([als_model.user_index.get(u, -1) for u in base.users], dtype=np.int64)
        item_rows = np.array([als_model.item_index.get(p, -1) for p in base.products], dtype=np.int64)
    x = np.empty((len(order), len(NAMES)))
    for start in range(0, len(order), CHUNK):
        rows = order[start : start + CHUNK]
        at = product_at[rows]
        scores = als_model.scores_at(np.stack([user_rows[row_user[rows]], item_rows[at]], axis=1)) if als_model else np.zeros(len(rows))
        x[start : start + len(rows)] = matrix(_gather(base.per_row, added_rows, rows), scores, table[at], _gather(base.flags, added_flags, rows))
    return [keys[i] for i in order.tolist()], x, lists
