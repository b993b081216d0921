"""The live intent state across micro-batches (no Spark): a purchase arriving after later views still cuts
them off, a cart is part of what the scorer scores (and makes the session an open cart), an event 30:01 after the last starts a new session under the same key, and sessions that
leave the state still count in their user's history."""
from realtime_jobs import intent_state

T0 = 1_572_566_400_000  # 2019-11-01T00:00:00Z
S = 1000
never_late = lambda ms: False  # noqa: E731


def row(session, seconds, kind="view", product="1", user="7"):
    return [session, T0 + seconds * S, kind, product, "2053013555631882655", "electronics.phone", "acme", "10.00", user]


def fresh():
    return {"intent_sessions": {}, "intent_users": {}}


def test_a_purchase_that_arrives_after_later_views_cuts_them_off():
    state = fresh()
    intent_state.fold(state, [row("a", 0), row("a", 20, product="2"), row("a", 40, product="3")], never_late)
    intent_state.fold(state, [row("a", 30, kind="purchase"), row("a", 50, product="4")], never_late)
    part = state["intent_sessions"]["a"]
    assert [r[0] for r in part["prefix"]] == [T0, T0 + 20 * S]
    assert (part["cut"], part["events"], part["bought"]) == (T0 + 30 * S, 5, True)
    # The same event delivered again changes nothing but the count of events seen.
    intent_state.fold(state, [row("a", 0)], never_late)
    assert len(part["prefix"]) == 2


def test_thirty_minutes_and_one_second_later_is_a_new_session_and_the_old_one_is_history():
    state = fresh()
    intent_state.fold(state, [row("a", 0), row("a", 10, kind="cart"), row("a", 20, kind="purchase")], never_late)
    intent_state.fold(state, [row("a", 20 + 30 * 60), row("b", 20 + 30 * 60 + 1)], never_late)  # exactly 30:00 later: same session
    assert state["intent_sessions"]["a"]["events"] == 4
    intent_state.fold(state, [row("a", 20 + 60 * 60 + 1, product="9")], never_late)  # 30:01 after a's last event
    resumed = state["intent_sessions"]["a"]
    assert (resumed["events"], resumed["bought"], [r[2] for r in resumed["prefix"]]) == (1, False, ["9"])
    assert state["intent_users"] == {"7": [1, 1]}
    # b started before the resumed a: a has the closed session and b before it, b has the closed one.
    assert intent_state.history(state) == {"b": (1, 1), "a": (2, 1)}


def test_sessions_no_event_can_reopen_leave_the_state_and_count_for_their_user():
    state = fresh()
    intent_state.fold(state, [row("a", 0, kind="purchase"), row("c", 0, user=None)], never_late)
    intent_state.evict(state, T0 + 30 * 60 * S)  # last event exactly the inactivity gap before the watermark: kept
    assert set(state["intent_sessions"]) == {"a", "c"}
    intent_state.evict(state, T0 + 30 * 60 * S + 1)
    assert state["intent_sessions"] == {} and state["intent_users"] == {"7": [1, 1]}


def test_late_rows_are_left_out():
    state = fresh()
    intent_state.fold(state, [row("a", 0), row("a", 5, product="2")], lambda ms: ms < T0 + S)
    assert [r[2] for r in state["intent_sessions"]["a"]["prefix"]] == ["2"]


def test_a_cart_is_scored_with_the_session_and_makes_it_an_open_cart():
    state = fresh()
    intent_state.fold(state, [row("a", 0), row("a", 10, kind="cart"), row("a", 20, product="2"), row("b", 5)], never_late)
    assert [r[1] for r in state["intent_sessions"]["a"]["prefix"]] == ["view", "cart", "view"]
    as_of = T0 + 20 * S
    assert set(intent_state.open_undecided(state, as_of, 60 * S)) == {"a", "b"}
    assert set(intent_state.open_carts(state, as_of, 60 * S)) == {"a"}
    listed = intent_state.at_risk(state, {"run": "r", "unavailable": None, "by_session": {"a": 0.25}}, 10, str)
    assert listed["open_carts"] == [{"session_id": "a", "user_id": "7", "buy_probability": 0.25, "cart_value": "10.00", "events": 3, "last_event": str(as_of)}]
