"""Events delivered over several nights give, file by file, the sessions, events, quarantine, report, the
funnel's per-day partials and its document that one --full run over the same raw objects gives
(README-behaviour.md "Incremental runs")."""
import datetime
import glob
import gzip
import json
import os

from behaviour_jobs import funnel, funnel_days, sessions
from behaviour_jobs.contract import LAKE
from events_fixture import event

DAY1 = datetime.datetime(2019, 10, 1, 0, 0, 0)
DAY2 = DAY1 + datetime.timedelta(days=1)
DAY3 = DAY2 + datetime.timedelta(days=1)


def land(lake, key, rows, extra_lines=()):
    """One Firehose object under raw/events/<key>."""
    path = os.path.join(lake, LAKE["rawPrefix"], key)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with gzip.open(path, "wt") as out:
        for row in rows:
            out.write(json.dumps(row) + "\n")
        for line in extra_lines:
            out.write(line + "\n")


def at(base, hours, minutes=0, seconds=0):
    return int((base - DAY1).total_seconds()) + hours * 3600 + minutes * 60 + seconds


def e(seconds, kind="view", **kw):
    return event(seconds, kind, base=DAY1, **kw)


NIGHTS = [
    # Night 1: day 1.
    [("2019/10/01/10/night1-a.gz", [
        e(at(DAY1, 10), user="100", session="s1"),
        e(at(DAY1, 10, 5), "cart", user=None, session="s1"),  # takes s1's user while s1 is trusted
        e(at(DAY1, 11), user="100", session=None, product="2"),
        e(at(DAY1, 11, 20), user="100", session=None, product="3"),
        e(at(DAY1, 23, 50), user="200", session="t2", category="2000000000000000002"),
        e(at(DAY1, 14), user="400", session="t5", brand=None),
        e(at(DAY2, 12), user="500", session="t6"),
    ], ["{not json"])],
    # Night 2: days 2 and 3, a late object for day 1, a re-delivery, s1 named by a second user, earlier parts of
    # t5 and t6 (their parts are numbered again).
    [("2019/10/02/00/night2-a.gz", [
        e(at(DAY2, 0, 10), "cart", user="200", session="t2", category="2000000000000000002"),  # t2 crosses midnight
        e(at(DAY2, 0, 30), "purchase", user="200", session="t2", category="2000000000000000002"),
        e(at(DAY2, 10), user="500", session="t6"),
        e(at(DAY1, 10), user="100", session="s1"),  # re-delivered
        e(at(DAY1, 10, 20), user="300", session="s1"),  # s1 is shared from now on
        dict(e(at(DAY2, 1)), price="-1"),
        e(at(DAY3, 9), user="100", session="s9"),
        e(at(DAY3, 9, 1), "purchase", user="100", session="s9"),
    ]),
     ("2019/10/01/11/night2-late.gz", [
        e(at(DAY1, 11, 45), user="100", session=None, product="4"),  # chains with 11:20: one session 11:00-11:45
        e(at(DAY1, 12), user="400", session="t5", brand=None),
        e(at(DAY1, 16), "cart", user="400", session="t5", brand=None),
    ])],
    [],  # a night with nothing new
]


def lake_rows(spark, lake):
    """Per file of the curated tables, its rows; the quarantine's rows; the report without what describes one run."""
    tables = {}
    for prefix in ("eventsPrefix", "sessionsPrefix"):
        for path in sorted(glob.glob(os.path.join(lake, LAKE[prefix], "part-*"))):
            rows = spark.read.parquet(path).collect()
            tables[prefix, os.path.basename(path)] = sorted(json.dumps(r.asDict(), default=str, sort_keys=True) for r in rows)
    assert tables, "no curated files"
    quarantine = sorted(line.strip() for path in glob.glob(os.path.join(lake, LAKE["quarantinePrefix"], "*.json")) for line in open(path) if line.strip())
    report = json.load(open(os.path.join(lake, LAKE["sessionsReportKey"])))
    return tables, quarantine, {k: v for k, v in report.items() if k not in ("mode", "new_objects", "new_events", "days_rewritten")}


def partial_rows(spark, lake):
    """The funnel's kept partials, per event day folder."""
    folders = sorted(glob.glob(os.path.join(lake, LAKE["funnelStatePrefix"], "day=*")))
    assert folders, "no funnel partials"
    return {os.path.basename(f): sorted(json.dumps(r.asDict(), sort_keys=True) for r in spark.read.parquet(f).collect()) for f in folders}


def test_nights_give_what_one_full_run_gives(spark, tmp_path):
    nightly, full = str(tmp_path / "nightly"), str(tmp_path / "full")
    raw = lambda lake: os.path.join(lake, LAKE["rawPrefix"])  # noqa: E731
    reports, pending = [], []
    for night in NIGHTS:
        for key, *content in night:
            land(nightly, key, *content)
            land(full, key, *content)
        reports.append(sessions.run(spark, raw(nightly), nightly))
        pending.append(funnel_days.pending(spark, nightly))
        if pending[-1]:
            funnel.night(spark, nightly, pending[-1])
    assert [r["mode"] for r in reports] == ["full", "incremental", "incremental"]
    assert reports[1]["days_rewritten"] == ["2019-10-01", "2019-10-02", "2019-10-03"]
    assert reports[2]["days_rewritten"] == [] and reports[2]["new_objects"] == 0
    # Night 1's sessions reach day 2 (t2 from 23:50, t6 on day 2); the empty night leaves nothing to redo.
    assert pending == [["2019-10-01", "2019-10-02"], ["2019-10-01", "2019-10-02", "2019-10-03"], []]
    sessions.run(spark, raw(full), full, full=True)
    funnel.night(spark, full, funnel_days.pending(spark, full))

    tables, quarantine, report = lake_rows(spark, nightly)
    assert (tables, quarantine, report) == lake_rows(spark, full)
    assert report["quarantined"] == {"malformed_json": 1, "invalid_price": 1, "unsessionizable": 1}
    assert report["duplicates_dropped"] == 1 and report["input_events"] == report["events"] + 3 + 1
    ids = {r["session_id"] for r in spark.read.parquet(os.path.join(nightly, LAKE["sessionsPrefix"])).collect()}
    assert {"t2", "t5", "t5#2", "t5#3", "t6", "t6#2", "s9", "user:100#2019-10-01T11:00:00Z", "user:100#2019-10-01T10:00:00Z", "user:300#2019-10-01T10:20:00Z"} == ids
    assert sorted(k[1] for k in tables if k[0] == "sessionsPrefix") == ["part-2019-10-0%d-00000.c000.snappy.parquet" % d for d in (1, 2, 3)]

    # The funnel merged from per-day partials kept over the nights = from the full run's = from all events at once.
    document = json.load(open(os.path.join(nightly, LAKE["funnelKey"])))
    assert (document, partial_rows(spark, nightly)) == (json.load(open(os.path.join(full, LAKE["funnelKey"]))), partial_rows(spark, full))
    assert document == json.loads(json.dumps(funnel.funnel(spark.read.parquet(os.path.join(full, LAKE["eventsPrefix"])))))
