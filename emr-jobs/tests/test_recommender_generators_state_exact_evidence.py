"""Every fact a card states is counted exactly from the purchases before the cut, and nothing after it counts."""
from recstream_jobs.recommend import generators as G
from recstream_jobs.recommend.candidates import DAY, Purchase

CUT = 100 * DAY


def bought(user, product, day, category_code="audio", quantity=1, order=None):
    return Purchase(user, product, day * DAY, quantity, "7", category_code, order or "%s-%s-%d" % (user, product, day))


PURCHASES = [
    bought("u1", "mic", 10, quantity=2), bought("u1", "mic", 50), bought("u1", "cable", 60),
    bought("u2", "cable", 70), bought("u2", "amp", 71),
    bought("u3", "cable", 80), bought("u3", "amp", 81), bought("u3", "speaker", 95),
    bought("u4", "speaker", 96), bought("u4", "tv", 97, category_code=None),
    # After the cut: must change nothing the generators say.
    bought("u5", "amp", 101), bought("u1", "amp", 102),
]


def test_repeat_says_units_and_last_day_of_the_customers_own_product():
    history = G.History(PURCHASES, CUT)
    assert G.repeat(history, "u1")[:2] == ["mic", "cable"]
    assert G.evidence(history, "u1", "mic", "repeat") == {"times_bought": 3, "last_bought": "1970-02-20"}


def test_copurchase_names_a_product_of_the_customer_and_the_exact_customers_who_bought_both():
    history = G.History(PURCHASES, CUT)
    proposed = [p for p, _ in G.copurchase(history, "u1")]
    assert "amp" in proposed and "mic" not in proposed and "cable" not in proposed
    # u2 and u3 bought cable and amp; u1 (the customer) never bought amp before the cut.
    assert G.evidence(history, "u1", "amp", "copurchase") == {"because_of": "cable", "customers_also": 2}


def test_category_rank_is_the_products_place_in_the_category_it_names():
    history = G.History(PURCHASES, CUT)
    # Over the 90 days before the cut, "audio" by distinct customers: cable 3, amp 2, speaker 2 (then by id), mic 1.
    assert [p for p, _ in history.category_lists["audio"]] == ["cable", "amp", "speaker", "mic"]
    assert G.evidence(history, "u4", "amp", "category") == {"category_rank": 2, "window_days": G.CATEGORY_DAYS}
    # A product without a category code is ranked within its category id, never under a code it lacks.
    assert history.label["tv"] == "7" and history.category_rank[("7", "tv")] == 1


def test_popular_counts_distinct_customers_of_the_last_days_before_the_cut():
    history = G.History(PURCHASES, CUT)
    # Days 70-99: amp, cable and speaker 2 customers each (then by id), tv 1; mic was last bought on day 50.
    assert [product for product, _ in history.popular] == ["amp", "cable", "speaker", "tv"]
    assert G.popular(history) == ["amp", "cable", "speaker", "tv"][: G.PER_GENERATOR["popular"]]
    assert G.evidence(history, "u1", "tv", "popular") == {"popular_rank": 4, "window_days": G.POPULAR_DAYS}
    assert G.evidence(history, "u1", "speaker", "popular") == {"popular_rank": 3, "window_days": G.POPULAR_DAYS}


def test_purchases_after_the_cut_change_no_candidate_and_no_evidence():
    before_only = [p for p in PURCHASES if p.ts < CUT]
    a, b = G.History(PURCHASES, CUT), G.History(before_only, CUT)
    for user in ("u1", "u2", "u3", "u4"):
        assert G.proposals(a, user, {}) == G.proposals(b, user, {})
        for product, generators in G.proposals(a, user, {})[0].items():
            source = G.source_of(generators)
            assert G.evidence(a, user, product, source) == G.evidence(b, user, product, source)
