"""How served lists are assembled from repeat, ALS and popular candidates."""
from recstream_jobs import ranking

CANDIDATES = ranking.Candidates(
    seen=[("s1", 3.0), ("s2", 1.0)],
    als=[("s2", 0.9), ("a1", 0.8), ("s1", 0.7), ("a2", 0.6), ("a3", 0.5)],
    popular=[("s1", 0.2), ("p1", 0.1), ("p2", 0.05), ("p3", 0.01)],
)


def ids(items):
    return [i.product_id for i in items]


def test_blend_takes_first_k_distinct_products_and_keeps_their_origin():
    items = ranking.blend(3, ("repeat", [("x", 2)]), ("als", [("x", 0.9), ("y", 0.5), ("z", 0.4), ("w", 0.1)]))
    assert items == [ranking.Item("x", 2.0, "repeat"), ranking.Item("y", 0.5, "als"), ranking.Item("z", 0.4, "als")]


def test_each_policy_on_one_user():
    lists = {name: ids(policy(CANDIDATES, 3)) for name, policy in ranking.POLICIES.items()}
    assert lists == {
        "popular": ["s1", "p1", "p2"],
        "repeat": ["s1", "s2"],
        "als_with_seen": ["s2", "a1", "s1"],
        "als_unseen": ["a1", "a2", "a3"],
        "repeat_then_als": ["s1", "s2", "a1"],
        "repeat_then_popular": ["s1", "s2", "p1"],
        "top_repeat_then_als": ["s1", "a1", "a2"],
    }


def test_served_lists_are_topped_up_from_popular_and_each_item_keeps_its_origin():
    served = ranking.serve("repeat", CANDIDATES, 3)
    assert [(i.product_id, i.origin) for i in served] == [("s1", "repeat"), ("s2", "repeat"), ("p1", "popular")]
    assert [i.origin for i in ranking.serve("repeat_then_als", CANDIDATES, 3)] == ["repeat", "repeat", "als"]


def test_a_user_without_als_candidates_still_gets_k_items():
    lonely = ranking.Candidates(seen=[("s1", 1.0)], als=[], popular=CANDIDATES.popular)
    assert ids(ranking.serve("als_unseen", lonely, 3)) == ["s1", "p1", "p2"]
    assert [i.origin for i in ranking.serve("als_unseen", lonely, 3)] == ["popular", "popular", "popular"]
