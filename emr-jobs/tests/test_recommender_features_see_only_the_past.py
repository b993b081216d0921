"""The ranker's features at a cut do not move when later purchases are appended (no leak from the future)."""
import numpy as np

from recstream_jobs.recommend import features
from recstream_jobs.recommend import generators as G
from test_recommender_generators_state_exact_evidence import CUT, PURCHASES


def test_features_at_the_cut_ignore_every_later_purchase():
    users = ["u1", "u2", "u3", "u4"]
    keys_all, x_all, _ = features.with_als(features.base_table(G.History(PURCHASES, CUT), users), None, {})
    keys_past, x_past, _ = features.with_als(features.base_table(G.History([p for p in PURCHASES if p.ts < CUT], CUT), users), None, {})
    assert keys_all == keys_past
    np.testing.assert_array_equal(x_all, x_past)
    assert x_all.shape[1] == len(features.NAMES)


def test_own_purchase_features_are_split_from_the_unseen_ones():
    keys, x, _ = features.with_als(features.base_table(G.History(PURCHASES, CUT), ["u1"]), None, {})
    seen_units = features.NAMES.index("seen*own_units")
    unseen_popular = features.NAMES.index("unseen*popular_30d")
    for (user, product, generators), row in zip(keys, x):
        mine = product in {"mic", "cable"}
        assert (row[seen_units] > 0) == mine
        assert mine is False or row[unseen_popular] == 0
