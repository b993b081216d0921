"""behaviour: sessions, funnel, intent and categories in sequence in one Spark application.

The same four jobs as their own steps, with the same outputs, but one JVM start-up; the funnel
merges its kept per-day partials (funnel_days.py), and the curated events and sessions the sessions
job wrote are read once and cached for intent and categories instead of once per job. Each job's wall time is printed as `<job>: N.N s` (the bench
reads these lines).
"""
import time

from pyspark.sql import SparkSession

from recstream_jobs.progress import progress

from . import categories, funnel, funnel_days, intent, sessions
from .common import at, by_user
from .contract import LAKE

log = progress("behaviour")


def run(spark: SparkSession, lake: str, raw_path: str, grid="small", seed=42, promote_anyway=False, full=False):
    seconds = {}

    def timed(name, job):
        started = time.time()
        result = job()
        seconds[name] = round(time.time() - started, 1)
        log("%s: %.1f s" % (name, seconds[name]))
        return result

    report = timed("sessions", lambda: sessions.run(spark, raw_path, lake, full))
    pending = funnel_days.pending(spark, lake)
    if not (report["days_rewritten"] or pending):
        log("no session changed: funnel, intent and categories are not recomputed")
        return seconds
    # The funnel merges per-day partials, recomputing only the event days the sessions runs changed.
    timed("funnel", lambda: funnel.night(spark, lake, pending))
    # Intent and categories still read every day (README-behaviour.md "Incremental runs" says why).
    # Partitioned by user once for both (common.by_user): their groupings then need no shuffle of events.
    events = by_user(spark.read.parquet(at(lake, LAKE["eventsPrefix"]))).persist()
    session_rows = spark.read.parquet(at(lake, LAKE["sessionsPrefix"])).persist()
    try:
        timed("intent", lambda: intent.run(spark, lake, grid, seed, promote_anyway, events, session_rows))
        timed("categories", lambda: categories.run(spark, lake, events))
    finally:
        events.unpersist()
        session_rows.unpersist()
    log("total: %.1f s" % sum(seconds.values()))
    return seconds


def add_arguments(parser):
    sessions.add_arguments(parser)
    intent.model_arguments(parser)


def main(spark: SparkSession, args):
    return run(spark, args.lake, args.input or at(args.lake, LAKE["rawPrefix"]), args.grid, args.seed, args.promote_anyway, args.full)
