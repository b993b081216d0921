"""sessions: raw behaviour events -> clean events with their session id + one row per session (Parquet).

Sessionizing (README-behaviour.md "sessions"):
1. A `user_session` is *sane* when all its events that name a user name the same one; its events
   without a user_id take that user. A `user_session` shared by two users is not trusted.
2. Events of a sane `user_session` form its session, cut again wherever two consecutive events are
   more than SESSION_INACTIVITY_SECONDS apart (strictly: a gap of exactly 30 minutes stays inside).
   The first part keeps the tracker's id, later parts are `<id>#2`, `<id>#3` ...
3. Events without a (sane) `user_session` are cut per user by the same inactivity rule:
   `user:<user_id>#1`, `#2` ... in time order. Events with neither (an untrusted session and no
   user) cannot be placed: they are quarantined as `unsessionizable`.
Order inside a session is event time, then view < cart < remove_from_cart < purchase, then product,
so out-of-order arrival and same-second events give the same sessions on every run.
"""
from functools import reduce

from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from recstream_jobs import io
from recstream_jobs.progress import progress

from . import events as ev
from .common import at, plural
from .contract import LAKE, SESSION_INACTIVITY_SECONDS

log = progress("sessions")


def untrusted_trackers(good: DataFrame) -> DataFrame:
    """Tracker session ids whose events name two or more users. Users compare by a 64-bit hash so the
    aggregate is a hash aggregate (min/max of strings would sort every event)."""
    user = F.when(F.col("user_id").isNotNull(), F.xxhash64("user_id"))
    per_tracker = good.filter(F.col("user_session").isNotNull()).groupBy("user_session").agg(F.min(user).alias("lo"), F.max(user).alias("hi"))
    return per_tracker.filter(F.col("lo") != F.col("hi")).select("user_session", F.lit(True).alias("untrusted"))


def sessionize(good: DataFrame, inactivity_seconds: int = SESSION_INACTIVITY_SECONDS) -> DataFrame:
    """Good events, one per EVENT_KEY, + `session_id`, `session_rule` ('user_session' | 'inactivity') and
    `session_key` (what the events were grouped by: the trusted tracker id or `user:<id>`); rows that no rule
    can place have a null session_id (the caller quarantines them). One shuffle and one sort: every event is
    keyed by its trusted tracker session or else its user, then cut at inactivity gaps inside its key.
    Duplicates (equal in every EVENT_KEY field, so equal keys) sort next to each other, and a copy after its
    original is dropped here: its gap is 0, so it never starts a session and dropping it after numbering
    gives the same sessions as dropping it before."""
    # Shared tracker ids are rare (2 in the real sample's 3,447): broadcast them rather than shuffle every event.
    marked = good.join(F.broadcast(untrusted_trackers(good)), "user_session", "left")
    trusted = F.col("user_session").isNotNull() & F.col("untrusted").isNull()
    keyed = marked.withColumn("trusted", trusted).withColumn(
        "session_key", F.when(F.col("trusted"), F.col("user_session")).when(F.col("user_id").isNotNull(), F.concat(F.lit("user:"), F.col("user_id")))
    )
    whole_key = Window.partitionBy("session_key")
    # Time, type, product, price decide the order; the other fields only bring equal events together.
    ordered = whole_key.orderBy("event_ts", "type_rank", "product_id", "price", *[c for c in ev.EVENT_KEY if c not in ("event_ts", "event_type", "product_id", "price")])
    gap = F.col("event_ts").cast("long") - F.lag(F.col("event_ts").cast("long")).over(ordered)
    starts = F.when(gap.isNull() | (gap > inactivity_seconds), 1).otherwise(0)
    # event_ts is never null here, so the first event of a key (lag null) is never a copy.
    copy = reduce(lambda a, b: a & b, [F.col(c).eqNullSafe(F.lag(c).over(ordered)) for c in ev.EVENT_KEY])
    numbered = keyed.withColumn("session_part", F.sum(starts).over(ordered.rowsBetween(Window.unboundedPreceding, Window.currentRow))).withColumn(
        "copy", copy
    ).withColumn(
        # A trusted session has one user: its events without user_id are that user's.
        "user_id", F.when(F.col("trusted"), F.coalesce(F.col("user_id"), F.max("user_id").over(whole_key))).otherwise(F.col("user_id"))
    )
    session_id = (
        F.when(F.col("session_key").isNull(), None)
        .when(F.col("trusted") & (F.col("session_part") == 1), F.col("session_key"))
        .otherwise(F.concat_ws("#", F.col("session_key"), F.col("session_part").cast("string")))
    )
    return numbered.filter(~F.col("copy")).select(
        *ev.EVENT_KEY,
        "type_rank",
        session_id.alias("session_id"),
        F.when(F.col("trusted"), "user_session").otherwise("inactivity").alias("session_rule"),
        "session_key",
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


def run(spark: SparkSession, raw_path: str, lake: str):
    checked = ev.checked(ev.read_raw(spark, raw_path)).persist()
    outcomes = {r["reject_reason"]: r["count"] for r in checked.groupBy("reject_reason").count().collect()}
    input_events = sum(outcomes.values())
    quarantined = {k: v for k, v in outcomes.items() if k is not None}
    log("read %d events, %d rejected %s" % (input_events, sum(quarantined.values()), quarantined or ""))
    good = ev.good_events(checked)
    sessionized = sessionize(good).persist()
    placed = sessionized.filter(F.col("session_id").isNotNull())
    placed.drop("type_rank", "session_key").write.mode("overwrite").parquet(at(lake, LAKE["eventsPrefix"]))
    # From the cached events, still partitioned by their key: no re-read of the Parquet, no second shuffle.
    sessions = session_table(placed).persist()
    sessions.write.mode("overwrite").parquet(at(lake, LAKE["sessionsPrefix"]))
    stats = sessions.agg(
        F.count(F.lit(1)).alias("sessions"),
        F.sum("events").alias("events"),
        F.sum(F.when(F.col("session_rule") == "inactivity", 1).otherwise(0)).alias("by_inactivity"),
        F.sum(F.when(F.col("session_id").contains("#") & (F.col("session_rule") == "user_session"), 1).otherwise(0)).alias("split_user_sessions"),
        F.sum(F.col("purchased").cast("int")).alias("purchasing"),
    ).first()
    sessions.unpersist()
    unplaced = sessionized.filter(F.col("session_id").isNull())
    unplaced_count = unplaced.count()
    if unplaced_count:
        quarantined["unsessionizable"] = unplaced_count
    rejects = ev.rejected(checked).unionByName(
        unplaced.select(*[F.date_format("event_ts", "yyyy-MM-dd HH:mm:ss 'UTC'").alias("event_time") if c == "event_ts" else F.col(c).cast("string") for c in ev.EVENT_KEY]).withColumn("reject_reason", F.lit("unsessionizable")),
        allowMissingColumns=True,
    )
    rejects.coalesce(1).write.mode("overwrite").json(at(lake, LAKE["quarantinePrefix"]))
    report = {
        "input_events": input_events,
        "quarantined": quarantined,
        "duplicates_dropped": input_events - sum(outcomes.get(k, 0) for k in quarantined if k != "unsessionizable") - int(stats["events"] or 0) - unplaced_count,
        "events": int(stats["events"] or 0),
        "sessions": int(stats["sessions"]),
        "sessions_by_inactivity_rule": int(stats["by_inactivity"] or 0),
        "user_sessions_split_by_inactivity": int(stats["split_user_sessions"] or 0),
        "purchasing_sessions": int(stats["purchasing"] or 0),
        "inactivity_seconds": SESSION_INACTIVITY_SECONDS,
        "rule": "input_events = sum(quarantined) + duplicates_dropped + events",
    }
    io.write_json(spark, at(lake, LAKE["sessionsReportKey"]), report)
    checked.unpersist()
    sessionized.unpersist()
    log("%s in %s (%d by the inactivity rule, %s split at a gap), %s dropped" % (
        plural(report["events"], "event"), plural(report["sessions"], "session"), report["sessions_by_inactivity_rule"],
        plural(report["user_sessions_split_by_inactivity"], "tracker session"), plural(report["duplicates_dropped"], "duplicate")))
    return report


def add_arguments(parser):
    parser.add_argument("--lake", required=True, help="lake root (a folder or s3://bucket); writes %s, %s, %s, %s" % (
        LAKE["eventsPrefix"], LAKE["sessionsPrefix"], LAKE["quarantinePrefix"], LAKE["sessionsReportKey"]))
    parser.add_argument("--input", help="raw events, read recursively (default <lake>/%s)" % LAKE["rawPrefix"])


def main(spark: SparkSession, args):
    return run(spark, args.input or at(args.lake, LAKE["rawPrefix"]), args.lake)
