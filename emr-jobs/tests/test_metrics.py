"""Ranking metrics against cases computed by hand."""
import math

import pytest

from recstream_jobs import metrics


def test_one_hit_in_second_place():
    ranked, relevant = ["a", "b", "c"], {"b"}
    assert metrics.recall_at_k(ranked, relevant, 3) == 1.0
    # DCG = 1/log2(3); the ideal list puts b first: IDCG = 1.
    assert metrics.ndcg_at_k(ranked, relevant, 3) == pytest.approx(1 / math.log2(3))
    assert metrics.ndcg_at_k(ranked, relevant, 3) == pytest.approx(0.630930, abs=1e-6)


def test_two_hits_out_of_four_relevant():
    ranked, relevant = ["a", "b", "c"], {"a", "c", "d", "e"}
    assert metrics.recall_at_k(ranked, relevant, 3) == 0.5
    # DCG = 1 + 1/2 = 1.5; IDCG over 3 slots = 1 + 1/log2(3) + 1/2 = 2.130930.
    assert metrics.ndcg_at_k(ranked, relevant, 3) == pytest.approx(1.5 / 2.130930, abs=1e-6)


def test_items_beyond_k_do_not_count():
    assert metrics.ndcg_at_k(["a", "b", "c", "d"], {"d"}, 3) == 0.0
    assert metrics.recall_at_k(["a", "b", "c", "d"], {"d"}, 3) == 0.0


def test_a_short_list_is_not_padded():
    assert metrics.recall_at_k(["x"], {"x"}, 3) == 1.0
    assert metrics.ndcg_at_k(["x"], {"x"}, 3) == 1.0
    assert metrics.recall_at_k([], {"x"}, 3) == 0.0
