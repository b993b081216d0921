"""The behaviour clean step's checks (behaviour_jobs.events.checked) on the examples table the
collector's rules are tested on (test/realtime/collector-rules-agree-with-the-behaviour-clean-step.test.ts)."""
import json
import os
import sys

import pytest

from behaviour_jobs import events

TABLE_PATH = os.path.join(os.path.dirname(__file__), "..", "..", "..", "test", "fixtures", "behaviour-rule-examples.json")
with open(TABLE_PATH) as source:
    TABLE = json.load(source)
EXAMPLES = TABLE["examples"]


@pytest.fixture(scope="module")
def reasons(spark):
    rows = []
    for i, example in enumerate(EXAMPLES):
        row = {**TABLE["good"], **example["change"], "v": 1, "source": "examples", "line": i}
        rows.append(tuple(row.get(f.name) for f in events.RAW_SCHEMA.fields))
    checked = events.checked(spark.createDataFrame(rows, events.RAW_SCHEMA)).select("line", "reject_reason").collect()
    return {r["line"]: r["reject_reason"] for r in checked}


@pytest.mark.parametrize("index", range(len(EXAMPLES)), ids=[json.dumps(e["change"]) for e in EXAMPLES])
def test_clean_gives_every_example_the_collectors_reason(reasons, index):
    assert reasons[index] == EXAMPLES[index]["reason"]


def test_events_outside_the_time_range_are_quarantined_and_the_sessions_job_writes_the_rest(spark, tmp_path):
    """An event dated 1899 (or year 0) once failed the whole behaviour job writing curated events
    (WRITE_ANCIENT_DATETIME) and one dated 9999 skewed the categories evaluation: both are quarantined
    `out_of_range_event_time`, as the collector and ingest refuse them, and the good events go through."""
    from behaviour_jobs import sessions
    from behaviour_jobs.contract import LAKE

    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "behaviour"))
    from events_fixture import event, write_firehose

    lake = str(tmp_path)
    rows = [event(0, line=2), event(60, "cart", line=3)] + [dict(event(0, line=4 + i), event_time=t) for i, t in enumerate(["1899-12-31 23:59:59 UTC", "0000-01-01 00:00:00 UTC", "9999-12-31 23:59:59 UTC"])]
    report = sessions.run(spark, write_firehose(lake, rows), lake)
    assert report["quarantined"] == {"out_of_range_event_time": 3}
    assert (report["events"], report["sessions"]) == (2, 1)
    assert spark.read.parquet(os.path.join(lake, LAKE["eventsPrefix"])).count() == 2
