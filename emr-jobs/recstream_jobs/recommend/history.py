"""The recommender's run history: `serving/recommender/runs/<run_id>.json` per run (contract/recommender.ts
RecommenderRun) and `serving/recommender/history.json` listing them, which also tells the next run which
model serves (the incumbent of the promotion rule)."""
import datetime
import hashlib
import json
import os

from .. import io
from .serving import serving_path

PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def code_version():
    """RECSTREAM_CODE_VERSION when the deployment sets it (a git commit), else a hash of the job's source."""
    if os.environ.get("RECSTREAM_CODE_VERSION"):
        return os.environ["RECSTREAM_CODE_VERSION"]
    if not os.path.isdir(PACKAGE):
        return "unknown (package run from a zip; set RECSTREAM_CODE_VERSION)"
    digest = hashlib.sha256()
    for folder, _, names in sorted(os.walk(PACKAGE)):
        for name in sorted(n for n in names if n.endswith(".py")):
            with open(os.path.join(folder, name), "rb") as source:
                digest.update(name.encode() + source.read())
    return "sha256:" + digest.hexdigest()[:16]


def read_history(spark, output):
    return io.read_json(spark, serving_path(output, "recommenderHistoryKey")) or {"runs": []}


def served_before(history):
    """The model the last run served, the incumbent of the promotion rule (None on a first run)."""
    return history["runs"][-1]["served"]["model"] if history["runs"] else None


def last_run(spark, output, history):
    """The previous run's whole record (None on a first run)."""
    if not history["runs"]:
        return None
    # A record gone missing reads as one without an evaluation: the run then judges.
    return io.read_json(spark, io.join(serving_path(output, "recommenderRunsPrefix"), history["runs"][-1]["run_id"] + ".json")) or {}


def new_run_id(record):
    stamp = datetime.datetime.utcnow().strftime("%Y%m%dT%H%M%S%fZ")
    return "%s-%s" % (stamp, hashlib.sha1(json.dumps(record, sort_keys=True, default=str).encode()).hexdigest()[:6])


def record_run(spark, output, history, record):
    """Writes the run and appends it to the history; returns the run with its id."""
    run = {"run_id": new_run_id(record), "created": datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"), "code_version": code_version(), **record}
    if run["evaluation"]["run_id"] is None:  # judged tonight: the evaluation is this run's
        run["evaluation"] = {**run["evaluation"], "run_id": run["run_id"]}
    io.write_json(spark, io.join(serving_path(output, "recommenderRunsPrefix"), run["run_id"] + ".json"), run)
    holdout = run["holdout"]
    history["runs"].append({
        "run_id": run["run_id"], "created": run["created"], "code_version": run["code_version"], "served": run["served"],
        "evaluation": {k: v for k, v in run["evaluation"].items() if k != "settings"},
        "holdout_ndcg": {name: s["ndcg"]["mean"] for name, s in holdout["models"].items()}, "users": holdout["users"],
    })
    io.write_json(spark, serving_path(output, "recommenderHistoryKey"), history)
    return run
