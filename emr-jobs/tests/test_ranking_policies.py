"""How the baselines' lists and the ranker's top-k are cut from the generators' lists."""
from recstream_jobs import ranking
from recstream_jobs.recommend import generators

LISTS = {
    "repeat": ["s1", "s2"],
    "als": ["a1", "a2", "a3"],
    "category": ["c1", "c2"],
    "popular": ["s1", "p1", "p2", "p3"],
}


def ids(items):
    return [i.product_id for i in items]


def test_each_baseline_takes_its_chain_in_order_and_tops_up_from_popular():
    lists = {name: [(i.product_id, i.origin) for i in ranking.policy_list(name, LISTS, 3)] for name in ranking.POLICIES}
    assert lists == {
        "popular": [("s1", "popular"), ("p1", "popular"), ("p2", "popular")],
        "repeat": [("s1", "repeat"), ("s2", "repeat"), ("p1", "popular")],
        "repeat_then_category": [("s1", "repeat"), ("s2", "repeat"), ("c1", "category")],
        "repeat_then_als": [("s1", "repeat"), ("s2", "repeat"), ("a1", "als")],
    }


def test_the_ranker_keeps_the_best_scores_and_names_each_card_by_its_strongest_evidence():
    scored = [("p1", 0.2, {"popular", "category"}), ("a1", 0.9, {"als", "popular"}), ("s1", 0.5, {"repeat", "als"}), ("c9", 0.5, {"copurchase"})]
    items = ranking.ranked_list(scored, generators.source_of, 3)
    # Equal scores fall back to the product id, so a run repeats.
    assert [(i.product_id, i.origin) for i in items] == [("a1", "als"), ("c9", "copurchase"), ("s1", "repeat")]
