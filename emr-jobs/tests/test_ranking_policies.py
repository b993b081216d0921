"""How served lists are assembled from repeat, ALS, category and popular candidates."""
from recstream_jobs import ranking

CANDIDATES = ranking.Candidates(
    seen=[("s1", 3.0), ("s2", 1.0)],
    als=[("s2", 0.9), ("a1", 0.8), ("s1", 0.7), ("a2", 0.6), ("a3", 0.5)],
    popular=[("s1", 0.2), ("p1", 0.1), ("p2", 0.05), ("p3", 0.01)],
    category=[("c1", 7.0), ("c2", 3.0)],
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
        "repeat_then_category": ["s1", "s2", "c1"],
    }


def test_served_lists_are_topped_up_from_popular_and_each_item_keeps_its_origin():
    served = ranking.serve("repeat", CANDIDATES, 3)
    assert [(i.product_id, i.origin) for i in served] == [("s1", "repeat"), ("s2", "repeat"), ("p1", "popular")]
    assert [i.origin for i in ranking.serve("repeat_then_als", CANDIDATES, 3)] == ["repeat", "repeat", "als"]


def test_a_user_without_als_candidates_still_gets_k_items():
    lonely = ranking.Candidates(seen=[("s1", 1.0)], als=[], popular=CANDIDATES.popular)
    assert ids(ranking.serve("als_unseen", lonely, 3)) == ["s1", "p1", "p2"]
    assert [i.origin for i in ranking.serve("als_unseen", lonely, 3)] == ["popular", "popular", "popular"]


def test_category_affinity_weights_each_category_by_the_users_own_purchases_in_it():
    # The user bought 2 line items in category A and 1 in B, and already owns product x.
    own_categories = [("A", 2.0), ("B", 1.0)]
    category_popular = {"A": [("x", 9.0), ("a1", 3.0), ("ab", 1.0)], "B": [("b1", 5.0), ("ab", 2.0)], "C": [("c1", 100.0)]}
    ranked = ranking.category_affinity(own_categories, category_popular, [("x", 1.0)], 10)
    # a1 = 2*3 = 6; b1 = 1*5 = 5; ab = 2*1 + 1*2 = 4; x is the user's own; C is not the user's category.
    assert ranked == [("a1", 6.0), ("b1", 5.0), ("ab", 4.0)]
    assert ranking.category_affinity(own_categories, category_popular, [], 2) == [("x", 18.0), ("a1", 6.0)]


def test_category_ties_go_to_the_smallest_product_id_and_no_categories_means_no_list():
    assert ranking.category_affinity([("A", 1.0)], {"A": [("p9", 2.0), ("p1", 2.0)]}, [], 3) == [("p1", 2.0), ("p9", 2.0)]
    assert ranking.category_affinity([], {"A": [("p1", 2.0)]}, [], 3) == []


def test_category_items_are_named_category_and_repeats_keep_their_units():
    served = ranking.serve("repeat_then_category", CANDIDATES, 3)
    assert [(i.product_id, i.origin, i.score) for i in served] == [("s1", "repeat", 3.0), ("s2", "repeat", 1.0), ("c1", "category", 7.0)]


def test_only_policies_that_read_als_candidates_need_a_model():
    assert ranking.ALS_POLICIES == {"als_with_seen", "als_unseen", "repeat_then_als", "top_repeat_then_als"}


def test_als_scoring_is_skipped_exactly_for_users_whose_list_never_reaches_it():
    three_seen = CANDIDATES._replace(seen=[("s1", 3.0), ("s2", 1.0), ("s3", 1.0)])
    assert not ranking.reads_als("repeat_then_als", three_seen, 3)
    assert ranking.reads_als("repeat_then_als", CANDIDATES, 3)  # two own products leave a slot for ALS
    assert ranking.reads_als("top_repeat_then_als", three_seen, 3)
    assert not any(ranking.reads_als("repeat_then_category", c, 3) for c in (CANDIDATES, three_seen))
    # Where the probe says "not read", the served list is the same with or without the ALS list.
    for policy in ranking.POLICIES:
        for user in (CANDIDATES, three_seen, CANDIDATES._replace(seen=[])):
            if not ranking.reads_als(policy, user, 3):
                assert ranking.serve(policy, user, 3) == ranking.serve(policy, user._replace(als=[]), 3), policy
