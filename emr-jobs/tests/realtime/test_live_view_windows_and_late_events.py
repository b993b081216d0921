"""The live state's fold on hand-made batch partials (no Spark): windows end at the latest event time,
late events count in the totals only, an order split over batches counts once, sums stay exact."""
import pytest

from realtime_jobs import live

MIN = 60_000
T0 = 1_572_566_400_000  # 2019-11-01T00:00:00Z


def partial(batch_id, minutes=(), orders=(), sessions=(), products=(), offsets=None, produced=None, unreadable=0, processed=None):
    return {
        "batch_id": batch_id,
        "offsets": offsets or {},
        "produced_ms": produced,
        "processed_ms": processed,
        "unreadable": unreadable,
        "minutes": [list(m) for m in minutes],
        "orders": [list(o) for o in orders],
        "sessions": [list(s) for s in sessions],
        "products": [list(p) for p in products],
    }


def test_windows_end_at_the_latest_event_time_and_count_the_funnel_per_window():
    state = live.empty_state()
    live.fold(state, partial(0, minutes=[(T0, "view", 3, "30")], sessions=[("a", "view", T0, 1), ("b", "view", T0 + 10 * MIN, 1)]))
    live.fold(
        state,
        partial(
            1,
            minutes=[(T0 + 50 * MIN, "cart", 1, "5"), (T0 + 50 * MIN, "purchase", 1, "5.10")],
            sessions=[("b", "cart", T0 + 50 * MIN, 1), ("b", "purchase", T0 + 50 * MIN + 1000, 1), ("c", "view", T0 + 49 * MIN, 1)],
        ),
    )
    view = live.view(state, T0 + 51 * MIN)
    assert view["as_of"] == "2019-11-01T00:50:01Z"
    assert view["watermark"] == "2019-11-01T00:40:01Z"
    fifteen, sixty = view["funnel"]
    # Last 15 minutes: c viewed; b carted and bought (its view was 40 minutes earlier).
    assert (fifteen["viewed"], fifteen["carted"], fifteen["bought"]) == (1, 1, 1)
    # Last 60 minutes: a, b and c viewed.
    assert (sixty["viewed"], sixty["carted"], sixty["bought"]) == (3, 1, 1)
    assert sixty["view_to_cart"] == pytest.approx(1 / 3, abs=1e-4)
    # a's last event is 50 minutes old: no longer active (30 minutes of inactivity end a session).
    assert view["active_sessions"] == 2
    assert view["totals"]["purchase_revenue"] == "5.1"


def test_a_late_event_counts_in_the_totals_but_in_no_window():
    state = live.empty_state()
    live.fold(state, partial(0, minutes=[(T0 + 30 * MIN, "view", 1, "1")], sessions=[("a", "view", T0 + 30 * MIN, 1)]))
    # 20 minutes behind the latest event: older than the 10-minute allowed lateness.
    live.fold(state, partial(1, minutes=[(T0 + 10 * MIN, "view", 2, "2")], sessions=[("late", "view", T0 + 10 * MIN, 2)]))
    view = live.view(state, T0 + 31 * MIN)
    assert view["totals"]["events"]["view"] == 3
    assert view["totals"]["late_events"] == 2
    assert sum(m["events"]["view"] for m in view["per_minute"]) == 1
    assert view["funnel"][1]["viewed"] == 1


def test_an_order_whose_lines_arrive_in_two_batches_counts_once_and_its_revenue_exactly():
    state = live.empty_state()
    live.fold(state, partial(0, minutes=[(T0, "order_line", 2, "0.10")], orders=[("9007199254740993", T0)]))
    live.fold(state, partial(1, minutes=[(T0, "order_line", 1, "0.20")], orders=[("9007199254740993", T0)]))
    totals = live.view(state, T0)["totals"]
    assert (totals["orders"], totals["order_lines"], totals["order_revenue"]) == (1, 3, "0.3")


def test_an_order_split_over_partitions_far_apart_in_event_time_counts_once():
    """The demo data's 21 double-counted orders: an order with a user id on one line and none on another
    is keyed to two partitions, which the job reaches in batches hours apart in event time. Its lines
    were produced seconds apart: the order is remembered by produce time, not forgotten by event time."""
    state = live.empty_state()
    produced = 1_800_000_000_000
    live.fold(state, partial(0, minutes=[(T0, "order_line", 1, "1")], orders=[("42", T0, produced)], produced=produced))
    live.fold(state, partial(1, minutes=[(T0 + 300 * MIN, "order_line", 1, "1")], orders=[("7", T0 + 300 * MIN, produced + 1000)], produced=produced + 1000))
    live.fold(state, partial(2, minutes=[(T0, "order_line", 1, "2")], orders=[("42", T0, produced + 2000)], produced=produced + 2000))
    totals = live.view(state, T0)["totals"]
    assert (totals["orders"], totals["order_lines"], totals["order_revenue"]) == (2, 3, "4")
    # Forgotten once nothing of it was produced for an hour: the state does not grow for ever.
    live.fold(state, partial(3, minutes=[(T0 + 301 * MIN, "view", 1, "1")], produced=produced + 2000 + live.ORDER_MEMORY_MS + 1))
    assert state["orders"] == {}


def test_one_event_far_ahead_of_the_jobs_clock_cannot_move_the_live_clock():
    """A collector event stamped 9999 (or a day ahead, inside the contract's range) once moved `as_of`
    to 9999 and made every later event late, for ever. Ahead of processing time plus the allowed skew,
    it counts in the totals and in `ahead_events`, in no window, and the clock stays where traffic is."""
    now = T0 + 60 * MIN
    state = live.empty_state()
    far = 253_402_300_799_000  # 9999-12-31T23:59:59Z
    live.fold(state, partial(0, minutes=[(far - far % MIN, "view", 1, "1")], sessions=[("poison", "view", far, 1)], processed=now))
    live.fold(state, partial(1, minutes=[(now - MIN, "view", 5, "5")], sessions=[("a", "view", now - 30_000, 5)], processed=now))
    view = live.view(state, now)
    assert view["as_of"] == "2019-11-01T00:59:30Z"
    assert view["totals"]["events"]["view"] == 6
    assert (view["totals"]["ahead_events"], view["totals"]["late_events"]) == (1, 0)
    assert sum(m["events"]["view"] for m in view["per_minute"]) == 5
    assert view["funnel"][0]["viewed"] == 1
    # Within the skew, an event a little ahead (a storefront's fast clock) is traffic like any other.
    live.fold(state, partial(2, minutes=[(now + MIN, "view", 1, "1")], sessions=[("b", "view", now + MIN, 1)], processed=now))
    assert live.view(state, now)["as_of"] == "2019-11-01T01:01:00Z"


def test_a_batch_is_never_folded_twice():
    state = live.empty_state()
    live.fold(state, partial(0, minutes=[(T0, "view", 1, "1")]))
    with pytest.raises(AssertionError):
        live.fold(state, partial(0, minutes=[(T0, "view", 1, "1")]))


def test_trending_ranks_products_and_categories_of_the_last_15_minutes_by_views_then_carts():
    state = live.empty_state()
    live.fold(
        state,
        partial(
            0,
            sessions=[("s", "view", T0 + 30 * MIN, 1)],
            products=[
                (T0, "old", "view", 99, "x", "a.b"),
                (T0 + 20 * MIN, "p1", "view", 2, "acme", "electronics.audio"),
                (T0 + 25 * MIN, "p2", "view", 2, None, None),
                (T0 + 25 * MIN, "p2", "cart", 1, None, None),
            ],
        ),
    )
    trending = live.view(state, T0 + 30 * MIN)["trending"]
    assert [p["product_id"] for p in trending["products"]] == ["p2", "p1"]
    assert trending["products"][1]["category_path"] == ["electronics", "audio"]
    assert trending["categories"] == [{"category": "electronics.audio", "views": 2, "carts": 0}]


def test_each_topic_has_its_own_clock_so_older_purchases_and_newer_events_both_fill_their_windows():
    """Issue 24: the demo purchases end in July 2020; events replayed from October 2019 once counted as
    late against that clock and every window showed 0. Each topic's windows end at its own latest time."""
    state = live.empty_state()
    july_2020 = 1_596_153_600_000  # 2020-07-31T00:00:00Z
    live.fold(state, partial(0, minutes=[(july_2020, "order_line", 2, "10.50")], orders=[("o1", july_2020)]))
    live.fold(state, partial(1, minutes=[(T0, "view", 3, "3"), (T0 + MIN, "purchase", 1, "5")], sessions=[("a", "view", T0, 3), ("a", "purchase", T0 + MIN, 1)]))
    view = live.view(state, T0 + 2 * MIN)
    assert view["totals"]["late_events"] == 0
    assert (view["as_of"], view["orders_as_of"]) == ("2019-11-01T00:01:00Z", "2020-07-31T00:00:00Z")
    assert [(m["minute"], m["events"]["view"], m["events"]["purchase"], m["purchase_revenue"]) for m in view["per_minute"]] == [
        ("2019-11-01T00:00:00Z", 3, 0, "0"),
        ("2019-11-01T00:01:00Z", 0, 1, "5"),
    ]
    assert view["orders_per_minute"] == [{"minute": "2020-07-31T00:00:00Z", "orders": 1, "order_lines": 2, "order_revenue": "10.5"}]
    assert (view["funnel"][0]["viewed"], view["funnel"][0]["bought"]) == (1, 1)
    # An order line 20 minutes behind the orders' clock is late for the orders, whatever the events' clock says.
    live.fold(state, partial(2, minutes=[(july_2020 - 20 * MIN, "order_line", 1, "1")], orders=[("o2", july_2020 - 20 * MIN)]))
    assert live.view(state, 0)["totals"]["late_events"] == 1
