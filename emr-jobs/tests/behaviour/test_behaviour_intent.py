"""Purchase intent and cart abandonment: features come from a session's prefix only (what the live scorer sees),
cut points are drawn where the scorer meets a session, runs report intervals and baselines, and a model without
skill over the best baseline - or worse than the served one - is never served."""
import json
import os
import random

import pytest
from events_fixture import event, raw_frame, write_firehose
from pyspark.sql import functions as F

from behaviour_jobs import events as ev
from behaviour_jobs import intent, intent_registry, sessions
from behaviour_jobs.common import read_json
from behaviour_jobs.contract import LAKE
from behaviour_jobs.intent_features import FEATURES, positioned, prefix_features, task_dataset, task_prefixes
from behaviour_jobs.intent_metrics import auc_roc, average_precision, best_f1_threshold

OTHER = "2000000000000000009"


def sessionized(spark, rows):
    return sessions.sessionize(ev.good_events(ev.checked(raw_frame(spark, rows))))


def in_sessions(spark, rows):
    """The rows sessionized, each event with its position in its session; kept once computed, since a test cuts
    them at several positions."""
    return positioned(sessionized(spark, rows)).persist()


def features_at(events, k):
    """Each session's features after its k-th event (sessions with fewer events: after their last)."""
    return {r["session_id"]: r.asDict() for r in prefix_features(events.filter(F.col("position") <= k)).collect()}


BASE = [
    # s1 of user 100: three views (two of product 1, one in another category without brand), a cart, a purchase.
    event(0, "view", "1", session="s1", price="10.00"),
    event(20, "view", "1", session="s1", price="10.00"),
    event(60, "view", "2", session="s1", category=OTHER, price="30.00", brand=None),
    event(100, "cart", "1", session="s1", price="10.00"),
    event(150, "purchase", "1", session="s1"),
    # s2 of the same user later: one view, never buys.
    event(9000, "view", "3", session="s2"),
    # s3 opens with a purchase: the scorer never meets it undecided.
    event(0, "purchase", "4", user="200", session="s3"),
]


def test_prefix_features_count_what_happened_up_to_the_cut_carts_included(spark):
    events = in_sessions(spark, BASE)
    s1 = features_at(events, 4)["s1"]
    assert (s1["events"], s1["views"], s1["carts"], s1["removes"]) == (4, 3, 1, 0)
    assert (s1["distinct_products"], s1["distinct_categories"], s1["top_category_events"], s1["repeat_events"]) == (2, 2, 3, 2)
    assert (s1["seconds_so_far"], s1["seconds_per_event"], s1["missing_brand_share"]) == (100, pytest.approx(100 / 3), 0.25)
    assert s1["log_cart_value"] == pytest.approx(__import__("math").log1p(10.0))
    assert features_at(events, 2)["s1"]["carts"] == 0


def test_a_feature_at_the_cut_never_changes_when_later_events_are_appended(spark):
    later = [
        event(150, "purchase", "9", session="s1", price="999.00"),  # same second as s1's last event, after it in session order
        event(170, "view", "8", session="s1", category=OTHER),
        event(200, "purchase", "8", session="s1", price="500.00"),
        event(300, "remove_from_cart", "1", session="s1"),
        event(9100, "cart", "3", session="s2"),
        event(5, "view", "7", user="200", session="s3"),
    ]
    base, appended = in_sessions(spark, BASE), in_sessions(spark, BASE + later)
    for k in range(1, 6):  # s1 has five events
        before, after = features_at(base, k), features_at(appended, k)
        cut_here = {s: f for s, f in before.items() if f["events"] == k}  # sessions that have a k-th event
        assert cut_here or k > 5
        for session_id, features in cut_here.items():
            assert {f: after[session_id][f] for f in features if f in FEATURES} == {f: features[f] for f in features if f in FEATURES}, (k, session_id)


def test_cuts_fall_where_the_scorer_meets_a_session_and_the_label_is_a_purchase_after_it(spark):
    rows = []
    for s in range(60):
        rows += [event(1000 * s + 10 * i, "view", str(i), session="c%d" % s) for i in range(4)]
        rows += [event(1000 * s + 50, "cart", "1", session="c%d" % s), event(1000 * s + 60, "view", "9", session="c%d" % s)]
        if s % 2:
            rows.append(event(1000 * s + 70, "purchase", "1", session="c%d" % s))
    events = in_sessions(spark, rows)
    intent_cuts = {r["session_id"]: (r["cut"], r["bought"]) for r in task_prefixes(events, "intent", 42).groupBy("session_id").agg(F.max("cut").alias("cut"), F.max("bought").alias("bought")).collect()}
    assert len(intent_cuts) == 60
    # A buyer (7 events, purchase 7th) is cut after 1..6 events, a non-buyer (6 events) after 1..6: both classes alike.
    assert {c for c, _ in intent_cuts.values()} <= set(range(1, 7)) and len({c for c, _ in intent_cuts.values()}) >= 4
    assert sum(b for _, b in intent_cuts.values()) == 30
    abandonment = {r["session_id"]: r["cut"] for r in task_prefixes(events, "abandonment", 42).select("session_id", "cut").distinct().collect()}
    assert set(abandonment.values()) <= {5, 6} and len(abandonment) == 60  # at or after the cart (5th), before the purchase
    assert {r["session_id"]: r["cut"] for r in task_prefixes(events, "intent", 42).select("session_id", "cut").distinct().collect()} == {k: c for k, (c, _) in intent_cuts.items()}


def synthetic_rows(sessions_count=1200, seed=7):
    """Sessions over three days; half the users are buyers (they buy in half their sessions, after a cart), the
    others almost never cart or buy. What tells them apart early is the user's earlier purchases - which plain
    counts of the session so far cannot see."""
    rng = random.Random(seed)
    rows = []
    for s in range(sessions_count):
        start = int(s * 3 * 86400 / sessions_count)
        user = 1000 + rng.randrange(200)
        buyer = user % 2 == 0
        views = 1 + min(6, int(rng.expovariate(0.5)))
        session = "t%d" % s
        for v in range(views):
            rows.append(event(start + 40 * v, "view", str(10 + rng.randrange(30)), user=str(user), session=session, price="%.2f" % (5 + rng.random() * 50)))
        if rng.random() < (0.5 if buyer else 0.02):
            rows.append(event(start + 40 * views, "cart", "10", user=str(user), session=session))
            rows.append(event(start + 40 * views + 20, "view", "11", user=str(user), session=session))
            rows.append(event(start + 40 * views + 30, "purchase", "10", user=str(user), session=session))
    return rows


@pytest.fixture(scope="module")
def trained(spark, tmp_path_factory):
    lake = str(tmp_path_factory.mktemp("intent-lake"))
    sessions.run(spark, write_firehose(lake, synthetic_rows()), lake)
    return lake, intent.run(spark, lake, grid="first")


def test_a_run_reports_intervals_and_baselines_and_serves_a_model_with_skill(spark, trained):
    lake, result = trained
    assert set(result["test"]["by_family"]) == {"decision_tree", "logistic_regression", "gradient_boosted_trees"}
    q = result["quality"]
    assert [b["name"] for b in q["baselines"]] == ["positive_rate", "counts_logistic_regression"]
    rate = result["test"]["majority_baseline"]["positive_rate"]
    assert q["baselines"][0]["auc_pr"] == rate > 0
    for figure in [q["model"], *q["baselines"]]:
        assert figure["interval"][0] <= figure["auc_pr"] <= figure["interval"][1]
    assert q["skill"] and q["difference"]["interval"][0] > 0 and q["model"]["name"] == result["family"]
    window = result["data_window"]
    assert window["first_session_start"] < window["validation_start"] < window["test_start"] <= window["last_session_start"]
    assert all(c["sessions"] >= intent.MIN_SESSIONS and c["buyers"] >= intent.MIN_BUYERS for c in window["by_split"].values())
    assert sum(c["sessions"] for c in window["by_split"].values()) == window["sessions"]
    assert result["promoted"] and result["reason"].startswith("first run with skill")
    run_dir = os.path.join(lake, LAKE["intentModelsPrefix"], result["run_id"])
    record = json.load(open(os.path.join(run_dir, "run.json")))
    assert record["code_version"] and record["features"] == list(FEATURES) and record["family"] == result["family"]
    assert os.path.isdir(os.path.join(run_dir, "model"))
    history = read_json(spark, os.path.join(lake, LAKE["intentHistoryKey"]))
    assert history["served_run"] == result["run_id"] and len(history["runs"]) == 1 and history["runs"][0]["skill"] is True
    # Abandonment has the same discipline: trained on sessions with a cart, judged against its own baselines.
    abandonment = record["abandonment"]
    assert abandonment["task"] == "abandonment" and abandonment["data_window"]["sessions"] > 0
    assert abandonment["promoted"] == (abandonment.get("trained", False) and abandonment["quality"]["skill"])
    assert os.path.isdir(os.path.join(run_dir, "abandonment-model")) == abandonment["trained"]


def test_a_model_without_skill_or_worse_than_the_served_one_is_never_served(spark, trained):
    lake, first = trained
    record = read_json(spark, os.path.join(lake, LAKE["intentModelsPrefix"], first["run_id"], "run.json"))
    no_skill = {**record, "quality": {**record["quality"], "skill": False, "difference": {"value": 0.01, "interval": [-0.02, 0.04]}}}
    promoted, reason = intent_registry.decide(no_skill, None, None, None, False)
    assert not promoted and reason.startswith("no skill over the best baseline") and reason.endswith("; no model is served")
    assert intent_registry.decide(no_skill, None, None, None, True)[0]
    worse = {"auc_pr": record["test"]["chosen"]["auc_pr"] + 0.01}
    promoted, reason = intent_registry.decide(record, "r0", record, worse, False)
    assert not promoted and "< served run r0's" in reason and reason.endswith("keeping the served model of run r0")
    assert intent_registry.decide(record, "r0", record, {"auc_pr": 0.0}, False)[0]
    promoted, reason = intent_registry.decide({"trained": False, "reason": "not enough sessions to train (x)"}, "r0", None, None, False)
    assert not promoted and reason == "not enough sessions to train (x); keeping the served model of run r0"


def test_the_served_model_is_compared_on_the_new_runs_test_window(spark, trained):
    lake, first = trained
    events = spark.read.parquet(os.path.join(lake, LAKE["eventsPrefix"]))
    data = task_dataset(events, spark.read.parquet(os.path.join(lake, LAKE["sessionsPrefix"])), "intent")
    test = data.filter(F.col("start") >= F.lit(first["data_window"]["test_start"]).cast("timestamp"))
    record = read_json(spark, os.path.join(lake, LAKE["intentModelsPrefix"], first["run_id"], "run.json"))
    served_record, on_window = intent_registry.served_on(spark, lake, first["run_id"], "intent", record, test)
    assert served_record["run_id"] == first["run_id"] and on_window["auc_pr"] == record["test"]["chosen"]["auc_pr"]


def test_auc_pr_is_the_step_wise_average_precision_with_ties_as_one_step():
    assert average_precision([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1]) == pytest.approx(0.5 * 1 + 0.5 * 2 / 3)
    assert average_precision([1, 0, 0, 0], [0.5] * 4) == pytest.approx(0.25)  # a constant score: the positive rate
    assert average_precision([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1], weights=[2, 1, 0, 1]) == pytest.approx(1.0)
    assert auc_roc([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1]) == pytest.approx(0.75)
    assert auc_roc([1, 0], [0.5, 0.5]) == pytest.approx(0.5)
    assert best_f1_threshold([1, 1, 0, 0], [0.9, 0.8, 0.3, 0.1]) == pytest.approx(0.8)
