"""intent: curated events -> purchase-intent and cart-abandonment classifiers, versioned under models/intent/<run-id>/.

Rows and features: intent_features.py (one cut per session, drawn where the live scorer meets it;
features of the prefix only). Split by session start: the sessions are ordered by start time and
the earliest 70 % train, the next 15 % validate, the last 15 % test (cut times at those quantiles
of the start times, so a quiet stretch of traffic cannot leave a window empty). Each window must
hold at least MIN_SESSIONS sessions of which MIN_BUYERS positive; otherwise the task says
"not enough sessions to train" and keeps the previous model (or has none).

Every family of FAMILIES is fitted on train; the family with the best validation AUC-PR is the
task's model, its F1-best threshold chosen on validation. On test, with BOOTSTRAP_RESAMPLES
resamples of the test sessions: the model's AUC-PR and its 95 % interval beside the baselines'
(the positive rate = always "no purchase", and a logistic regression on the plain counts). The
model has *skill* when its paired difference to the best baseline has an interval above 0.

Versioning (intent_registry.py): the run's models and run record are written under its run id;
the history document lists every run and which one is served per task. A run is served only when
it has skill and, on its own test window, scores an AUC-PR at least as high as the served model's.
"""
import time

from pyspark.ml import Pipeline
from pyspark.ml.classification import DecisionTreeClassifier, GBTClassifier, LogisticRegression
from pyspark.ml.feature import VectorAssembler
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from recstream_jobs.progress import progress

from . import intent_metrics as metrics
from . import intent_registry as registry
from .common import at, by_user, rounded
from .contract import LAKE
from .intent_features import COUNT_FEATURES, FEATURES, positioned, task_dataset

log = progress("intent")
SPLIT = (0.70, 0.85)
MIN_SESSIONS = 50
MIN_BUYERS = 5
# maxDepth 5 is Spark's default tree, the DecisionTree the project's seed code used. Each fit is many passes
# over the training set (a tree level, a boosting round, an L-BFGS step each), so the grid keeps the settings
# that won on validation at 1M events (README-behaviour.md) and drops those that lost there (regParam 0, GBT depth 3).
FAMILIES = {
    "decision_tree": (DecisionTreeClassifier, [{"maxDepth": 5}, {"maxDepth": 8}]),
    "logistic_regression": (LogisticRegression, [{"regParam": 0.01}]),
    "gradient_boosted_trees": (GBTClassifier, [{"maxDepth": 5, "maxIter": 20}]),
}
GRIDS = {"small": None, "first": 1}
COUNTS_BASELINE = "counts_logistic_regression"
POSITIVE_RATE = "positive_rate"
# Served tasks (a live score each); abandonment_24h is evaluated and recorded, not served.
SERVED_TASKS = ("intent", "abandonment")


def pipeline(family, params, seed, features=FEATURES):
    estimator, _ = FAMILIES[family]
    extra = {"seed": seed} if family != "logistic_regression" else {"maxIter": 100}
    return Pipeline(stages=[VectorAssembler(inputCols=list(features), outputCol="features", handleInvalid="keep"), estimator(labelCol="label", **extra, **params)])


def iso(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def split(dataset: DataFrame):
    """(train, validation, test, window): cut times at the SPLIT quantiles of the session start times."""
    t = F.col("start").cast("long")
    bounds = dataset.agg(F.count(F.lit(1)).alias("n"), F.min(t).alias("lo"), F.max(t).alias("hi"), F.sum("label").alias("buyers")).first()
    cuts = dataset.select(t.alias("t")).approxQuantile("t", list(SPLIT), 0.0005) if bounds["n"] else []
    validation_start, test_start = (int(c) for c in cuts) if len(cuts) == 2 else (0, 0)
    windows = (dataset.filter(t < validation_start), dataset.filter((t >= validation_start) & (t < test_start)), dataset.filter(t >= test_start))
    counts = {}
    for name, frame in zip(("train", "validation", "test"), windows):
        r = frame.agg(F.count(F.lit(1)).alias("n"), F.sum("label").alias("buyers")).first()
        counts[name] = {"sessions": int(r["n"]), "buyers": int(r["buyers"] or 0)}
    window = {"sessions": int(bounds["n"]), "buyers": int(bounds["buyers"] or 0), "by_split": counts, "split": "session start: earliest 70 % train, next 15 % validate, last 15 % test"}
    if bounds["n"]:
        window.update(first_session_start=iso(bounds["lo"]), validation_start=iso(validation_start), test_start=iso(test_start), last_session_start=iso(bounds["hi"]))
    return (*windows, window)


def shortage(window) -> str:
    """Why the windows cannot train and judge a model, or None when each has enough sessions and buyers."""
    short = ["%s %d sessions, %d buying" % (name, c["sessions"], c["buyers"]) for name, c in window["by_split"].items() if c["sessions"] < MIN_SESSIONS or c["buyers"] < MIN_BUYERS]
    if not short:
        return None
    return "not enough sessions to train (%s < minimum %d sessions, %d buying per split)" % ("; ".join(short), MIN_SESSIONS, MIN_BUYERS)


def search(train: DataFrame, validation: DataFrame, grid_size, seed):
    """Every (family, setting) fitted on train and scored on validation; returns the tried list and each family's best."""
    tried, best = [], {}
    for family, (_, settings) in FAMILIES.items():
        for params in settings[:grid_size]:
            started = time.time()
            model = pipeline(family, params, seed).fit(train)
            _, labels, scores = metrics.collected(model.transform(validation))
            auc_pr, auc_roc = metrics.average_precision(labels, scores), metrics.auc_roc(labels, scores)
            entry = {"family": family, "params": params, "validation_auc_pr": rounded(auc_pr), "validation_auc_roc": rounded(auc_roc), "fit_seconds": round(time.time() - started, 1)}
            tried.append(entry)
            log("%s %s: validation AUC-PR %.4f, AUC-ROC %.4f (%.0fs)" % (family, params, auc_pr, auc_roc, entry["fit_seconds"]))
            if family not in best or entry["validation_auc_pr"] > best[family][0]["validation_auc_pr"]:
                best[family] = (entry, model, metrics.best_f1_threshold(labels, scores))
    return tried, best


def feature_importances(model, features=FEATURES):
    """What the served model leans on, per feature, largest first: Spark's impurity-based importances for the
    trees (they sum to 1); for logistic regression the absolute coefficients, on unscaled features (their sizes
    compare only within one feature's units), said by `kind`."""
    fitted = model.stages[-1]
    if hasattr(fitted, "featureImportances"):
        kind, values = "impurity_importance", fitted.featureImportances.toArray()
    else:
        kind, values = "absolute_coefficient", [abs(v) for v in fitted.coefficients.toArray()]
    ranked = sorted(zip(features, (float(v) for v in values)), key=lambda fv: (-fv[1], fv[0]))
    return {"kind": kind, "by_feature": [{"feature": f, "value": round(v, 6)} for f, v in ranked]}


def quality(labels, scores_by_name, chosen, seed, families=()):
    """AUC-PR of the chosen model and of each baseline with its interval, and the paired difference to the best
    baseline; `families`: the other fitted families, whose figures get their intervals too (not baselines)."""
    draws = metrics.bootstrap(metrics.ranked_average_precision, labels, scores_by_name, seed)
    point = {name: rounded(metrics.average_precision(labels, s)) for name, s in scores_by_name.items()}
    baselines = [n for n in scores_by_name if n != chosen and n not in families]
    best = max(baselines, key=lambda n: (point[n], n == POSITIVE_RATE))
    difference = metrics.interval(draws[chosen] - draws[best])
    return {
        "metric": "auc_pr",
        "resamples": metrics.BOOTSTRAP_RESAMPLES,
        "level": metrics.LEVEL,
        "resampled": "test sessions",
        "model": {"name": chosen, "auc_pr": point[chosen], "interval": metrics.interval(draws[chosen])},
        "baselines": [{"name": n, "auc_pr": point[n], "interval": metrics.interval(draws[n])} for n in baselines],
        "best_baseline": best,
        "difference": {"value": rounded(point[chosen] - point[best]), "interval": difference},
        "skill": bool(difference[0] > 0),
        "families": [{"name": n, "auc_pr": point[n], "interval": metrics.interval(draws[n])} for n in families],
    }


def train_task(task, dataset: DataFrame, grid, seed):
    """One task's record, its model (None when it could not train) and its test window."""
    train, validation, test, window = split(dataset)
    record = {"task": task, "features": list(FEATURES), "data_window": window}
    log("%s: %d sessions (%d buying); %s" % (task, window["sessions"], window["buyers"], ", ".join("%s %d/%d" % (k, c["sessions"], c["buyers"]) for k, c in window["by_split"].items())))
    reason = shortage(window)
    if reason is not None:
        log("%s: %s" % (task, reason))
        return {**record, "trained": False, "reason": reason}, None, test
    train = train.persist()
    tried, best = search(train, validation, GRIDS[grid], seed)
    chosen = max(best, key=lambda f: best[f][0]["validation_auc_pr"])
    counts_model = pipeline("logistic_regression", {"regParam": 0.01}, seed, COUNT_FEATURES).fit(train)
    keys, labels, _ = metrics.collected(best[chosen][1].transform(test))
    scores = {family: metrics.collected(model.transform(test))[2] for family, (_, model, _) in best.items()}
    scores[COUNTS_BASELINE] = metrics.collected(counts_model.transform(test))[2]
    train.unpersist()
    by_family = {f: {**metrics.evaluate(labels, scores[f], threshold), "params": entry["params"]} for f, (entry, _, threshold) in best.items()}
    entry, model, threshold = best[chosen]
    others = [f for f in best if f != chosen]
    judged = quality(labels, {chosen: scores[chosen], POSITIVE_RATE: [0.0] * len(labels), COUNTS_BASELINE: scores[COUNTS_BASELINE], **{f: scores[f] for f in others}}, chosen, seed, others)
    return {
        **record,
        "trained": True,
        "family": chosen,
        "params": entry["params"],
        "threshold": threshold,
        "feature_importances": feature_importances(model),
        "grid": tried,
        "test": {"chosen": by_family[chosen], "by_family": by_family, "majority_baseline": metrics.majority_baseline(labels),
                 COUNTS_BASELINE: metrics.evaluate(labels, scores[COUNTS_BASELINE], 0.5)},
        "quality": judged,
    }, model, test


def run(spark: SparkSession, lake: str, grid="small", seed=42, promote_anyway=False, events: DataFrame = None, sessions: DataFrame = None):
    """`events` (partitioned by user), `sessions`: the curated tables when the caller already holds them (the one-application run)."""
    started = time.time()
    if events is None:
        events = by_user(spark.read.parquet(at(lake, LAKE["eventsPrefix"])))
    if sessions is None:
        sessions = spark.read.parquet(at(lake, LAKE["sessionsPrefix"]))
    tasks = {}
    # Every event's place in its session, sorted once for the three tasks' cuts.
    placed = positioned(events).persist()
    for task in ("intent", "abandonment", "abandonment_24h"):
        # One partition per core: every fit is many small passes (a tree level, a boosting round, an L-BFGS step),
        # each a stage of one task per partition, and the events' partitioning by user (8 here) only adds tasks.
        dataset = task_dataset(events, sessions, task, seed, placed).coalesce(spark.sparkContext.defaultParallelism).persist()
        tasks[task] = (*train_task(task, dataset, grid, seed), dataset)
    placed.unpersist()
    record = {**tasks["intent"][0], "sessions_in_data": sessions.count()}
    record["abandonment"] = tasks["abandonment"][0]
    record["abandonment_24h"] = tasks["abandonment_24h"][0]
    outcome = registry.record_run(spark, lake, record, {t: (tasks[t][1], tasks[t][2]) for t in SERVED_TASKS}, promote_anyway, log)
    for _, _, _, dataset in tasks.values():
        dataset.unpersist()
    record["seconds"] = round(time.time() - started, 1)
    for task, (task_record, _, _, _) in tasks.items():
        print_quality(task, task_record)
    log("run %s: intent %s; abandonment %s (%.0fs)" % (outcome["run_id"], outcome["intent"]["summary"], outcome["abandonment"]["summary"], record["seconds"]))
    return {**record, **outcome["intent"], "run_id": outcome["run_id"], "abandonment_outcome": outcome["abandonment"]}


def print_quality(task, record):
    if not record["trained"]:
        return  # train_task said why, and the registry what is served instead
    q = record["quality"]
    log("%s test AUC-PR (%d%% interval over %d resampled test sessions):" % (task, round(100 * q["level"]), q["resamples"]))
    for name, figure in [(q["model"]["name"] + " *", q["model"])] + [(b["name"], b) for b in q["baselines"]]:
        log("  %-28s %.4f [%.4f, %.4f]" % (name, figure["auc_pr"], *figure["interval"]))
    log("  difference to %s: %+.4f [%+.4f, %+.4f] -> %s" % (q["best_baseline"], q["difference"]["value"], *q["difference"]["interval"], "skill" if q["skill"] else "NO skill over the baseline"))


def add_arguments(parser):
    parser.add_argument("--lake", required=True, help="lake root; reads %s and %s, writes under %s" % (LAKE["eventsPrefix"], LAKE["sessionsPrefix"], LAKE["intentModelsPrefix"]))
    model_arguments(parser)


def model_arguments(parser):
    """The options of a training run (also the one-application `behaviour` job's)."""
    parser.add_argument("--grid", choices=sorted(GRIDS), default="small", help="small: every setting of each family; first: one per family")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--promote-anyway", action="store_true", help="serve this run's trained models even without skill over the baselines or below the served model (recorded as such)")


def main(spark: SparkSession, args):
    return run(spark, args.lake, args.grid, args.seed, args.promote_anyway)
