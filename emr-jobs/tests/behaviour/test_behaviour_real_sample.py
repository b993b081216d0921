"""The first 1,500 lines of the real REES46 sample (fixtures/behaviour/, as BehaviourEventV1 lines,
not in time order) through the sessions and funnel jobs, checked against plain Python counts."""
import collections
import datetime
import gzip
import json
import os
import shutil

import pytest

from behaviour_jobs import funnel, sessions
from behaviour_jobs.contract import LAKE, SESSION_INACTIVITY_SECONDS

FIXTURE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "behaviour", "real-sample-head.jsonl.gz")


def lines():
    with gzip.open(FIXTURE, "rt") as f:
        return [json.loads(line) for line in f]


def expected_sessions(events):
    """The documented rule in plain Python: a tracker session of one user, cut at gaps > 30 min.
    Returns each session's event types."""
    by_session = collections.defaultdict(list)
    for e in events:
        by_session[e["user_session"]].append(e)
    found = []
    for evs in by_session.values():
        assert len({e["user_id"] for e in evs}) == 1  # every tracker session of this slice has one user
        timed = sorted((datetime.datetime.strptime(e["event_time"], "%Y-%m-%d %H:%M:%S UTC"), e["event_type"]) for e in evs)
        part = [timed[0][1]]
        for (a, _), (b, kind) in zip(timed, timed[1:]):
            if (b - a).total_seconds() > SESSION_INACTIVITY_SECONDS:
                found.append(part)
                part = []
            part.append(kind)
        found.append(part)
    return found


@pytest.fixture(scope="module")
def lake(tmp_path_factory):
    root = str(tmp_path_factory.mktemp("real-sample"))
    raw = os.path.join(root, LAKE["rawPrefix"], "2019", "10", "01", "00")
    os.makedirs(raw)
    shutil.copy(FIXTURE, os.path.join(raw, "part-0.gz"))
    return root


def test_real_lines_are_all_accepted_and_sessionized_by_their_tracker_session(spark, lake):
    events = lines()
    distinct = {tuple(sorted(e.items() - {("line", e["line"])})) for e in events}
    report = sessions.run(spark, os.path.join(lake, LAKE["rawPrefix"]), lake)
    assert report["quarantined"] == {}
    assert report["input_events"] == len(events) == 1500
    assert report["events"] == len(distinct)
    expected = expected_sessions(events)
    assert report["sessions"] == len(expected)
    assert report["purchasing_sessions"] == sum("purchase" in kinds for kinds in expected)


def test_the_funnel_of_the_real_lines_counts_what_python_counts(spark, lake):
    document = funnel.run(spark, lake)
    expected = expected_sessions(lines())
    overall = document["session"]["overall"]
    assert overall["units"] == len(expected)
    assert overall["reached"]["view"] == sum("view" in kinds for kinds in expected)
    assert overall["with_any_purchase"] == sum("purchase" in kinds for kinds in expected)
