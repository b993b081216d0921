"""The live view's sessions (`state["sessions"]`): per session key, the last event time of each kind; what the
funnels and the active-session count are counted from. Pure Python, like live.py.

Kept with running counts of those times (timed.TimeCounts), so a batch's funnels read the counts per minute
instead of walking every held session (one pass over ~75,000 sessions was ~1.6 s of each batch's view at 2,000
events/s, synthetic partials), and eviction reads only the minutes it drops."""
from .contract import REALTIME
from .timed import TimeCounts, Timed

MINUTE_MS = 60_000
FUNNEL_KINDS = ("view", "cart", "purchase")
ACTIVE_MS = REALTIME["activeSessionSeconds"] * 1000


class Sessions(Timed):
    """session -> {kind: its last event ms}; each session's time is its last event of any kind."""

    def __init__(self, items=()):
        super().__init__()
        self.kinds = {kind: TimeCounts() for kind in FUNNEL_KINDS}
        self.last = TimeCounts()
        for session, seen in dict(items).items():
            for kind, ms in seen.items():
                self.see(session, kind, ms)

    def see(self, session, kind, ms):
        """The session had an event of `kind` at `ms` (an earlier one than the kind's last changes nothing)."""
        seen = self.setdefault(session, {})
        before = seen.get(kind)
        if before is not None and before >= ms:
            return
        last_before = max(seen.values()) if seen else None
        seen[kind] = ms
        if kind in self.kinds:
            self.kinds[kind].move(before, ms)
        if last_before is None or ms > last_before:
            self.last.move(last_before, ms)
            self.touch(session, ms)

    def evict(self, oldest):
        """Sessions whose last event is older than `oldest` leave."""
        for _, seen in self.expire(oldest):
            for kind, ms in seen.items():
                if kind in self.kinds:
                    self.kinds[kind].move(ms, None)
            self.last.move(max(seen.values()), None)

    def funnels(self, as_of):
        """The funnel of every window (sessions whose last view / cart / purchase is inside it) and the active sessions."""
        windows = REALTIME["funnelWindowsMinutes"]
        funnels = []
        for minutes in windows:
            since = as_of - minutes * MINUTE_MS
            viewed, carted, bought = (self.kinds[kind].after(since) for kind in FUNNEL_KINDS)
            funnels.append({"minutes": minutes, "viewed": viewed, "carted": carted, "bought": bought, "view_to_cart": _ratio(carted, viewed), "cart_to_purchase": _ratio(bought, carted)})
        return funnels, self.last.after(as_of - ACTIVE_MS)


def _ratio(part, whole):
    return None if whole == 0 else round(part / whole, 4)


def held(state):
    """The state's sessions as Sessions (a restored or hand-made state holds a plain dict: indexed once)."""
    if not isinstance(state.get("sessions"), Sessions):
        state["sessions"] = Sessions(state.get("sessions") or {})
    return state["sessions"]
