"""Ranking metrics against cases computed by hand."""
import math

import pytest

from recstream_jobs import metrics


def test_one_hit_in_second_place():
    ranked, relevant = ["a", "b", "c"], {"b"}
    assert metrics.precision_at_k(ranked, relevant, 3) == pytest.approx(1 / 3)
    assert metrics.recall_at_k(ranked, relevant, 3) == 1.0
    assert metrics.hit_rate_at_k(ranked, relevant, 3) == 1.0
    # DCG = 1/log2(3); the ideal list puts b first: IDCG = 1.
    assert metrics.ndcg_at_k(ranked, relevant, 3) == pytest.approx(1 / math.log2(3))
    assert metrics.ndcg_at_k(ranked, relevant, 3) == pytest.approx(0.630930, abs=1e-6)


def test_two_hits_out_of_four_relevant():
    ranked, relevant = ["a", "b", "c"], {"a", "c", "d", "e"}
    assert metrics.precision_at_k(ranked, relevant, 3) == pytest.approx(2 / 3)
    assert metrics.recall_at_k(ranked, relevant, 3) == 0.5
    # DCG = 1 + 1/2 = 1.5; IDCG over 3 slots = 1 + 1/log2(3) + 1/2 = 2.130930.
    assert metrics.ndcg_at_k(ranked, relevant, 3) == pytest.approx(1.5 / 2.130930, abs=1e-6)


def test_items_beyond_k_do_not_count():
    assert metrics.precision_at_k(["a", "b", "c", "d"], {"d"}, 3) == 0.0
    assert metrics.ndcg_at_k(["a", "b", "c", "d"], {"d"}, 3) == 0.0
    assert metrics.hit_rate_at_k(["a", "b", "c", "d"], {"d"}, 3) == 0.0


def test_short_list_keeps_k_as_precision_denominator():
    assert metrics.precision_at_k(["x"], {"x"}, 3) == pytest.approx(1 / 3)
    assert metrics.recall_at_k(["x"], {"x"}, 3) == 1.0
    assert metrics.ndcg_at_k(["x"], {"x"}, 3) == 1.0


def test_evaluate_averages_over_truth_users_and_scores_missing_lists_zero():
    truth = {"u1": {"a"}, "u2": {"z"}}
    result = metrics.evaluate({"u1": ["a", "b", "c"], "stranger": ["z"]}, truth, 3)
    assert result == {"users": 2, "precision": round(1 / 6, 6), "recall": 0.5, "ndcg": 0.5, "hit_rate": 0.5}


def test_evaluate_with_no_users_is_all_zero():
    assert metrics.evaluate({}, {}, 3) == {"users": 0, "precision": 0.0, "recall": 0.0, "ndcg": 0.0, "hit_rate": 0.0}
