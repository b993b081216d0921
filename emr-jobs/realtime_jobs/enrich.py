"""Device and country enrichment of events that carry `user_agent` / `ip` (issue 16 item 2).

Batch side: Spark groups a micro-batch's events by (minute, user agent) and (minute, address) in its one
shuffle (partials.py, parts `agent` and `address`); the driver classifies each distinct value once
(enrich_device, enrich_geo) and keeps per-minute counts by device class and by country in the partial.
State side: the counts are folded per minute with the live view's late rule and listed for the last
`REALTIME.enrichment.minutes`. Pure Python but for the part names, so it is tested on hand-made rows."""
from collections import Counter

from .contract import REALTIME
from .enrich_device import device_class
from .enrich_geo import country_of

AGENT, ADDRESS = "agent", "address"
PARTS = (AGENT, ADDRESS)
MINUTE_MS = 60_000
WINDOW_MS = REALTIME["enrichment"]["minutes"] * MINUTE_MS
# partial key and state key of each breakdown
_KEYS = {AGENT: "devices", ADDRESS: "countries"}


class BatchEnrichment:
    """Collects a batch's `agent` / `address` rows and turns them into the partial's per-minute counts."""

    def __init__(self):
        self.counts = {AGENT: Counter(), ADDRESS: Counter()}

    def add(self, part, minute, value, count):
        label = device_class(value) if part == AGENT else country_of(value)
        self.counts[part][(minute, label)] += count

    def partial(self):
        """`devices` [[minute, device, count]] and `countries` [[minute, country, count]], sorted."""
        return {_KEYS[part]: [[m, label, n] for (m, label), n in sorted(counts.items())] for part, counts in self.counts.items()}


def fold(state, partial, late):
    """Adds a partial's counts to the state's per-minute breakdowns; a late minute counts in no window.
    A partial or state from before the enrichment has none: nothing to add."""
    for key in _KEYS.values():
        per_minute = state.setdefault(key, {})
        for minute, label, count in partial.get(key, []):
            if late(minute + MINUTE_MS - 1):
                continue
            bucket = per_minute.setdefault(str(minute), {})
            bucket[label] = bucket.get(label, 0) + count


def evict(state, oldest):
    for key in _KEYS.values():
        state[key] = {m: v for m, v in state.get(key, {}).items() if int(m) >= oldest}


def _ranked(per_minute, since, name):
    total = Counter()
    for minute, bucket in per_minute.items():
        if int(minute) > since:
            total.update(bucket)
    return [{name: label, "events": n} for label, n in sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))]


def view(state, as_of):
    """The live view's `by_device` and `by_country` over the last window minutes (empty before any event)."""
    if as_of is None:
        return {"by_device": [], "by_country": []}
    since = as_of - WINDOW_MS
    return {"by_device": _ranked(state.get("devices", {}), since, "device"), "by_country": _ranked(state.get("countries", {}), since, "country")}
