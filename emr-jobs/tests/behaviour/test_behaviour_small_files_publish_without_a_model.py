"""Too little data for a model is a normal case (issue 28 point 1): a valid events file of 1, 2, 3 or 4 events
runs the whole behaviour job to the end - sessions, funnel and categories publish - and the intent step says
"not enough sessions to train (N < minimum); no model is served" instead of failing in Spark ML."""
import os

import pytest
from events_fixture import event, write_firehose

from behaviour_jobs import behaviour
from behaviour_jobs.common import read_json
from behaviour_jobs.contract import LAKE

EVENTS = [
    event(0, "view", "1", user="100", session="s1"),
    event(30, "cart", "1", user="100", session="s1"),
    event(60, "purchase", "1", user="100", session="s1"),
    event(90, "view", "2", user="200", session="s2"),
]


@pytest.mark.parametrize("count", [1, 2, 3, 4])
def test_a_file_of_a_few_valid_events_publishes_everything_but_a_model(spark, tmp_path, count):
    lake = str(tmp_path)
    behaviour.run(spark, lake, write_firehose(lake, EVENTS[:count]))
    report = read_json(spark, os.path.join(lake, LAKE["sessionsReportKey"]))
    assert report["events"] == count and report["quarantined"] == {}
    funnel = read_json(spark, os.path.join(lake, LAKE["funnelKey"]))
    assert funnel["session"]["overall"]["reached"]["view"] == report["sessions"]
    assert read_json(spark, os.path.join(lake, LAKE["topCategoriesMetricsKey"]))["served_users"] == len({e["user_id"] for e in EVENTS[:count]})
    history = read_json(spark, os.path.join(lake, LAKE["intentHistoryKey"]))
    assert history["served_run"] is None and len(history["runs"]) == 1
    reason = history["runs"][0]["reason"]
    assert reason.startswith("not enough sessions to train (") and "< minimum 50 sessions, 5 buying per split" in reason and reason.endswith("; no model is served"), reason
    assert history["runs"][0]["abandonment"]["promoted"] is False
