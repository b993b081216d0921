"""Purchase intent: the features stop at the session's first cart/purchase (no label leakage),
the job trains, reports and versions its runs, and a worse run never replaces the served one."""
import json
import os
import random

import pytest
from events_fixture import event, raw_frame, write_firehose

from behaviour_jobs import events as ev
from behaviour_jobs import intent, intent_registry, sessions
from behaviour_jobs.common import read_json
from behaviour_jobs.contract import LAKE
from behaviour_jobs.intent_features import FEATURES, intent_dataset

OTHER = "2000000000000000009"


def dataset(spark, rows):
    events = sessions.sessionize(ev.good_events(ev.checked(raw_frame(spark, rows))))
    table = sessions.session_table(events)
    return {r["session_id"]: r.asDict() for r in intent_dataset(events, table).collect()}


BASE = [
    # s1 of user 100: three views (two of product 1, one in another category), then cart and purchase.
    event(0, "view", "1", session="s1", price="10.00"),
    event(20, "view", "1", session="s1", price="10.00"),
    event(60, "view", "2", session="s1", category=OTHER, price="30.00", brand=None),
    event(100, "cart", "1", session="s1"),
    event(150, "purchase", "1", session="s1"),
    # s2 of the same user later: one view, never buys.
    event(9000, "view", "3", session="s2"),
    # s3 opens with a purchase: nothing to predict from.
    event(0, "purchase", "4", user="200", session="s3"),
]


def test_features_are_computed_from_the_events_before_the_first_cart_or_purchase(spark):
    got = dataset(spark, BASE)
    assert set(got) == {"s1", "s2"}
    s1 = got["s1"]
    assert s1["label"] == 1.0
    assert (s1["views"], s1["distinct_products"], s1["distinct_categories"], s1["top_category_views"], s1["repeat_views"]) == (3, 2, 2, 2, 1)
    assert (s1["seconds_before_cut"], s1["seconds_per_view"], s1["missing_brand_share"]) == (60, 30, pytest.approx(1 / 3))
    assert (s1["earlier_sessions"], s1["earlier_purchasing_sessions"]) == (0, 0)
    s2 = got["s2"]
    assert (s2["label"], s2["views"], s2["earlier_sessions"], s2["earlier_purchasing_sessions"]) == (0.0, 1, 1, 1)


def test_adding_events_at_or_after_the_cut_never_changes_a_sessions_features(spark):
    later = [
        event(100, "view", "9", session="s1", price="999.00"),  # same second as the cart
        event(120, "view", "8", session="s1", category=OTHER),
        event(200, "purchase", "8", session="s1", price="500.00"),
        event(300, "remove_from_cart", "1", session="s1"),
        event(5, "view", "7", user="200", session="s3"),  # after s3's opening purchase
    ]
    before = dataset(spark, BASE)
    after = dataset(spark, BASE + later)
    assert set(after) == set(before)
    for session_id in before:
        assert {f: after[session_id][f] for f in FEATURES} == {f: before[session_id][f] for f in FEATURES}, session_id


def synthetic_rows(sessions_count=1200, seed=7):
    """Sessions over three days whose chance to buy grows with how many products they view."""
    rng = random.Random(seed)
    rows = []
    for s in range(sessions_count):
        start = int(s * 3 * 86400 / sessions_count)
        views = 1 + min(9, int(rng.expovariate(0.4)))
        user = str(1000 + rng.randrange(400))
        for v in range(views):
            rows.append(event(start + 40 * v, "view", str(10 + rng.randrange(30)), user=user, session="t%d" % s, price="%.2f" % (5 + rng.random() * 50)))
        if rng.random() < 0.03 + 0.05 * views:
            rows.append(event(start + 40 * views, "cart", "10", user=user, session="t%d" % s))
            rows.append(event(start + 40 * views + 30, "purchase", "10", user=user, session="t%d" % s))
    return rows


@pytest.fixture(scope="module")
def trained(spark, tmp_path_factory):
    lake = str(tmp_path_factory.mktemp("intent-lake"))
    sessions.run(spark, write_firehose(lake, synthetic_rows()), lake)
    return lake, intent.run(spark, lake, grid="first")


def test_a_run_compares_three_families_on_the_test_window_and_is_served_first(spark, trained):
    lake, result = trained
    assert set(result["test"]["by_family"]) == {"decision_tree", "logistic_regression", "gradient_boosted_trees"}
    baseline = result["test"]["majority_baseline"]
    assert baseline["auc_pr"] == baseline["positive_rate"] > 0 and baseline["recall"] == 0.0
    for metrics in result["test"]["by_family"].values():
        assert set(metrics) >= {"accuracy", "precision", "recall", "f1", "auc_roc", "auc_pr"}
    window = result["data_window"]
    assert window["first_session_start"] < window["validation_start"] < window["test_start"] <= window["last_session_start"]
    assert result["promoted"] and result["reason"] == "first run"
    run_dir = os.path.join(lake, LAKE["intentModelsPrefix"], result["run_id"])
    record = json.load(open(os.path.join(run_dir, "run.json")))
    assert record["code_version"] and record["features"] == list(FEATURES) and record["family"] == result["family"]
    assert os.path.isdir(os.path.join(run_dir, "model"))
    history = read_json(spark, os.path.join(lake, LAKE["intentHistoryKey"]))
    assert history["served_run"] == result["run_id"] and len(history["runs"]) == 1


def test_a_worse_run_is_recorded_but_never_replaces_the_served_model(spark, trained):
    lake, first = trained
    from pyspark.ml import PipelineModel
    from pyspark.sql import functions as F

    served = read_json(spark, os.path.join(lake, LAKE["intentModelsPrefix"], first["run_id"], "run.json"))
    worse = {**{k: served[k] for k in ("family", "params", "threshold", "features", "data_window")}, "test": {"chosen": {**served["test"]["chosen"], "auc_pr": 0.0}}}
    data = intent_dataset(spark.read.parquet(os.path.join(lake, LAKE["eventsPrefix"])), spark.read.parquet(os.path.join(lake, LAKE["sessionsPrefix"])))
    test = data.filter(F.col("start") >= F.lit(served["data_window"]["test_start"]).cast("timestamp"))
    model = PipelineModel.load(os.path.join(lake, LAKE["intentModelsPrefix"], first["run_id"], "model"))
    outcome = intent_registry.record_run(spark, lake, model, worse, test, False, print)
    assert not outcome["promoted"] and outcome["served_run"] == first["run_id"]
    assert "< served run" in outcome["reason"]
    history = read_json(spark, os.path.join(lake, LAKE["intentHistoryKey"]))
    assert history["served_run"] == first["run_id"]
    assert [r["promoted"] for r in history["runs"]] == [True, False]
    forced = intent_registry.record_run(spark, lake, model, worse, test, True, print)
    assert forced["promoted"] and "--promote-anyway" in forced["reason"]


def test_auc_pr_is_the_step_wise_average_precision_with_ties_as_one_step(spark):
    from behaviour_jobs.intent_metrics import average_precision

    ranked = spark.createDataFrame([(0.9, 1.0), (0.8, 0.0), (0.7, 1.0), (0.1, 0.0)], "score double, label double")
    assert average_precision(ranked) == pytest.approx(0.5 * 1 + 0.5 * 2 / 3)
    tied = spark.createDataFrame([(0.5, 1.0), (0.5, 0.0), (0.5, 0.0), (0.5, 0.0)], "score double, label double")
    assert average_precision(tied) == pytest.approx(0.25)  # a constant score: the positive rate
