"""When a run judges every model again, and when it serves with the last evaluation instead.

An evaluation (the rolling windows, the holdout, the latest months: an ALS and a ranker fit per period and their
candidate tables) is most of a night's work, and a few days of new purchases barely move what it found. So a run keeps the
last evaluation (its figures, its chosen model and its fitted ranker's coefficients) while the data has grown by at
most `--evaluate-every-days` days past what that evaluation saw, and nothing else it rests on has changed: the
code, the settings, the pin. Serving still fits ALS on every purchase and scores every customer's candidates: the
lists are tonight's, only the judgment is older. `--evaluate` judges again; the step plan adds it to a full
rebuild (`--full` alone keeps the evaluation, as bench:spark's second run does).
"""
import datetime

from . import features
from .ranker import Ranker

# The run-record fields an evaluation produces; a run that keeps it copies them as they were judged.
JUDGED = ("served", "windows", "window_mean", "ranker_vs", "holdout", "latest_months", "ranker")
SETTINGS = ("rank", "reg_param", "alpha", "max_iter", "holdout_days", "validation_days", "latest_months_days", "selection_windows", "seed")


def settings(args):
    """The options an evaluation depends on, as the run record keeps them."""
    return {name: getattr(args, name) for name in SETTINGS}


def _day(iso):
    return datetime.datetime.strptime(iso[:10], "%Y-%m-%d").date()


def kept_evaluation(last, args, data_span, code_version):
    """(the last run's record, why it is kept) when this run may serve with its evaluation, else (None, why every
    model is judged tonight). `last`: the previous run's record (None on a first run)."""
    if args.evaluate:
        return None, "Judged tonight: --evaluate asked for it."
    if last is None:
        return None, "Judged tonight: the first run."
    before, ranker = last.get("evaluation"), last.get("ranker")
    if before is None or (ranker is not None and "coefficients" not in ranker):
        return None, "Judged tonight: the last run's record holds no evaluation this code can reuse."
    if args.evaluate_every_days <= 0:
        return None, "Judged tonight: every run judges (--evaluate-every-days 0)."
    if last["code_version"] != code_version:
        return None, "Judged tonight: the code changed since run %s (%s, now %s)." % (before["run_id"], last["code_version"], code_version)
    if before.get("settings") != settings(args):
        return None, "Judged tonight: the evaluation settings changed since run %s." % before["run_id"]
    if ranker is not None and list(ranker["features"]) != list(features.NAMES):
        return None, "Judged tonight: the ranker's features changed since run %s." % before["run_id"]
    was_pinned = last["served"]["model"] if last["served"]["pinned"] else None
    if args.pin != was_pinned:
        return None, "Judged tonight: the pin changed (%s, was %s)." % (args.pin or "none", was_pinned or "none")
    if before["data_last"] is None or data_span["last"] is None:
        return None, "Judged tonight: no dated purchase to measure the new data by."
    grown = (_day(data_span["last"]) - _day(before["data_last"])).days
    if grown < 0 or data_span["line_items"] < last["data_span"]["line_items"]:
        return None, "Judged tonight: the purchases are not a continuation of what run %s judged (last purchase %s, was %s; %d line items, was %d)." % (
            before["run_id"], data_span["last"][:10], before["data_last"][:10], data_span["line_items"], last["data_span"]["line_items"])
    if grown > args.evaluate_every_days:
        return None, "Judged tonight: the purchases reach %d days past the %s that run %s judged (more than --evaluate-every-days %d)." % (
            grown, before["data_last"][:10], before["run_id"], args.evaluate_every_days)
    return last, "Kept run %s's evaluation, judged on purchases up to %s: tonight's reach %d day%s past them (at most %d before the models are judged again)." % (
        before["run_id"], before["data_last"][:10], grown, "" if grown == 1 else "s", args.evaluate_every_days)


def kept_judgement(record, why):
    """The run-record fields a run keeping `record`'s evaluation carries: its figures and choice as judged."""
    return {**{k: record[k] for k in JUDGED if k in record}, "evaluation": {**record["evaluation"], "fresh": False, "reason": why}}


def kept_ranker(record):
    """The served ranker of a kept evaluation, from its coefficients (None when it served no ranker)."""
    r = record.get("ranker")
    if r is None:
        return None
    return Ranker(r["coefficients"], r["intercept"], r["train_rows"], r["fit_seconds"])
