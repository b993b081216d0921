"""Per customer, the interactions of their open session (issue 24): what the API needs to make their live list.

Pure Python, folded batch by batch like live.py. `state["activity"][user]` holds the session of the user's
newest event and that session's distinct interactions, newest first, at most `interactionsKept` of them
(bounded state); an event of another session newer than the held newest replaces them (the open session is the
session of the newest event); one of another session no newer than that is left out. A user whose newest interaction is `activeMinutes` older
than the events' clock leaves the state. Each fold reports the users it changed: the job writes their items.
"""
import heapq

from .contract import REALTIME
from . import timed

SETTINGS = REALTIME["liveRecommendations"]
KEPT = SETTINGS["interactionsKept"]
ACTIVE_MS = SETTINGS["activeMinutes"] * 60_000
# An event row of a partial after its session key: [second ms, kind, product, category id, category code, brand, price, user].
TS, KIND, PRODUCT, CODE, BRAND, PRICE, USER = 0, 1, 2, 4, 5, 6, 7
INTERACTIONS = ("view", "cart", "purchase")


def fold(state, events, outside):
    """Adds a batch's distinct events ([session, *row]) to the customers' activity; returns the users it changed.
    `outside(ms)`: late or ahead rows, left out as the live windows leave them out."""
    activity = held_customers(state)
    changed = set()
    for session, *row in sorted(events, key=lambda e: e[1 + TS]):
        user = row[USER]
        if user is None or row[KIND] not in INTERACTIONS or outside(row[TS]):
            continue
        held = activity.get(user)
        if held is None or (held["session"] != session and row[TS] > held["last"]):
            held = activity[user] = {"session": session, "last": row[TS], "interactions": []}
        elif held["session"] != session:
            continue  # an event of an older session than the one held
        interaction = [row[TS], row[KIND], row[PRODUCT], row[CODE], row[BRAND], row[PRICE]]
        if interaction in held["interactions"]:
            continue
        _insert(held["interactions"], interaction)
        held["last"] = max(held["last"], row[TS])
        activity.touch(user, held["last"])
        changed.add(user)
    return changed


def held_customers(state):
    """The state's customers, timed by their newest interaction (a restored or hand-made state's plain dict is
    indexed once): eviction and the newest customers read only the minutes they need."""
    return timed.held(state, "activity", lambda held: held["last"])


def _insert(interactions, interaction):
    """Newest first, after those as new as it (as a stable sort by time would place it), at most KEPT."""
    at = 0
    while at < len(interactions) and interactions[at][0] >= interaction[0]:
        at += 1
    interactions.insert(at, interaction)
    del interactions[KEPT:]


def evict(state, as_of_ms):
    """Customers whose newest interaction is older than the active window before the events' clock leave the state."""
    if as_of_ms is not None:
        held_customers(state).expire(as_of_ms - ACTIVE_MS + 1)  # times are whole ms: kept while last > as_of - ACTIVE_MS


def item(user, held, written_ms, iso):
    """The customer's live-state item (contract/realtime.ts LiveActivity): what the API blends with the batch list."""
    return {
        SETTINGS["partitionKey"]: user,
        "session": held["session"],
        "interactions": [
            {"at": iso(ts), "kind": kind, "product_id": product, "category_code": code, "brand": brand, "price": price}
            for ts, kind, product, code, brand, price in held["interactions"]
        ],
        "written_at": iso(written_ms),
        SETTINGS["ttlAttribute"]: written_ms // 1000 + ACTIVE_MS // 1000,
    }


def recent(state, top, iso):
    """The `top` customers with the newest interactions, newest first: the Live page's "changed just now" list."""
    # Among the customers of the newest minutes only, not every held one: this runs for every batch's view.
    customers = held_customers(state)
    held = heapq.nsmallest(top, ((u, customers[u]) for u in customers.newest(top)), key=lambda ua: (-ua[1]["last"], ua[0]))
    return [{"user_id": u, "at": iso(a["interactions"][0][0]), "kind": a["interactions"][0][1], "product_id": a["interactions"][0][2]} for u, a in held if a["interactions"]]
