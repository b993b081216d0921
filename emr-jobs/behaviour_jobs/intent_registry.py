"""Intent model versions: `models/intent/<run-id>/model/` (a Spark PipelineModel) and `run.json`
(params, metrics, data window, code version) per run, and `models/intent/history.json` listing
every run and the served one. A run replaces the served model only when it scores at least as
well on the new run's test window (AUC-PR); a worse run is kept on record, never served silently."""
import datetime
import hashlib
import json
import os

from pyspark.ml import PipelineModel

from recstream_jobs import io

from . import intent_metrics as metrics
from .common import at, read_json
from .contract import LAKE


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


def promotion(spark, lake, history, record, test, promote_anyway):
    """(promoted, reason, served model's metrics on this run's test window)."""
    served = history.get("served_run")
    if served is None:
        return True, "first run", None
    served_record = read_json(spark, run_prefix(lake, served) + "run.json")
    if served_record is None or served_record["features"] != record["features"]:
        if promote_anyway:
            return True, "served run %s has other features; promoted by --promote-anyway" % served, None
        return False, "served run %s has other features: not comparable (use --promote-anyway)" % served, None
    old = PipelineModel.load(run_prefix(lake, served) + "model")
    old_metrics = metrics.evaluate(metrics.scored(old.transform(test)), served_record["threshold"])
    new_pr, old_pr = record["test"]["chosen"]["auc_pr"], old_metrics["auc_pr"]
    if new_pr >= old_pr:
        return True, "test AUC-PR %.4f >= served %.4f on the same window" % (new_pr, old_pr), old_metrics
    if promote_anyway:
        return True, "test AUC-PR %.4f < served %.4f; promoted by --promote-anyway" % (new_pr, old_pr), old_metrics
    return False, "test AUC-PR %.4f < served run %s's %.4f on the same window" % (new_pr, served, old_pr), old_metrics


def record_run(spark, lake, model, record, test, promote_anyway, log):
    history_path = at(lake, LAKE["intentHistoryKey"])
    history = read_json(spark, history_path) or {"served_run": None, "runs": []}
    run_id = new_run_id(record)
    promoted, reason, served_on_window = promotion(spark, lake, history, record, test, promote_anyway)
    prefix = run_prefix(lake, run_id)
    model.write().overwrite().save(prefix + "model")
    run_record = {
        "run_id": run_id,
        "created": datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "code_version": code_version(),
        **record,
        "served_model_on_this_test_window": served_on_window,
        "promoted": promoted,
        "reason": reason,
    }
    io.write_json(spark, prefix + "run.json", run_record)
    if promoted:
        history["served_run"] = run_id
    history["runs"].append({k: run_record[k] for k in ("run_id", "created", "code_version", "family", "params", "data_window", "promoted", "reason")} | {"test_auc_pr": record["test"]["chosen"]["auc_pr"]})
    io.write_json(spark, history_path, history)
    if not promoted:
        log("WARNING run %s is not served: %s" % (run_id, reason))
    return {"run_id": run_id, "promoted": promoted, "reason": reason, "served_run": history["served_run"]}
