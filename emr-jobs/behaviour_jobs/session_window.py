"""Which stored sessions tonight's events change, and their new rows: the nightly re-merge of the sessions job.

The state store (LAKE eventsStatePrefix) keeps every placed event as landed (its own user_id, which the
sessions rule may fill from its tracker) with its session, one folder per session start day, so a day
folder holds whole sessions. A night loads a *window* of days, sessionizes them with tonight's events by
the one rule (sessions.sessionize), and keeps the result only for the sessions that changed:
- a session holding a new event, or an event whose session key changed (a tracker session id named a
  second user tonight: trust is decided over all history by the tracker index, so its events are cut
  per user from now on, and its events without a user can no longer be placed);
- every session of a tracker session id that has new events (its parts are numbered `#2`, `#3` ... in
  time: the index names every day it sits in, and those days are loaded).
Every other session of the window keeps its stored rows: a session at the window's edge may look cut
short there, which is why it is not taken from the recomputation. The sessions a changed one absorbed
(its events' stored sessions) are removed.
The window is exact when no changed session could chain with a session of a day outside it: for each
start day of the changed sessions, any stored day that starts before their last event + 30 min and
whose latest event is after their first event - 30 min (the manifest keeps each day's latest event) is
added and the window computed again. It starts as tonight's days, the days of their tracker ids, the
day before when its sessions reach past midnight minus 30 minutes, and the day after: usually it never
grows.
"""
import datetime

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from . import events as ev
from . import sessions  # sessions.run uses this module: the rule is looked up at call time
from .contract import SESSION_INACTIVITY_SECONDS

DAY = "day"
GAP = datetime.timedelta(seconds=SESSION_INACTIVITY_SECONDS)
# The state store's columns: the event as landed, its session, and the user the rule gave it.
STORED = (*ev.EVENT_KEY, "type_rank", "session_id", "session_rule", "session_key", "user")
NEW, OLD_SESSION, OLD_KEY, OLD_DAY, LANDED_USER = "new", "old_session", "old_key", "old_day", "landed_user_id"


def _day(value):
    return datetime.date.fromisoformat(value)


def first_window(new_days, stored: dict) -> set:
    """Tonight's days, the stored day before one when its sessions reach within 30 minutes of midnight, and
    the stored day after one."""
    window = set(new_days)
    for d in new_days:
        before, after = (_day(d) - datetime.timedelta(days=1)).isoformat(), (_day(d) + datetime.timedelta(days=1)).isoformat()
        if before in stored and datetime.datetime.fromisoformat(stored[before]["last_event"]) >= datetime.datetime.fromisoformat(d) - GAP:
            window.add(before)
        if after in stored:
            window.add(after)
    return window


def missing_days(spans, stored: dict, window: set) -> set:
    """Days the changed sessions need that the window lacks: their own start days, and stored days holding a
    session they could chain with. `spans`: per start day of changed sessions, (day, first event, last event)."""
    needed = set()
    for day, first, last in spans:
        needed.add(day)
        lo, hi = first - GAP, last + GAP
        for other, facts in stored.items():
            if other not in window and _day(other) <= hi.date() and datetime.datetime.fromisoformat(facts["last_event"]) >= lo:
                needed.add(other)
    return needed - window


def recompute(spark, tonight: DataFrame, old: DataFrame, untrusted: DataFrame):
    """Tonight's events and the window's stored events sessionized together; returns (sessionized events with
    their stored session beside, the changed sessions (session_key, session_id, start, end))."""
    landed = tonight.select(*ev.EVENT_KEY, "type_rank", F.lit(True).alias(NEW), *[F.lit(None).cast("string").alias(c) for c in (OLD_SESSION, OLD_KEY, OLD_DAY)])
    if old is not None:
        landed = landed.unionByName(old.select(*ev.EVENT_KEY, "type_rank", F.lit(False).alias(NEW), F.col("session_id").alias(OLD_SESSION), F.col("session_key").alias(OLD_KEY), F.col(DAY).alias(OLD_DAY)))
    # Ordered by NEW among copies: a re-delivered event is dropped, its stored copy keeps its session.
    landed = landed.withColumn(LANDED_USER, F.col("user_id"))
    placed = sessions.sessionize(landed, untrusted=untrusted, keep=(NEW, OLD_SESSION, OLD_KEY, OLD_DAY, LANDED_USER)).persist()
    changed_event = F.col(NEW) | ~F.col(OLD_KEY).eqNullSafe(F.col("session_key"))
    new_trackers = placed.filter(F.col(NEW) & (F.col("session_rule") == "user_session")).select("session_key").distinct().withColumn("tracker_has_new", F.lit(True))
    per_session = (
        placed.filter(F.col("session_id").isNotNull())
        .groupBy("session_key", "session_id", "session_rule")
        .agg(F.max(changed_event.cast("int")).alias("changed"), F.min("event_ts").alias("start"), F.max("event_ts").alias("end"))
        .join(F.broadcast(new_trackers), "session_key", "left")
    )
    changed = per_session.filter((F.col("changed") == 1) | F.col("tracker_has_new").isNotNull()).select("session_key", "session_id", "start", "end").persist()
    return placed, changed


def spans(changed: DataFrame) -> list:
    """(start day, first event, last event) of the changed sessions, per start day. Times travel as UTC text:
    collected timestamps would turn into the driver's local time."""
    text = lambda c: F.date_format(c, "yyyy-MM-dd HH:mm:ss")  # noqa: E731
    rows = changed.groupBy(F.date_format("start", "yyyy-MM-dd").alias(DAY)).agg(text(F.min("start")).alias("first"), text(F.max("end")).alias("last")).collect()
    return [(r[DAY], datetime.datetime.fromisoformat(r["first"]), datetime.datetime.fromisoformat(r["last"])) for r in rows]


def merged(placed: DataFrame, changed: DataFrame, old: DataFrame):
    """The rows of the days to rewrite, the stored sessions they remove, and the events no session can take any
    more; returns (rows as STORED + DAY, days to rewrite, newly unplaceable events)."""
    new_rows = placed.join(changed.select("session_key", "session_id", F.date_format("start", "yyyy-MM-dd").alias(DAY)), ["session_key", "session_id"])
    unplaced = placed.filter(F.col("session_id").isNull() & (F.col(NEW) | F.col(OLD_SESSION).isNotNull()))
    removed = new_rows.select(F.col(OLD_DAY).alias(DAY), F.col(OLD_SESSION).alias("session_id")).unionByName(
        unplaced.select(F.col(OLD_DAY).alias(DAY), F.col(OLD_SESSION).alias("session_id"))
    ).filter(F.col("session_id").isNotNull()).distinct().persist()
    days = sorted(r[DAY] for r in removed.select(DAY).unionByName(changed.select(F.date_format("start", "yyyy-MM-dd").alias(DAY))).distinct().collect())
    # The landed user_id is the stored one; sessionize filled `user_id` from the tracker.
    fresh = new_rows.select(*[F.col(LANDED_USER).alias(c) if c == "user_id" else F.col(c) for c in ev.EVENT_KEY], "type_rank", "session_id", "session_rule", "session_key", F.col("user_id").alias("user"), DAY)
    rows = fresh
    if old is not None:
        kept = old.filter(F.col(DAY).isin(*days)).join(removed, [DAY, "session_id"], "left_anti").select(*STORED, DAY)
        rows = kept.unionByName(fresh)
    removed.unpersist()
    return rows, days, unplaced
