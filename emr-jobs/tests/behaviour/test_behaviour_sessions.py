"""Sessionizing: the tracker's session, the 30-minute inactivity rule and the edge cases, with
exact hand-computed sessions."""
import datetime
import json
import os
import random

from events_fixture import T0, event, raw_frame, write_firehose
from pyspark.sql import functions as F

from behaviour_jobs import events as ev
from behaviour_jobs import sessions
from behaviour_jobs.contract import LAKE, SESSION_INACTIVITY_SECONDS


def sessionized(spark, rows):
    return sessions.sessionize(ev.good_events(ev.checked(raw_frame(spark, rows))))


def session_of(df):
    """event (seconds after T0, type, user) -> session id."""
    return {
        (int((r["event_ts"] - T0).total_seconds()), r["event_type"], r["user_id"]): r["session_id"]
        for r in df.collect()
    }


def test_gap_exactly_at_the_threshold_stays_one_longer_gap_splits(spark):
    assert SESSION_INACTIVITY_SECONDS == 1800
    rows = [event(0), event(1800), event(1800 + 1801)]
    got = session_of(sessionized(spark, rows))
    assert got == {(0, "view", "100"): "s1", (1800, "view", "100"): "s1", (3601, "view", "100"): "s1#2"}


def test_out_of_order_arrival_gives_the_same_sessions_and_table(spark):
    rows = [event(0), event(30, "cart"), event(40, "purchase", price="12.50"), event(4000), event(4010, product="2")]
    shuffled = rows[:]
    random.Random(3).shuffle(shuffled)
    a = sessions.session_table(sessionized(spark, rows)).orderBy("session_id").collect()
    b = sessions.session_table(sessionized(spark, shuffled)).orderBy("session_id").collect()
    assert a == b
    first, second = a
    assert (first["session_id"], first["events"], first["views"], first["carts"], first["purchases"]) == ("s1", 3, 1, 1, 1)
    assert (first["duration_seconds"], str(first["cart_value"]), str(first["revenue"]), first["purchased"]) == (40, "10.00", "12.50", True)
    assert (second["session_id"], second["events"], second["distinct_products"], second["duration_seconds"], second["purchased"]) == ("s1#2", 2, 2, 10, False)


def test_duplicate_events_count_once(spark):
    rows = [event(0, line=2), event(0, line=2), event(0, line=3), event(5, "cart")]
    table = sessions.session_table(sessionized(spark, rows)).collect()
    assert [(r["events"], r["views"], r["carts"]) for r in table] == [(2, 1, 1)]


def test_a_session_over_midnight_and_a_month_end_is_one_session_dated_by_its_start(spark):
    base = datetime.datetime(2019, 10, 31, 23, 50, 0)
    rows = [event(0, base=base), event(600, base=base), event(1200, "purchase", base=base)]
    (row,) = sessions.session_table(sessionized(spark, rows)).collect()
    assert (row["session_id"], row["events"], row["duration_seconds"], str(row["start_date"])) == ("s1", 3, 1200, "2019-10-31")
    assert row["end"] == datetime.datetime(2019, 11, 1, 0, 10, 0)


def test_missing_user_id_takes_the_sessions_user(spark):
    rows = [event(0), event(10, user=None), event(20, "cart")]
    df = sessionized(spark, rows)
    assert {(r["user_id"], r["session_id"], r["session_rule"]) for r in df.collect()} == {("100", "s1", "user_session")}


def test_missing_session_id_falls_back_to_the_inactivity_rule_per_user(spark):
    rows = [event(0, session=None), event(100, session=None), event(100 + 1801, session=None), event(50, user="200", session=None)]
    got = session_of(sessionized(spark, rows))
    assert got == {
        (0, "view", "100"): "user:100#2019-10-01T10:00:00Z",
        (100, "view", "100"): "user:100#2019-10-01T10:00:00Z",
        (1901, "view", "100"): "user:100#2019-10-01T10:31:41Z",
        (50, "view", "200"): "user:200#2019-10-01T10:00:50Z",
    }


def test_a_session_id_shared_by_two_users_is_not_trusted(spark):
    rows = [event(0, user="100", session="shared"), event(5, user="200", session="shared"), event(10, user="100", session="shared")]
    df = sessionized(spark, rows)
    got = {(r["user_id"], r["session_id"], r["session_rule"]) for r in df.collect()}
    assert got == {("100", "user:100#2019-10-01T10:00:00Z", "inactivity"), ("200", "user:200#2019-10-01T10:00:05Z", "inactivity")}


def test_same_second_events_order_view_before_cart_before_purchase(spark):
    rows = [event(0, "purchase"), event(0, "cart"), event(0, "view")]
    df = sessionized(spark, rows).select("event_type", "type_rank").orderBy("type_rank")
    assert [r["event_type"] for r in df.collect()] == ["view", "cart", "purchase"]


def test_the_job_quarantines_bad_lines_with_their_reason_and_accounts_for_every_line(spark, tmp_path):
    lake = str(tmp_path)
    rows = [
        event(0, line=2),
        event(0, line=2),  # re-delivered line
        event(60, "cart", line=3),
        event(0, session=None, user=None, line=4),  # nobody to attach it to
        event(0, "click", line=5),
        dict(event(0, line=6), event_time="yesterday"),
        dict(event(0, line=7), price="-1"),
        event(0, user="300", session=None, line=8),
    ]
    raw = write_firehose(lake, rows, extra_lines=["{not json"])
    report = sessions.run(spark, raw, lake)
    assert report["quarantined"] == {"missing_user_id_and_user_session": 1, "invalid_event_type": 1, "invalid_event_time": 1, "invalid_price": 1, "malformed_json": 1}
    assert (report["input_events"], report["duplicates_dropped"], report["events"], report["sessions"]) == (9, 1, 3, 2)
    assert report["input_events"] == sum(report["quarantined"].values()) + report["duplicates_dropped"] + report["events"]
    assert report["sessions_by_inactivity_rule"] == 1
    quarantine = os.path.join(lake, LAKE["quarantinePrefix"])
    reasons = sorted(json.loads(line)["reject_reason"] for name in os.listdir(quarantine) if name.endswith(".json") for line in open(os.path.join(quarantine, name)))
    assert reasons == sorted(report["quarantined"])
    table = spark.read.parquet(os.path.join(lake, LAKE["sessionsPrefix"])).orderBy("session_id").select("session_id", "events", "carts").collect()
    assert [tuple(r) for r in table] == [("s1", 2, 1), ("user:300#2019-10-01T10:00:00Z", 1, 0)]
    assert spark.read.parquet(os.path.join(lake, LAKE["eventsPrefix"])).filter(F.col("session_id") == "s1").count() == 2
