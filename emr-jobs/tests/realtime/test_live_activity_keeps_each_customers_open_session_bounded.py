"""Per customer, the interactions of their open session (realtime_jobs/activity.py, issue 24): newest first,
distinct, at most `interactionsKept`; a newer session replaces an older one and an older session's event is left
out; late rows are left out; a customer quiet for `activeMinutes` before the events' clock leaves the state; the
item the job writes carries the TTL the API checks."""
from realtime_jobs import activity, live

S = 1000
T0 = 1_572_566_400_000  # 2019-11-01T00:00:00Z


def event(session, ts, kind, product, user="7"):
    # [session, second ms, kind, product, category id, category code, brand, price, user]
    return [session, ts, kind, product, "1", "electronics.audio", "acme", "9.99", user]


def test_a_customers_open_session_newest_first_distinct_and_bounded():
    state = live.empty_state()
    rows = [event("a", T0 + i * S, "view", str(100 + i)) for i in range(activity.KEPT + 3)]
    changed = activity.fold(state, rows + [rows[0], event("a", T0, "view", "100", user=None)], lambda ms: False)
    held = state["activity"]["7"]
    assert changed == {"7"}
    assert [i[2] for i in held["interactions"]] == [str(100 + i) for i in reversed(range(3, activity.KEPT + 3))]
    assert len(held["interactions"]) == activity.KEPT
    # A cart of the same session joins; an event of a newer session replaces it; then one of the older is left out.
    activity.fold(state, [event("a", T0 + 60 * S, "cart", "555")], lambda ms: False)
    assert state["activity"]["7"]["interactions"][0][1:3] == ["cart", "555"]
    activity.fold(state, [event("b", T0 + 90 * S, "view", "900")], lambda ms: False)
    assert [(i[1], i[2]) for i in state["activity"]["7"]["interactions"]] == [("view", "900")]
    assert activity.fold(state, [event("a", T0 + 85 * S, "purchase", "555")], lambda ms: False) == set()
    assert state["activity"]["7"]["session"] == "b"


def test_late_rows_are_left_out_and_a_quiet_customer_leaves_the_state():
    state = live.empty_state()
    assert activity.fold(state, [event("a", T0, "view", "1")], lambda ms: ms < T0 + S) == set()
    activity.fold(state, [event("a", T0 + 5 * S, "view", "1"), event("c", T0 + 5 * S, "view", "2", user="8")], lambda ms: False)
    activity.evict(state, T0 + 5 * S + activity.ACTIVE_MS - 1)
    assert set(state["activity"]) == {"7", "8"}
    activity.fold(state, [event("c", T0 + 10 * S, "cart", "2", user="8")], lambda ms: False)
    activity.evict(state, T0 + 5 * S + activity.ACTIVE_MS)
    assert set(state["activity"]) == {"8"}


def test_the_fold_of_a_partial_reports_the_changed_customers_and_the_item_carries_its_ttl():
    state = live.empty_state()
    partial = {"batch_id": 0, "offsets": {}, "produced_ms": None, "unreadable": 0, "minutes": [[T0, "view", 1, "9.99"]], "orders": [], "sessions": [], "products": [], "events": [event("a", T0, "view", "1")]}
    live.fold(state, partial)
    assert state["activity_changed"] == ["7"]
    assert live.view(state, T0)["live_customers"] == [{"user_id": "7", "at": "2019-11-01T00:00:00Z", "kind": "view", "product_id": "1"}]
    written = T0 + 3 * S
    item = activity.item("7", state["activity"]["7"], written, live.iso)
    assert item == {
        "user_id": "7",
        "session": "a",
        "interactions": [{"at": "2019-11-01T00:00:00Z", "kind": "view", "product_id": "1", "category_code": "electronics.audio", "brand": "acme", "price": "9.99"}],
        "written_at": "2019-11-01T00:00:03Z",
        "expires_at": written // 1000 + activity.ACTIVE_MS // 1000,
    }
