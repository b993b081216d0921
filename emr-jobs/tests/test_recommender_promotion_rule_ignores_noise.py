"""A challenger replaces the served model only when it wins by more than the bootstrap interval."""
import numpy as np

from recstream_jobs.recommend import bootstrap
from recstream_jobs.recommend.evaluation import FIRST_SERVED, choose

RNG = np.random.default_rng(11)
BASE = RNG.binomial(1, 0.05, size=3000).astype(float)


def evaluation(**ndcg):
    return {"pooled": {name: (values, values) for name, values in ndcg.items()}}


def test_a_clear_win_replaces_the_incumbent_and_says_by_how_much():
    better = np.maximum(BASE, RNG.binomial(1, 0.05, size=3000))
    served, reason = choose(evaluation(repeat=BASE, ranker=better), None, None, True)
    assert served == "ranker" and reason.startswith("Beat repeat on the rolling windows: NDCG@3 +") and reason.endswith(".")


def test_a_margin_inside_the_interval_keeps_the_incumbent():
    noise = BASE.copy()
    noise[np.flatnonzero(BASE == 1)[:10]] = 0  # 10 customers lost, 12 gained: a margin of 2 in 3,000
    noise[np.flatnonzero(BASE == 0)[:12]] = 1
    test = bootstrap.paired(noise, BASE, "repeat")
    assert test["ndcg_difference"]["low"] <= 0 <= test["ndcg_difference"]["high"]
    served, reason = choose(evaluation(repeat=BASE, repeat_then_als=noise), "repeat", None, True)
    assert served == "repeat" and reason.startswith("No challenger")


def test_the_first_run_starts_from_just_repeats_and_a_pin_overrides_everything():
    assert choose(evaluation(repeat=BASE, popular=BASE * 0), None, None, True)[0] == FIRST_SERVED == "repeat"
    assert choose(evaluation(repeat=BASE, ranker=BASE + 1), "repeat", "popular", True) == ("popular", "Pinned by the operator (--pin popular).")


def test_the_ranker_is_not_served_when_no_ranker_could_be_fitted():
    served, _ = choose(evaluation(repeat=BASE, ranker=BASE + 1), "ranker", None, False)
    assert served == "repeat"


def test_intervals_cover_the_mean_and_narrow_with_more_customers():
    small, large = bootstrap.estimate(BASE[:300]), bootstrap.estimate(BASE)
    assert small["low"] <= small["mean"] <= small["high"] and large["low"] <= large["mean"] <= large["high"]
    assert large["high"] - large["low"] < small["high"] - small["low"]
