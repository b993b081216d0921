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
import pytest
from events_fixture import event, raw_frame

from behaviour_jobs import events as ev
from behaviour_jobs import funnel, sessions

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
