"""Issue 21/26: a nightly run serves with the last evaluation while the purchases reach at most
--evaluate-every-days past it and nothing it rests on changed; it judges again otherwise, with --evaluate and on a
full rebuild. A kept night serves exactly the lists a judged run serves on the same purchases, and its record says
whose figures it carries."""
import argparse
import glob
import json
import os
import shutil

import pytest

import main as cli
from recstream_jobs.contract import ALS_DEFAULTS, CONTRACT, LAKE
from recstream_jobs.recommend import cadence, features

HERE = os.path.dirname(os.path.abspath(__file__))
RAW = os.path.join(HERE, "fixtures", "raw", "purchases")
CODE = "sha256:0123456789abcdef"
SETTINGS = ["--pin", "ranker", "--selection-windows", "2"]


def options(**given):
    parser = argparse.ArgumentParser()
    from recstream_jobs import recommend

    recommend.add_model_arguments(parser)
    args = parser.parse_args([])
    return argparse.Namespace(**{**vars(args), **given})


def judged_run(args, last="2020-07-31T18:00:00Z", line_items=1000, pinned=None):
    """A run record as a judging run writes it (only the fields the cadence reads)."""
    return {
        "code_version": CODE,
        "data_span": {"first": "2020-01-01T00:00:00Z", "last": last, "customers": 100, "line_items": line_items},
        "served": {"model": pinned or "ranker", "reason": "r", "pinned": pinned is not None},
        "ranker": {"features": list(features.NAMES), "coefficients": [0.0] * len(features.NAMES), "intercept": 0.0, "train_rows": 1, "fit_seconds": 1.0},
        "evaluation": {"run_id": "judge-1", "data_last": last, "fresh": True, "reason": "r", "settings": cadence.settings(args)},
    }


def span(last="2020-08-03T09:00:00Z", line_items=1100):
    return {"first": "2020-01-01T00:00:00Z", "last": last, "customers": 110, "line_items": line_items}


def test_a_night_within_the_days_keeps_the_evaluation_and_says_how_far_the_data_reached():
    args = options()
    kept, why = cadence.kept_evaluation(judged_run(args), args, span(), CODE)
    assert kept is not None
    assert why == ("Kept run judge-1's evaluation, judged on purchases up to 2020-07-31: tonight's reach 3 days past them "
                   "(at most %d before the models are judged again)." % ALS_DEFAULTS["evaluateEveryDays"])


@pytest.mark.parametrize("change, expected", [
    (dict(span=span(last="2020-08-08T00:00:00Z")), "Judged tonight: the purchases reach 8 days past the 2020-07-31 that run judge-1 judged (more than --evaluate-every-days 7)."),
    (dict(args=dict(evaluate=True)), "Judged tonight: --evaluate asked for it."),
    (dict(args=dict(evaluate_every_days=0)), "Judged tonight: every run judges (--evaluate-every-days 0)."),
    (dict(code="sha256:fedcba9876543210"), "Judged tonight: the code changed since run judge-1 (sha256:0123456789abcdef, now sha256:fedcba9876543210)."),
    (dict(args=dict(rank=32)), "Judged tonight: the evaluation settings changed since run judge-1."),
    (dict(args=dict(pin="repeat")), "Judged tonight: the pin changed (repeat, was none)."),
    (dict(span=span(last="2020-07-20T00:00:00Z")), "Judged tonight: the purchases are not a continuation of what run judge-1 judged (last purchase 2020-07-20, was 2020-07-31; 1100 line items, was 1000)."),
    (dict(span=span(line_items=900)), "Judged tonight: the purchases are not a continuation of what run judge-1 judged (last purchase 2020-08-03, was 2020-07-31; 900 line items, was 1000)."),
])
def test_a_night_judges_again_when_its_evaluation_no_longer_rests_on_what_it_judged(change, expected):
    args = options()
    last = judged_run(args)
    now = options(**change.get("args", {}))
    assert cadence.kept_evaluation(last, now, change.get("span", span()), change.get("code", CODE)) == (None, expected)


def test_a_first_run_a_record_older_than_the_cadence_and_a_lost_pin_judge():
    args = options()
    assert cadence.kept_evaluation(None, args, span(), CODE) == (None, "Judged tonight: the first run.")
    old = {k: v for k, v in judged_run(args).items() if k != "evaluation"}
    assert cadence.kept_evaluation(old, args, span(), CODE)[1] == "Judged tonight: the last run's record holds no evaluation this code can reuse."
    pinned = judged_run(args, pinned="repeat")
    assert cadence.kept_evaluation(pinned, args, span(), CODE)[1] == "Judged tonight: the pin changed (none, was repeat)."
    assert cadence.kept_evaluation(pinned, options(pin="repeat"), span(), CODE)[0] is pinned


def run_job(spark, argv):
    args = cli.parse_args(argv)
    return cli.JOBS[args.job].main(spark, args)


def read_json(path):
    with open(path) as f:
        return json.load(f)


def served_lines(lake):
    lines = []
    for part in sorted(glob.glob(os.path.join(lake, LAKE["recommendationsPrefix"], "part-*.json"))):
        with open(part) as f:
            lines += f.read().splitlines()
    return sorted(lines)


@pytest.fixture(scope="module")
def nights(spark, tmp_path_factory):
    """The fixture's purchases judged by a full run, then a nightly recommend run on the same purchases: each
    run's record and served lines. The ranker is pinned in both (on the fixture's few customers the rule keeps
    "repeat"), so the kept night scores every customer's candidates with the kept coefficients over a new ALS fit;
    two windows instead of the default four keep the judged run short (both runs get the same settings)."""
    lake = str(tmp_path_factory.mktemp("cadence-lake"))
    shutil.copytree(RAW, os.path.join(lake, LAKE["rawPrefix"]))
    placeholder = CONTRACT["spark_plan"]["lake_root"]
    [step] = CONTRACT["spark_plan"]["steps"]
    run_job(spark, [step["job"]] + [a.replace(placeholder, lake) for a in step["args"]] + ["--full", "--evaluate"] + SETTINGS)
    records = [read_json(os.path.join(lake, LAKE["metricsKey"]))]
    lines = [served_lines(lake)]
    recommend = ["recommend", "--input", os.path.join(lake, LAKE["curatedPrefix"]), "--output", os.path.join(lake, LAKE["servingPrefix"])]
    records.append(run_job(spark, recommend + SETTINGS))
    lines.append(served_lines(lake))
    return lake, records, lines


def test_a_kept_night_serves_the_judged_runs_lists_and_carries_its_figures(nights):
    lake, (judged, kept), (judged_lines, kept_lines) = nights
    assert judged["evaluation"]["fresh"] and judged["evaluation"]["run_id"] == judged["run_id"]
    assert not kept["evaluation"]["fresh"] and kept["evaluation"]["run_id"] == judged["run_id"]
    assert kept["evaluation"]["reason"].startswith("Kept run %s's evaluation" % judged["run_id"])
    for field in cadence.JUDGED:
        assert kept[field] == judged[field], field
    # One ALS fit (serving's) instead of one per period plus serving's.
    assert len(kept["als"]["fit_seconds"]) == 1 < len(judged["als"]["fit_seconds"])
    assert kept_lines == judged_lines and len(kept_lines) > 1000
    history = read_json(os.path.join(lake, LAKE["recommenderHistoryKey"]))
    assert [r["evaluation"]["run_id"] for r in history["runs"][:2]] == [judged["run_id"]] * 2


def test_evaluate_reaches_the_recommend_job_and_the_pipeline_from_their_command_lines():
    for job in ("recommend", "pipeline"):
        paths = ["--input", "/in", "--output", "/out"] if job == "recommend" else ["--lake", "/lake"]
        assert cli.parse_args([job, *paths, "--evaluate"]).evaluate and not cli.parse_args([job, *paths]).evaluate
        assert cli.parse_args([job, *paths]).evaluate_every_days == ALS_DEFAULTS["evaluateEveryDays"]
