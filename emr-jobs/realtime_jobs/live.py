"""The live state: batch partials folded in order, and the live view document made from it.

Pure Python (no Spark), so it is tested on hand-made partials. Windows are event-time windows with a
clock per topic: the events' windows end at the latest event time seen on the events topic (`as_of`),
the orders' at the latest on the purchases topic (`orders_as_of`), so a store's older purchase
history cannot make its live events late (and the other way round). Each watermark is its clock minus
the allowed lateness. A partial row whose minute (or session event) is older than its topic's
watermark in the state it is folded into is late: it counts in the all-time totals and in
`late_events`, never in a window. A row ahead
of the job's clock by more than `clockAheadSeconds` (the batch's `processed_ms`) is ahead: it counts
in the all-time totals and in `ahead_events`, never in a window, and never moves `as_of`, so one
event stamped 9999 cannot make every later event late."""
import datetime
import functools
from decimal import Decimal

from . import activity, intent_state, sessions, trending
from . import enrich
from .contract import EVENT_TYPES, REALTIME
from .timed import Timed

MINUTE_MS = 60_000
LATENESS_MS = REALTIME["allowedLatenessSeconds"] * 1000
HORIZON_MS = max(REALTIME["funnelWindowsMinutes"]) * MINUTE_MS
ACTIVE_MS = REALTIME["activeSessionSeconds"] * 1000
AHEAD_MS = REALTIME["clockAheadSeconds"] * 1000
# How long an order id is remembered after its newest line was produced: an order's lines are produced
# by one ingest run, seconds apart, but may sit in different partitions (a line with a user id and one
# without are keyed apart) that the job reaches in different batches, far apart in event time.
ORDER_MEMORY_MS = 60 * 60 * 1000


@functools.lru_cache(maxsize=1 << 16)
def iso(ms):
    # Cached: a batch's items and views name the same few seconds many times over.
    return None if ms is None else datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def empty_state():
    return {
        "batch_id": -1,
        "offsets": {},
        # The events topic's clock (`as_of`) and the purchases topic's (`orders_as_of`).
        "as_of_ms": None,
        "orders_as_of_ms": None,
        "produced_ms": None,
        "totals": {"events": {t: 0 for t in EVENT_TYPES}, "purchase_revenue": "0", "orders": 0, "order_lines": 0, "order_revenue": "0", "late_events": 0, "ahead_events": 0, "unreadable": 0},
        # minute (ms, as a string key: the state is JSON) -> {event kind: count, "purchase_revenue"} (events topic)
        "minutes": {},
        # minute -> {"order_line": count, "order_revenue", "orders"} (purchases topic, its own clock)
        "order_minutes": {},
        # order id -> [its minute, its newest line's produce ms]: an order's lines counted once even when they arrive in several batches
        "orders": {},
        # session -> {kind: its last event ms}
        "sessions": {},
        # minute -> {product: [views, carts]}; product -> [brand, category code]
        "products": {},
        "catalogue": {},
        # intent_state.py: the held sessions' events before their cut, and per user their sessions that left
        "intent_sessions": {},
        "intent_users": {},
    }


def watermark(state, clock="as_of_ms"):
    """The events' watermark, or with clock="orders_as_of_ms" the orders'."""
    return None if state.get(clock) is None else state[clock] - LATENESS_MS


def _add_amount(holder, key, amount):
    """Exact decimal sums kept as plain strings (`8.33`, `100`): JSON numbers would round them."""
    holder[key] = format((Decimal(holder.get(key, "0")) + Decimal(amount)).normalize(), "f")


def fold(state, partial):
    """Adds one batch's partial to the state (in place) and returns the state. Batches fold in id order."""
    assert partial["batch_id"] > state["batch_id"], "batch %s folded after %s" % (partial["batch_id"], state["batch_id"])
    # A state folded before the orders had their own clock: they start from the one clock it had.
    state.setdefault("orders_as_of_ms", state["as_of_ms"])
    state.setdefault("order_minutes", {})
    mark, order_mark = watermark(state), watermark(state, "orders_as_of_ms")
    # A partial stored before the cap existed has no processing time: nothing is ahead of it.
    cap = None if partial.get("processed_ms") is None else partial["processed_ms"] + AHEAD_MS

    def late(ms, kind=None):
        topic_mark = order_mark if kind == "order_line" else mark
        return topic_mark is not None and ms < topic_mark

    ahead = lambda ms: cap is not None and ms > cap  # noqa: E731
    outside = lambda ms: late(ms) or ahead(ms)  # noqa: E731
    totals = state["totals"]
    totals.setdefault("ahead_events", 0)  # a state folded before the cap existed
    for topic, partitions in partial["offsets"].items():
        state["offsets"].setdefault(topic, {}).update(partitions)
    if partial["produced_ms"] is not None:
        state["produced_ms"] = partial["produced_ms"]
    totals["unreadable"] += partial["unreadable"]
    newest, newest_order = state["as_of_ms"], state["orders_as_of_ms"]
    for minute, kind, count, amount in partial["minutes"]:
        if kind == "order_line":
            totals["order_lines"] += count
            _add_amount(totals, "order_revenue", amount)
        else:
            totals["events"][kind] = totals["events"].get(kind, 0) + count
            if kind == "purchase":
                _add_amount(totals, "purchase_revenue", amount)
        if late(minute + MINUTE_MS - 1, kind):
            totals["late_events"] += count
            continue
        if ahead(minute + MINUTE_MS - 1):
            totals["ahead_events"] += count
            continue
        if kind == "order_line":
            bucket = state["order_minutes"].setdefault(str(minute), {})
            _add_amount(bucket, "order_revenue", amount)
            newest_order = max(newest_order or minute, minute)
        else:
            bucket = state["minutes"].setdefault(str(minute), {})
            if kind == "purchase":
                _add_amount(bucket, "purchase_revenue", amount)
            newest = max(newest or minute, minute)
        bucket[kind] = bucket.get(kind, 0) + count
    orders = _orders(state)
    for order_id, minute, *produced in partial["orders"]:
        # A partial stored before produce times were kept: its orders are remembered as of this batch.
        produced_ms = produced[0] if produced else partial["produced_ms"]
        if order_id in orders:
            orders[order_id][1] = max(orders[order_id][1], produced_ms or 0)
            orders.touch(order_id, orders[order_id][1])
            continue
        orders[order_id] = [minute, produced_ms or 0]
        orders.touch(order_id, produced_ms or 0)
        totals["orders"] += 1
        bucket = state["order_minutes"].get(str(minute))
        if bucket is not None:
            bucket["orders"] = bucket.get("orders", 0) + 1
    held_sessions = sessions.held(state)
    for session, kind, last_ms, _count in partial["sessions"]:
        if outside(last_ms):
            continue
        newest = max(newest or last_ms, last_ms)
        held_sessions.see(session, kind, last_ms)
    catalogue, products = _catalogue(state), trending.held(state)
    for minute, product, kind, count, brand, code in partial["products"]:
        if outside(minute + MINUTE_MS - 1):
            continue
        products.add(minute, product, kind, count)
        catalogue[product] = [brand, code]
        catalogue.touch(product, minute)
    # A partial stored before the intent scores existed has no events: those sessions have no features.
    intent_state.fold(state, partial.get("events", []), outside)
    # The customers whose open-session activity this batch changed: the job writes their live-state items.
    state["activity_changed"] = sorted(activity.fold(state, partial.get("events", []), outside))
    enrich.fold(state, partial, outside)
    state["as_of_ms"], state["orders_as_of_ms"] = newest, newest_order
    state["batch_id"] = partial["batch_id"]
    _evict(state)
    return state


def _orders(state):
    """The remembered orders, timed by their newest line's produce ms (an order kept as its id alone, from before
    produce times were kept, is forgotten)."""
    if not isinstance(state["orders"], Timed):
        state["orders"] = Timed({o: v for o, v in state["orders"].items() if isinstance(v, list)}, lambda v: v[1])
    return state["orders"]


def _catalogue(state):
    """product -> [brand, category code], timed by the latest minute the product has counts in (it leaves with
    that minute)."""
    if not isinstance(state["catalogue"], Timed):
        latest = {}
        for minute, per in state["products"].items():
            for product in per:
                latest[product] = max(latest.get(product, int(minute)), int(minute))
        catalogue = state["catalogue"] = Timed({p: v for p, v in state["catalogue"].items() if p in latest})
        for product, minute in latest.items():
            if product in catalogue:
                catalogue.touch(product, minute)
    return state["catalogue"]


def _evict(state):
    """Drops what no window can reach any more: older than the watermark minus the longest window. The held
    sessions, customers and orders are timed (timed.py): only what leaves is read."""
    if state["orders_as_of_ms"] is not None:
        oldest_order = watermark(state, "orders_as_of_ms") - HORIZON_MS
        state["order_minutes"] = {m: v for m, v in state["order_minutes"].items() if int(m) >= oldest_order}
    if state["as_of_ms"] is None:
        return
    oldest = watermark(state) - HORIZON_MS
    state["minutes"] = {m: v for m, v in state["minutes"].items() if int(m) >= oldest}
    trending.held(state).evict(oldest)
    # By produce time, not event time: the lines of one order arrive within ORDER_MEMORY_MS of each other
    # however far apart in event time the job's batches are (an order state keyed by event time lost 21 of
    # the demo data's 105,628 orders between batches and counted them twice).
    produced_since = (state["produced_ms"] or 0) - ORDER_MEMORY_MS
    _orders(state).expire(produced_since)
    sessions.held(state).evict(oldest)
    _catalogue(state).expire(oldest)
    enrich.evict(state, oldest)
    intent_state.evict(state, watermark(state))
    activity.evict(state, state["as_of_ms"])


# What view() shows without a scorer (intent_scores.LiveScorer.update gives the real thing).
NOT_SCORED = {"run": None, "unavailable": "the job scores no sessions", "by_session": {}}


def _likely_buyers(state, scores):
    """The served run and the open sessions most likely to buy, best first (ties: the most recent, then the key)."""
    parts = state.get("intent_sessions", {})
    ranked = sorted(scores["by_session"].items(), key=lambda sp: (-sp[1], -parts[sp[0]]["last"], sp[0]))[: REALTIME["likelyBuyersTop"]]
    return {
        "model_run": scores["run"],
        "unavailable": scores["unavailable"],
        "scored_sessions": len(scores["by_session"]),
        "likely_buyers": [
            {"session_id": s, "user_id": parts[s]["user"], "score": round(p, 6), "events": parts[s]["events"], "last_event": iso(parts[s]["last"])} for s, p in ranked
        ],
    }


def view(state, written_ms, scores=NOT_SCORED):
    """The live view document (contract/realtime.ts LiveView) of the state, written at `written_ms`;
    `scores`: the intent scores of the open sessions ({"run", "unavailable", "by_session"})."""
    as_of, orders_as_of = state["as_of_ms"], state.get("orders_as_of_ms")
    per_minute = [
        {"minute": iso(int(minute)), "events": {t: bucket.get(t, 0) for t in EVENT_TYPES}, "purchase_revenue": bucket.get("purchase_revenue", "0")}
        for minute, bucket in sorted(state["minutes"].items(), key=lambda mb: int(mb[0]))
        if as_of is not None and int(minute) > as_of - HORIZON_MS and any(bucket.get(t, 0) for t in EVENT_TYPES)
    ]
    orders_per_minute = [
        {"minute": iso(int(minute)), "orders": bucket.get("orders", 0), "order_lines": bucket.get("order_line", 0), "order_revenue": bucket.get("order_revenue", "0")}
        for minute, bucket in sorted(state.get("order_minutes", {}).items(), key=lambda mb: int(mb[0]))
        if orders_as_of is not None and int(minute) > orders_as_of - HORIZON_MS
    ]
    funnels, active = sessions.held(state).funnels(as_of) if as_of is not None else ([], 0)
    return {
        "v": 1,
        "as_of": iso(as_of),
        "watermark": iso(watermark(state)),
        "orders_as_of": iso(orders_as_of),
        "written_at": iso(written_ms),
        "alive_at": iso(written_ms),
        "lag_seconds": None if state["produced_ms"] is None else round(max(0, written_ms - state["produced_ms"]) / 1000, 3),
        "batch_id": state["batch_id"],
        "offsets": state["offsets"],
        "totals": state["totals"],
        "per_minute": per_minute,
        "orders_per_minute": orders_per_minute,
        "funnel": funnels,
        "active_sessions": active,
        "trending": trending.trending(state, as_of) if as_of is not None else {"products": [], "categories": []},
        **enrich.view(state, as_of),
        "intent": _likely_buyers(state, scores),
        "abandonment": intent_state.at_risk(state, scores.get("abandonment", NOT_SCORED), REALTIME["likelyBuyersTop"], iso),
        "live_customers": activity.recent(state, REALTIME["liveRecommendations"]["customersListed"], iso),
    }
