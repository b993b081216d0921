"""sessions: raw behaviour events -> clean events with their session id + one row per session (Parquet).

Sessionizing (README-behaviour.md "sessions"):
1. A `user_session` is *sane* when all its events that name a user name the same one; its events
   without a user_id take that user. A `user_session` shared by two users is not trusted.
2. Events of a sane `user_session` form its session, cut again wherever two consecutive events are
   more than SESSION_INACTIVITY_SECONDS apart (strictly: a gap of exactly 30 minutes stays inside).
   The first part keeps the tracker's id, later parts are `<id>#2`, `<id>#3` ...
3. Events without a (sane) `user_session` are cut per user by the same inactivity rule:
   `user:<user_id>#<start, yyyy-MM-ddTHH:mm:ssZ>`. The id names the session's start, not its place among the
   user's sessions, so a night that adds events for one day never renames the user's other sessions
   (session_window.py). Events with neither (an untrusted session and no user) cannot be placed: they are
   quarantined as `unsessionizable`.
Order inside a session is event time, then view < cart < remove_from_cart < purchase, then product,
so out-of-order arrival and same-second events give the same sessions on every run.
"""
from functools import reduce

from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from recstream_jobs import incremental, io, manifest, partitions
from recstream_jobs.progress import progress

from . import day_files, funnel_days, night_state, session_window
from . import events as ev
from .common import at, plural
from .contract import LAKE, SESSION_INACTIVITY_SECONDS

log = progress("sessions")
# Everything a full run deletes before it starts.
KEPT = ("eventsPrefix", "sessionsPrefix", "quarantinePrefix", "eventsManifestKey", "eventsStatePrefix", "trackersStatePrefix", "funnelStatePrefix")


def untrusted_trackers(good: DataFrame) -> DataFrame:
    """Tracker session ids whose events name two or more users. Users compare by a 64-bit hash so the
    aggregate is a hash aggregate (min/max of strings would sort every event)."""
    user = F.when(F.col("user_id").isNotNull(), F.xxhash64("user_id"))
    per_tracker = good.filter(F.col("user_session").isNotNull()).groupBy("user_session").agg(F.min(user).alias("lo"), F.max(user).alias("hi"))
    return per_tracker.filter(F.col("lo") != F.col("hi")).select("user_session", F.lit(True).alias("untrusted"))


def sessionize(good: DataFrame, inactivity_seconds: int = SESSION_INACTIVITY_SECONDS, untrusted: DataFrame = None, keep=()) -> DataFrame:
    """Good events, one per EVENT_KEY, + `session_id`, `session_rule` ('user_session' | 'inactivity') and
    `session_key` (what the events were grouped by: the trusted tracker id or `user:<id>`); rows that no rule
    can place have a null session_id (the caller quarantines them). One shuffle and one sort: every event is
    keyed by its trusted tracker session or else its user, then cut at inactivity gaps inside its key.
    Duplicates (equal in every EVENT_KEY field, so equal keys) sort next to each other, and a copy after its
    original is dropped here: its gap is 0, so it never starts a session and dropping it after numbering
    gives the same sessions as dropping it before.
    `untrusted`: the shared tracker ids (user_session, untrusted) when `good` is not every event (the nightly
    window: trust is decided over the whole history). `keep`: more columns carried through; the first of
    them also orders equal events, so of a copy the row with the smaller value is the one kept."""
    # Shared tracker ids are rare (2 in the real sample's 3,447): broadcast them rather than shuffle every event.
    marked = good.join(F.broadcast(untrusted_trackers(good) if untrusted is None else untrusted), "user_session", "left")
    trusted = F.col("user_session").isNotNull() & F.col("untrusted").isNull()
    keyed = marked.withColumn("trusted", trusted).withColumn(
        "session_key", F.when(F.col("trusted"), F.col("user_session")).when(F.col("user_id").isNotNull(), F.concat(F.lit("user:"), F.col("user_id")))
    )
    whole_key = Window.partitionBy("session_key")
    # Time, type, product, price decide the order; the other fields only bring equal events together.
    ordered = whole_key.orderBy("event_ts", "type_rank", "product_id", "price", *[c for c in ev.EVENT_KEY if c not in ("event_ts", "event_type", "product_id", "price")], *keep[:1])
    gap = F.col("event_ts").cast("long") - F.lag(F.col("event_ts").cast("long")).over(ordered)
    starts = F.when(gap.isNull() | (gap > inactivity_seconds), 1).otherwise(0)
    so_far = ordered.rowsBetween(Window.unboundedPreceding, Window.currentRow)
    # event_ts is never null here, so the first event of a key (lag null) is never a copy.
    copy = reduce(lambda a, b: a & b, [F.col(c).eqNullSafe(F.lag(c).over(ordered)) for c in ev.EVENT_KEY])
    numbered = keyed.withColumn("session_part", F.sum(starts).over(so_far)).withColumn(
        # Times only grow along the key, so the latest start so far is this part's start (same window: no new sort).
        "part_start", F.max(F.when(starts == 1, F.col("event_ts"))).over(so_far)
    ).withColumn("copy", copy).withColumn(
        # A trusted session has one user: its events without user_id are that user's.
        "user_id", F.when(F.col("trusted"), F.coalesce(F.col("user_id"), F.max("user_id").over(whole_key))).otherwise(F.col("user_id"))
    )
    session_id = (
        F.when(F.col("session_key").isNull(), None)
        .when(F.col("trusted") & (F.col("session_part") == 1), F.col("session_key"))
        .when(F.col("trusted"), F.concat_ws("#", F.col("session_key"), F.col("session_part").cast("string")))
        .otherwise(F.concat_ws("#", F.col("session_key"), F.date_format("part_start", "yyyy-MM-dd'T'HH:mm:ss'Z'")))
    )
    return numbered.filter(~F.col("copy")).select(
        *ev.EVENT_KEY,
        "type_rank",
        session_id.alias("session_id"),
        F.when(F.col("trusted"), "user_session").otherwise("inactivity").alias("session_rule"),
        "session_key",
        *keep,
    )


def _count(event_type):
    return F.sum(F.when(F.col("event_type") == event_type, 1).otherwise(0)).cast("int")


def _money(event_type):
    return F.coalesce(F.sum(F.when(F.col("event_type") == event_type, F.col("price"))), F.lit(0).cast(ev.PRICE_TYPE)).cast(ev.PRICE_TYPE)


def session_table(sessionized: DataFrame) -> DataFrame:
    """One row per session: when, how long, what happened, what was carted and bought. Grouped by the
    sessionizing key too (a session lies inside one key), so rows still partitioned by it are not shuffled again."""
    return (
        sessionized.groupBy("session_key", "session_id")
        .agg(
            F.max("user_id").alias("user_id"),
            F.max("user_session").alias("user_session"),
            F.first("session_rule").alias("session_rule"),
            F.min("event_ts").alias("start"),
            F.max("event_ts").alias("end"),
            F.count(F.lit(1)).cast("int").alias("events"),
            _count("view").alias("views"),
            _count("cart").alias("carts"),
            _count("remove_from_cart").alias("removes"),
            _count("purchase").alias("purchases"),
            F.size(F.collect_set("product_id")).alias("distinct_products"),
            F.size(F.collect_set("category_id")).alias("distinct_categories"),
            _money("cart").alias("cart_value"),
            _money("purchase").alias("revenue"),
        )
        .withColumn("duration_seconds", (F.col("end").cast("long") - F.col("start").cast("long")).cast("int"))
        .withColumn("purchased", F.col("purchases") > 0)
        .withColumn("start_date", F.to_date("start"))
        .drop("session_key")
    )


def _stats(table: DataFrame, day: str) -> dict:
    """Per start day: its events, sessions, sessions by each rule, purchasing sessions and latest event."""
    rows = table.groupBy(day).agg(
        F.sum("events").alias("events"),
        F.count(F.lit(1)).alias("sessions"),
        F.sum(F.when(F.col("session_rule") == "inactivity", 1).otherwise(0)).alias("by_inactivity"),
        F.sum(F.when(F.col("session_id").contains("#") & (F.col("session_rule") == "user_session"), 1).otherwise(0)).alias("split_user_sessions"),
        F.sum(F.col("purchased").cast("int")).alias("purchasing"),
        F.date_format(F.max("end"), "yyyy-MM-dd HH:mm:ss").alias("last_event"),
    ).collect()
    return {r[day]: {k: r[k] if k == "last_event" else int(r[k]) for k in r.asDict() if k != day} for r in rows}


def _unplaced_rejects(unplaced: DataFrame) -> DataFrame:
    return unplaced.select(
        *[F.date_format("event_ts", "yyyy-MM-dd HH:mm:ss 'UTC'").alias("event_time") if c == "event_ts" else F.col(c).cast("string") for c in ev.EVENT_KEY]
    ).withColumn("reject_reason", F.lit("unsessionizable"))


def _window(spark, tonight, state, store_path, index, tonight_index):
    """Sessionizes tonight's events with the stored days they can touch, growing the window until no changed
    session can chain with a day outside it (session_window.py)."""
    window = session_window.first_window(sorted(r[0] for r in tonight.select(F.date_format("event_ts", "yyyy-MM-dd")).distinct().collect()), state.days)
    if index is not None:
        window |= night_state.days_of(index, tonight_index)
    untrusted = night_state.untrusted(night_state.merge(index, tonight_index)).persist()
    while True:
        old = partitions.read_months(spark, store_path, window, session_window.DAY)
        old = None if old is None else old.withColumn(session_window.DAY, F.col(session_window.DAY).cast("string"))
        placed, changed = session_window.recompute(spark, tonight, old, untrusted)
        missing = session_window.missing_days(session_window.spans(changed), state.days, window)
        if not missing:
            return placed, changed, old, untrusted
        log("the window of %s grows by %s: a changed session reaches them" % (plural(len(window), "day"), ", ".join(sorted(missing))))
        window |= missing
        placed.unpersist()
        changed.unpersist()


def run(spark: SparkSession, raw_path: str, lake: str, full=False):
    """Sessionizes the raw objects under `raw_path` no run has processed into the lake (README-behaviour.md
    "Incremental runs"); `full`: forget what earlier runs kept and process every object. Returns the report,
    whose `days_rewritten` are the session start days whose rows this run replaced."""
    paths = {key: at(lake, LAKE[key]) for key in KEPT}
    state, mode = manifest.night_start(spark, paths.values(), lambda: night_state.read_manifest(spark, paths["eventsManifestKey"]), night_state.EMPTY, full)
    listed = manifest.list_objects(spark, raw_path)
    new = sorted(k for k in listed if k not in state.objects)
    report_path = at(lake, LAKE["sessionsReportKey"])
    if not new:
        report = {**(io.read_json(spark, report_path) or {}), "mode": mode, "new_objects": 0, "days_rewritten": []}
        io.write_json(spark, report_path, report)
        log("no new raw objects under %s: the sessions are unchanged" % raw_path)
        return report
    log("%s of %d raw objects are new (%s run)" % (plural(len(new), "object"), len(listed), mode))

    checked = ev.checked(ev.read_raw(spark, [io.join(raw_path, k) for k in new])).persist()
    outcomes = {r["reject_reason"]: r["count"] for r in checked.groupBy("reject_reason").count().collect()}
    rejected = {k: v for k, v in outcomes.items() if k is not None}
    log("read %d events, %d rejected %s" % (sum(outcomes.values()), sum(rejected.values()), rejected or ""))
    tonight = ev.good_events(checked).persist()
    index = night_state.read_index(spark, paths["trackersStatePrefix"])
    tonight_index = night_state.tonight_trackers(tonight).persist()
    placed, changed, old, untrusted = _window(spark, tonight, state, paths["eventsStatePrefix"], index, tonight_index)
    rows, days, unplaced = session_window.merged(placed, changed, old)
    rows = rows.persist()

    day = session_window.DAY
    public_events = rows.select(*[F.col("user").alias(c) if c == "user_id" else F.col(c) for c in ev.EVENT_KEY], "session_id", "session_rule", day)
    table = session_table(rows.withColumn("user_id", F.col("user"))).withColumn(day, F.date_format("start", "yyyy-MM-dd")).persist()
    stats = _stats(table, day)
    unplaced_count = unplaced.count()
    quarantined = dict(state.quarantined)
    for reason, n in {**rejected, **({"unsessionizable": unplaced_count} if unplaced_count else {})}.items():
        quarantined[reason] = quarantined.get(reason, 0) + n
    rejects = ev.rejected(checked).unionByName(_unplaced_rejects(unplaced), allowMissingColumns=True)
    if not (rejected or unplaced_count):
        rejects = rejects.limit(0)
    rejects.coalesce(1).write.mode("append").json(paths["quarantinePrefix"])
    day_files.replace(spark, public_events, paths["eventsPrefix"], days, day)
    day_files.replace(spark, table, paths["sessionsPrefix"], days, day)
    night_state.write_index(spark, night_state.merge(index, tonight_index, night_state.filed(rows, day)), paths["trackersStatePrefix"])
    partitions.replace(spark, rows, paths["eventsStatePrefix"], days, day)

    kept_days = {d: facts for d, facts in state.days.items() if d not in days}
    kept_days.update(stats)
    totals = {k: sum(facts[k] for facts in kept_days.values()) for k in ("events", "sessions", "by_inactivity", "split_user_sessions", "purchasing")}
    input_events = state.input_events + sum(outcomes.values())
    report = {
        "input_events": input_events,
        "quarantined": quarantined,
        "duplicates_dropped": input_events - sum(quarantined.values()) - totals["events"],
        "events": totals["events"],
        "sessions": totals["sessions"],
        "sessions_by_inactivity_rule": totals["by_inactivity"],
        "user_sessions_split_by_inactivity": totals["split_user_sessions"],
        "purchasing_sessions": totals["purchasing"],
        "inactivity_seconds": SESSION_INACTIVITY_SECONDS,
        "rule": "input_events = sum(quarantined) + duplicates_dropped + events",
        "mode": mode,
        "new_objects": len(new),
        "new_events": sum(outcomes.values()),
        "days_rewritten": days,
    }
    io.write_json(spark, report_path, report)
    funnel_days.add_pending(spark, lake, funnel_days.changed_days(days, state.days, kept_days))
    # Last: what the next night starts from.
    night_state.write_manifest(spark, paths["eventsManifestKey"], night_state.Manifest({**state.objects, **{k: listed[k] for k in new}}, input_events, quarantined, dict(sorted(kept_days.items()))))
    for frame in (checked, tonight, tonight_index, placed, changed, rows, table, untrusted):
        frame.unpersist()
    log("%s in %s (%d by the inactivity rule, %s split at a gap), %s dropped; %s rewritten" % (
        plural(report["events"], "event"), plural(report["sessions"], "session"), report["sessions_by_inactivity_rule"],
        plural(report["user_sessions_split_by_inactivity"], "tracker session"), plural(report["duplicates_dropped"], "duplicate"),
        plural(len(days), "session day")))
    return report


def add_arguments(parser):
    parser.add_argument("--lake", required=True, help="lake root (a folder or s3://bucket); writes %s, %s, %s, %s; keeps state/behaviour/" % (
        LAKE["eventsPrefix"], LAKE["sessionsPrefix"], LAKE["quarantinePrefix"], LAKE["sessionsReportKey"]))
    parser.add_argument("--input", help="raw events, read recursively (default <lake>/%s)" % LAKE["rawPrefix"])
    incremental.full_argument(parser)


def main(spark: SparkSession, args):
    return run(spark, args.input or at(args.lake, LAKE["rawPrefix"]), args.lake, args.full)
