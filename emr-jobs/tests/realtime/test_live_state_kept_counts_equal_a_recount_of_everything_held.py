"""The job keeps its funnels, active sessions, trending totals and evictions as counts per minute (timed.py,
sessions.py, trending.py) instead of walking every held session and customer each batch; they must equal a recount
of everything held, at minute edges, across evictions and across a restore (the state's JSON, indexed again)."""
import json
import random

from realtime_jobs import activity, live, sessions, trending
from realtime_jobs.timed import MINUTE_MS, Timed

T0 = 1_700_000_040_000  # a minute's start
KINDS = ("view", "cart", "remove_from_cart", "purchase")


def recount_funnels(seen_by_session, as_of):
    funnels = []
    for minutes in live.REALTIME["funnelWindowsMinutes"]:
        since = as_of - minutes * MINUTE_MS
        viewed, carted, bought = (sum(1 for seen in seen_by_session.values() if seen.get(kind, since) > since) for kind in sessions.FUNNEL_KINDS)
        funnels.append({"minutes": minutes, "viewed": viewed, "carted": carted, "bought": bought, "view_to_cart": None if viewed == 0 else round(carted / viewed, 4), "cart_to_purchase": None if carted == 0 else round(bought / carted, 4)})
    return funnels, sum(1 for seen in seen_by_session.values() if max(seen.values()) > as_of - sessions.ACTIVE_MS)


def test_a_timed_table_expires_exactly_the_keys_below_the_bound_at_the_bound_s_own_minute():
    table = Timed({"a": T0 - 1, "b": T0, "c": T0 + 59_999, "d": T0 + MINUTE_MS}, lambda ms: ms)
    assert table.expire(T0) == [("a", T0 - 1)]
    assert sorted(table.expire(T0 + 59_999)) == [("b", T0)]
    table["c"] = 0
    table.touch("c", T0 + 2 * MINUTE_MS)  # a later time moves the key; its old minute no longer holds it
    assert table.expire(T0 + MINUTE_MS + 1) == [("d", T0 + MINUTE_MS)]
    assert set(table) == {"c"} and table.newest(1) == ["c"]


def test_funnels_active_sessions_and_trending_equal_a_recount_across_evictions_and_a_restore():
    rng = random.Random(7)
    state = live.empty_state()
    for batch in range(200):
        now = T0 + batch * 45_000
        rows = [[(now - rng.randrange(0, 120_000)) // 1000 * 1000, rng.choice(KINDS), "s%d" % (batch * 4 + rng.randrange(40)), "p%d" % rng.randrange(60)] for _ in range(40)]
        minutes = {}
        for ts, kind, _, _ in rows:
            minutes[(ts // MINUTE_MS * MINUTE_MS, kind)] = minutes.get((ts // MINUTE_MS * MINUTE_MS, kind), 0) + 1
        partial = {
            "batch_id": batch,
            "offsets": {"events": {"0": batch}},
            "produced_ms": now,
            "processed_ms": now,
            "unreadable": 0,
            "minutes": [[m, k, n, "0"] for (m, k), n in minutes.items()],
            "orders": [],
            "sessions": [[s, k, ts, 1] for ts, k, s, _ in rows],
            "products": [[ts // MINUTE_MS * MINUTE_MS, p, k, 1, None, "c%d" % (int(p[1:]) % 5)] for ts, k, _, p in rows if k in ("view", "cart")],
            "events": [[s, ts // 1000 * 1000, k, p, None, None, None, "1.00", "u" + s] for ts, k, s, p in rows],
        }
        live.fold(state, partial)
        if batch == 60:
            state = json.loads(json.dumps(state))  # a restore: plain dicts, indexed again by the next fold
            live.fold(state, dict(partial, batch_id=10_000 + batch, events=[], sessions=[], products=[], minutes=[]))
            state["batch_id"] = batch
        as_of = state["as_of_ms"]
        view = live.view(state, now)
        plain = json.loads(json.dumps(state["sessions"]))
        assert plain and (view["funnel"], view["active_sessions"]) == recount_funnels(plain, as_of)
        # Trending: a recount of every held minute after the window's start.
        since, totals = as_of - trending.TRENDING_MS, {}
        for minute, per in json.loads(json.dumps(state["products"])).items():
            for product, (views, carts) in per.items():
                if int(minute) > since:
                    totals[product] = [totals.get(product, [0, 0])[0] + views, totals.get(product, [0, 0])[1] + carts]
        assert {p["product_id"]: [p["views"], p["carts"]] for p in view["trending"]["products"]} == {p: totals[p] for p in [q["product_id"] for q in view["trending"]["products"]]}
        assert len(view["trending"]["products"]) == min(10, len(totals))
        assert min((-v, -c, p) for p, (v, c) in totals.items()) == (-view["trending"]["products"][0]["views"], -view["trending"]["products"][0]["carts"], view["trending"]["products"][0]["product_id"])
        # Eviction: exactly what the rules keep.
        oldest = live.watermark(state) - live.HORIZON_MS
        assert all(max(seen.values()) >= oldest for seen in plain.values())
        assert all(held["last"] > as_of - activity.ACTIVE_MS for held in state["activity"].values())
        assert set(state["catalogue"]) == {p for per in state["products"].values() for p in per}
        newest = sorted(state["activity"].items(), key=lambda ua: (-ua[1]["last"], ua[0]))[:5]
        assert [c["user_id"] for c in view["live_customers"]] == [u for u, _ in newest]
    # The rules evicted on the way: about 4 new sessions a batch, ~840 in all, at most ~100 batches held.
    assert len(state["sessions"]) < 500 and len(state["intent_sessions"]) < 500 and len(state["activity"]) < 500
