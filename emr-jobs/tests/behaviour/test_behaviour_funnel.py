"""The funnel on a hand-computed fixture: every count, rate and median is worked out below.

Sessions (seconds after 10:00; products A-E are ids 11-15, users u1-u4 ids 1-4; X and Y are categories):
  S1 u1: view A(X) 0, cart A 60, purchase A 180     -> view, cart, purchase; 60 s and 120 s
  S2 u2: view B(X) 0, cart B 30                     -> view, cart; abandoned; 30 s
  S3 u3: view C(Y) 0                                -> view
  S4 u4: purchase D(Y) 0                            -> no view: outside the funnel; any purchase
  S5 u1, at 12:00: cart E(Y) 0, view E 10, purchase E 20
                                                    -> view only (its cart came before the view);
                                                       its first cart is followed by a purchase
"""
import calendar

import pytest
from events_fixture import T0, event, raw_frame

from behaviour_jobs import events as ev
from behaviour_jobs import funnel, funnel_days, sessions

X, Y = "2000000000000000001", "2000000000000000002"
NOON = 7200


def fixture_rows():
    return [
        event(0, "view", "11", "1", "S1", X), event(60, "cart", "11", "1", "S1", X), event(180, "purchase", "11", "1", "S1", X),
        event(0, "view", "12", "2", "S2", X), event(30, "cart", "12", "2", "S2", X),
        event(0, "view", "13", "3", "S3", Y),
        event(0, "purchase", "14", "4", "S4", Y),
        event(NOON, "cart", "15", "1", "S5", Y), event(NOON + 10, "view", "15", "1", "S5", Y), event(NOON + 20, "purchase", "15", "1", "S5", Y),
    ]


@pytest.fixture(scope="module")
def document(spark):
    events = sessions.sessionize(ev.good_events(ev.checked(raw_frame(spark, fixture_rows()))))
    return funnel.funnel(events)


def test_session_funnel_overall(document):
    o = document["session"]["overall"]
    assert o["units"] == 5
    assert o["reached"] == {"view": 4, "cart": 2, "purchase": 1}
    assert o["conversion"] == {"view_to_cart": 0.5, "cart_to_purchase": 0.5, "view_to_purchase": 0.25}
    assert o["drop_off"] == {"view_to_cart": 0.5, "cart_to_purchase": 0.5, "view_to_purchase": 0.75}
    assert (o["with_any_cart"], o["with_any_purchase"]) == (3, 3)
    assert o["cart_abandonment"] == 0.333333  # S2 of S1, S2, S5
    assert o["median_seconds"] == {"view_to_cart": 45.0, "cart_to_purchase": 120.0}


def test_user_funnel_overall(document):
    # u1 joins S1 and S5: view 0, cart 60, purchase 180. u2 abandons, u3 views, u4 only buys.
    o = document["user"]["overall"]
    assert o["units"] == 4
    assert o["reached"] == {"view": 3, "cart": 2, "purchase": 1}
    assert o["cart_abandonment"] == 0.5
    assert o["median_seconds"] == {"view_to_cart": 45.0, "cart_to_purchase": 120.0}


def test_session_funnel_by_category_and_hour(document):
    by_category = {r["category_id"]: r for r in document["session"]["by_category"]}
    assert by_category[X]["reached"] == {"view": 2, "cart": 2, "purchase": 1}
    assert by_category[X]["category_code"] == "electronics.phone"
    assert by_category[Y]["reached"] == {"view": 2, "cart": 0, "purchase": 0}
    assert by_category[Y]["conversion"]["cart_to_purchase"] is None
    by_hour = {r["hour"]: (r["units"], r["reached"]) for r in document["session"]["by_hour"]}
    assert by_hour == {"10": (4, {"view": 3, "cart": 2, "purchase": 1}), "12": (1, {"view": 1, "cart": 0, "purchase": 0})}
    assert [(r["day"], r["units"]) for r in document["session"]["by_day"]] == [("2019-10-01", 5)]
    assert [(r["brand"], r["units"]) for r in document["session"]["by_brand"]] == [("acme", 5)]


DAY = 86400
# Users whose steps span days, where a merge of per-day partials could go wrong (seconds after 2019-10-01 10:00):
MULTI_DAY = {
    "21": [(0, "view"), (-600, "cart"), (DAY, "cart"), (2 * DAY, "purchase")],  # cart before the view; the step's cart a day later
    "22": [(0, "cart"), (DAY, "view"), (DAY - 60, "cart"), (2 * DAY, "cart")],  # the view's day has a cart only before it: abandoned
    "23": [(0, "view"), (60, "cart"), (30, "purchase"), (DAY, "purchase")],  # the purchase after the cart is the next day's
    "24": [(0, "view"), (DAY, "purchase")],  # no cart
    "25": [(0, "view"), (60, "cart"), (120, "purchase"), (DAY, "view"), (DAY + 60, "cart")],  # done on day 1; day 2 only adds
    "26": [(0, "cart"), (60, "purchase"), (DAY, "view")],  # viewed after its only cart: no cart step, not abandoned
}


def reference_steps(events):
    """The funnel rule (the module docstring) on one unit's (seconds, type) events, computed on all of them at once."""
    times = lambda kind: sorted(t for t, k in events if k == kind)  # noqa: E731
    first_at = lambda ts, after: next((t for t in ts if after is not None and t >= after), None)  # noqa: E731
    carts, purchases = times("cart"), times("purchase")
    viewed = (times("view") or [None])[0]
    carted = first_at(carts, viewed)
    first_cart = (carts or [None])[0]
    return {"viewed_at": viewed, "carted_at": carted, "bought_at": first_at(purchases, carted), "first_cart": first_cart,
            "first_purchase": (purchases or [None])[0], "abandoned": first_cart is not None and first_at(purchases, first_cart) is None}


def test_per_day_partials_merge_to_the_steps_of_all_days_at_once(spark):
    rows = [event(t, kind, "1", user, None) for user, events in MULTI_DAY.items() for t, kind in events]
    events = sessions.sessionize(ev.good_events(ev.checked(raw_frame(spark, rows))))
    partial = funnel_days.partials(events)
    assert {r[0] for r in partial.filter("kind = 'user'").select("day").collect()} == {"2019-10-01", "2019-10-02", "2019-10-03"}
    merged = {r["user_id"]: r.asDict() for r in funnel_days.merge(partial).filter("kind = 'user'").collect()}
    epoch = calendar.timegm(T0.timetuple())
    for user, unit in MULTI_DAY.items():
        expected = {k: (v if v is None or isinstance(v, bool) else epoch + v) for k, v in reference_steps(unit).items()}
        assert {k: merged[user][k] for k in expected} == expected, user
