"""Model versions: per run `models/intent/<run-id>/run.json` (params, metrics with intervals and baselines, data
windows, code version) and one Spark PipelineModel per served task that trained (`model/` for intent,
`abandonment-model/` for cart abandonment); `models/intent/history.json` lists every run and the served run of
each task. A task's model replaces the served one only when it has skill (beats the best baseline by more than
the interval) and scores at least as well as the served model on the new run's test window (AUC-PR); any other
run is kept on record, never served silently."""
import datetime
import hashlib
import json
import os

from pyspark.ml import PipelineModel

from recstream_jobs import io

from . import intent_metrics as metrics
from .common import at, read_json
from .contract import LAKE

# Where each served task's model lives in a run, and its served run's key in history.json.
MODEL_FOLDER = {"intent": "model", "abandonment": "abandonment-model"}
SERVED_KEY = {"intent": "served_run", "abandonment": "served_abandonment_run"}


def code_version():
    """RECSTREAM_CODE_VERSION when the deployment sets it (a git commit), else a hash of this package's source."""
    if os.environ.get("RECSTREAM_CODE_VERSION"):
        return os.environ["RECSTREAM_CODE_VERSION"]
    folder = os.path.dirname(os.path.abspath(__file__))
    if not os.path.isdir(folder):
        return "unknown (package run from a zip; set RECSTREAM_CODE_VERSION)"
    digest = hashlib.sha256()
    for name in sorted(n for n in os.listdir(folder) if n.endswith(".py")):
        with open(os.path.join(folder, name), "rb") as source:
            digest.update(name.encode() + source.read())
    return "sha256:" + digest.hexdigest()[:16]


def new_run_id(record):
    stamp = datetime.datetime.utcnow().strftime("%Y%m%dT%H%M%S%fZ")
    return "%s-%s" % (stamp, hashlib.sha1(json.dumps(record, sort_keys=True, default=str).encode()).hexdigest()[:6])


def run_prefix(lake, run_id):
    return at(lake, LAKE["intentModelsPrefix"] + run_id + "/")


def model_path(lake, run_id, task="intent"):
    return run_prefix(lake, run_id) + MODEL_FOLDER[task]


def task_record(record, task):
    return record if task == "intent" else record.get(task)


def skill_verdict(quality) -> str:
    """The skill test in words: the model's test AUC-PR against the best baseline, with the paired difference."""
    best = next(b for b in quality["baselines"] if b["name"] == quality["best_baseline"])
    return "test AUC-PR %.4f [%.4f, %.4f] vs %s %.4f [%.4f, %.4f]: difference %+.4f [%+.4f, %+.4f]" % (
        quality["model"]["auc_pr"], *quality["model"]["interval"], best["name"], best["auc_pr"], *best["interval"], quality["difference"]["value"], *quality["difference"]["interval"])


def decide(record, served, served_record, served_on_window, promote_anyway):
    """(promoted, reason) for one task's record, given the served run (or None), its record and its metrics on this
    run's test window (None when not comparable). Pure: the rule, apart from where its inputs come from."""
    keeping = "keeping the served model of run %s" % served if served else "no model is served"
    if record is None or not record.get("trained"):
        return False, "%s; %s" % ((record or {}).get("reason", "not trained"), keeping)
    verdict = skill_verdict(record["quality"])
    if not record["quality"]["skill"]:
        if promote_anyway:
            return True, "no skill over the best baseline (%s); promoted by --promote-anyway" % verdict
        return False, "no skill over the best baseline: the difference's interval is not above 0 (%s); %s" % (verdict, keeping)
    if served is None:
        return True, "first run with skill (%s)" % verdict
    if served_record is None or served_record.get("features") != record["features"] or served_on_window is None:
        return True, "served run %s has other features, which this code no longer computes; replaced (%s)" % (served, verdict)
    new_pr, old_pr = record["test"]["chosen"]["auc_pr"], served_on_window["auc_pr"]
    if new_pr >= old_pr:
        return True, "test AUC-PR %.4f >= served %.4f on the same window (%s)" % (new_pr, old_pr, verdict)
    if promote_anyway:
        return True, "test AUC-PR %.4f < served %.4f; promoted by --promote-anyway" % (new_pr, old_pr)
    return False, "test AUC-PR %.4f < served run %s's %.4f on the same window; %s" % (new_pr, served, old_pr, keeping)


def served_on(spark, lake, served, task, record, test):
    """The served run's record for `task` and its model's metrics on this run's test window (None when not comparable)."""
    if served is None:
        return None, None
    whole = read_json(spark, run_prefix(lake, served) + "run.json")
    served_record = task_record(whole, task) if whole else None
    if served_record is None or record is None or not record.get("trained") or served_record.get("features") != record["features"]:
        return served_record, None
    old = PipelineModel.load(model_path(lake, served, task))
    _, labels, scores = metrics.collected(old.transform(test))
    return served_record, metrics.evaluate(labels, scores, served_record["threshold"])


def history_entry(run_record, task):
    r = task_record(run_record, task) or {}
    quality = r.get("quality")
    return {
        "family": r.get("family"),
        "params": r.get("params"),
        "promoted": r.get("promoted", False),
        "reason": r.get("reason"),
        "test_auc_pr": quality["model"]["auc_pr"] if quality else None,
        "skill": quality["skill"] if quality else None,
    }


def record_run(spark, lake, record, fitted, promote_anyway, log):
    """Writes the run (record + each trained task's model), decides each served task's promotion and updates the
    history. `fitted`: {task: (model or None, test window)}. Returns the run id and per task its outcome."""
    history_path = at(lake, LAKE["intentHistoryKey"])
    history = read_json(spark, history_path) or {"served_run": None, "runs": []}
    run_id = new_run_id(record)
    outcomes = {}
    for task, (model, test) in fitted.items():
        key = SERVED_KEY[task]
        served = history.get(key)
        this = task_record(record, task)
        served_record, on_window = served_on(spark, lake, served, task, this, test) if model is not None else (None, None)
        promoted, reason = decide(this, served, served_record, on_window, promote_anyway)
        this.update(promoted=promoted, reason=reason, served_model_on_this_test_window=on_window)
        if model is not None:
            model.write().overwrite().save(model_path(lake, run_id, task))
        if promoted:
            history[key] = run_id
        else:
            log("WARNING %s of run %s is not served: %s" % (task, run_id, reason))
        outcomes[task] = {"promoted": promoted, "reason": reason, "served_run": history.get(key), "summary": ("promoted" if promoted else "NOT promoted: " + reason) + "; served run %s" % history.get(key)}
    run_record = {"run_id": run_id, "created": datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"), "code_version": code_version(), **record}
    io.write_json(spark, run_prefix(lake, run_id) + "run.json", run_record)
    entry = {k: run_record[k] for k in ("run_id", "created", "code_version", "data_window")}
    history["runs"].append({**entry, **history_entry(run_record, "intent"), "abandonment": history_entry(run_record, "abandonment")})
    io.write_json(spark, history_path, history)
    return {"run_id": run_id, **outcomes}
