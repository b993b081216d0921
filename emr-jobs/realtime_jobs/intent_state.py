"""What the live intent scores need from the stream, folded batch by batch (pure Python, like live.py).

Per session still in reach (`state["intent_sessions"]`): its user, start, last event, event count, whether
it bought, its cut (its first purchase: the session is decided there, behaviour_jobs/intent_features.py) and
its distinct events before the cut - the prefix the scorer scores, the input of the batch's own `prefix_features`. A session's key is the
store's tracker session (else `user:<id>`, records.py); as the batch's sessions job does, an event more
than the inactivity gap after the session's last one starts a new session under the same key.
Per user (`state["intent_users"]`): how many of their sessions, and how many that bought, have left the
state: with the sessions still held, the user's history features (earlier sessions, earlier buying ones).
"""
from behaviour_jobs.contract import SESSION_INACTIVITY_SECONDS
from behaviour_jobs.events import TYPE_ORDER
from behaviour_jobs.intent_features import DECISION_TYPES

from . import timed

INACTIVITY_MS = SESSION_INACTIVITY_SECONDS * 1000
# An event row of a partial after its session key: [second ms, kind, product, category id, category code, brand, price, user].
TS, KIND, USER = 0, 1, 7


def _part(ts, user):
    return {"user": user, "start": ts, "last": ts, "events": 0, "bought": False, "cut": None, "prefix": []}


def _close(state, part):
    """The session has ended: it stays in its user's history as a count."""
    if part["user"] is not None:
        counts = state["intent_users"].setdefault(part["user"], [0, 0])
        counts[0] += 1
        counts[1] += int(part["bought"])


def _add(part, row):
    ts, kind = row[TS], row[KIND]
    part["events"] += 1
    part["start"], part["last"] = min(part["start"], ts), max(part["last"], ts)
    # As the batch's sessions take the session's user (max, when events disagree).
    if row[USER] is not None and (part["user"] is None or row[USER] > part["user"]):
        part["user"] = row[USER]
    if kind == "purchase":
        part["bought"] = True
    if kind in DECISION_TYPES:
        if part["cut"] is None or ts < part["cut"]:
            part["cut"] = ts
            part["prefix"] = [e for e in part["prefix"] if e[TS] < ts]
    elif (part["cut"] is None or ts < part["cut"]) and row not in part["prefix"]:
        part["prefix"].append(row)


def fold(state, events, late):
    """Adds a batch's distinct events ([session, *row]) to the state; `late(ms)` rows are left out, as the live windows leave them."""
    sessions = _held(state)
    state.setdefault("intent_users", {})
    rows_by_session = {}
    for session, *row in events:
        if not late(row[TS]):
            rows_by_session.setdefault(session, []).append(row)
    for session, rows in rows_by_session.items():
        for row in sorted(rows, key=lambda r: (r[TS], TYPE_ORDER.get(r[KIND], len(TYPE_ORDER)))):
            part = sessions.get(session)
            if part is not None and row[TS] - part["last"] > INACTIVITY_MS:
                _close(state, part)
                part = None
            if part is None:
                part = sessions[session] = _part(row[TS], row[USER])
            _add(part, row)
        sessions.touch(session, sessions[session]["last"])


def _held(state):
    """The held sessions, timed by their last event (a restored or hand-made state's plain dict is indexed once)."""
    return timed.held(state, "intent_sessions", lambda part: part["last"])


def evict(state, watermark_ms):
    """Sessions no event can reopen any more (their last event is more than the inactivity gap before the watermark) leave the state."""
    state.setdefault("intent_users", {})
    for _, part in _held(state).expire(watermark_ms - INACTIVITY_MS):
        _close(state, part)


def history(state):
    """session -> (earlier sessions, earlier sessions that bought) of its user: every session that has left the
    state counts as earlier, a held one when it started earlier (start, then key, as the batch orders them)."""
    sessions = state.get("intent_sessions", {})
    by_user = {}
    for session, part in sessions.items():
        if part["user"] is not None:
            by_user.setdefault(part["user"], []).append((part["start"], session, part["bought"]))
    result = {}
    for user, held in by_user.items():
        closed, closed_bought = state.get("intent_users", {}).get(user, [0, 0])
        held.sort()
        earlier = bought = 0
        for start, session, did_buy in held:
            result[session] = (closed + earlier, closed_bought + bought)
            earlier += 1
            bought += int(did_buy)
    return result


def open_undecided(state, as_of_ms, active_ms):
    """Sessions still active (last event within `active_ms` of `as_of_ms`) that have not bought and have events before their cut."""
    return {s: p for s, p in state.get("intent_sessions", {}).items() if p["last"] > as_of_ms - active_ms and not p["bought"] and p["prefix"]}


def open_carts(state, as_of_ms, active_ms):
    """The open, undecided sessions that hold a cart: what the abandonment model scores."""
    return {s: p for s, p in open_undecided(state, as_of_ms, active_ms).items() if any(r[KIND] == "cart" for r in p["prefix"])}


def at_risk(state, scores, top, iso):
    """The live view's `abandonment`: open carts least likely to be bought first (ties: the most recent, then the
    key), each with its chance to buy in the session and what is in the cart so far (sum of cart events' prices)."""
    parts = state.get("intent_sessions", {})
    ranked = sorted(scores["by_session"].items(), key=lambda sp: (sp[1], -parts[sp[0]]["last"], sp[0]))[:top]
    cart_value = lambda part: sum(float(r[6] or 0) for r in part["prefix"] if r[KIND] == "cart")  # noqa: E731
    return {
        "model_run": scores["run"],
        "unavailable": scores["unavailable"],
        "scored_carts": len(scores["by_session"]),
        "open_carts": [
            {"session_id": s, "user_id": parts[s]["user"], "buy_probability": round(p, 6), "cart_value": "%.2f" % cart_value(parts[s]), "events": parts[s]["events"], "last_event": iso(parts[s]["last"])}
            for s, p in ranked
        ],
    }
