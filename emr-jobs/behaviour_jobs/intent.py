"""intent: sessions -> a purchase-intent classifier, versioned under models/intent/<run-id>/.

Features and the cut: intent_features.py. Split by session start time: the earliest 70 % of the
time range of sessions trains, the next 15 % validates, the last 15 % tests. Every family of
FAMILIES is fitted on train for each setting of its small grid; the setting with the best
validation AUC-PR represents the family, and the family with the best validation AUC-PR is this
run's model. Its F1-best threshold is chosen on validation too. Test-window metrics of every
family and of a majority-class baseline go into the run record.

Versioning (intent_registry.py): the run's model and run record are written under its run id;
the history document lists every run and which one is served. A new run is served only when,
on its own test window, it scores an AUC-PR at least as high as the served model's; otherwise
the served model stays and the run is recorded as not promoted, with the numbers.
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
from .common import at, by_user
from .contract import LAKE
from .intent_features import FEATURES, intent_dataset

log = progress("intent")
SPLIT = (0.70, 0.85)
# maxDepth 5 is Spark's default tree, the DecisionTree the project's seed code used. Each fit is many passes
# over the training set (a tree level, a boosting round, an L-BFGS step each), so the grid keeps the settings
# that won on validation at 1M events (README-behaviour.md) and drops those that lost there (regParam 0, GBT depth 3).
FAMILIES = {
    "decision_tree": (DecisionTreeClassifier, [{"maxDepth": 5}, {"maxDepth": 8}]),
    "logistic_regression": (LogisticRegression, [{"regParam": 0.01}]),
    "gradient_boosted_trees": (GBTClassifier, [{"maxDepth": 5, "maxIter": 20}]),
}
GRIDS = {"small": None, "first": 1}


def time_split(dataset: DataFrame):
    """Start-time boundaries (epoch seconds) of validation and test."""
    return dataset.select(F.col("start").cast("long").alias("t")).approxQuantile("t", list(SPLIT), 0.0005)


def window_of(dataset: DataFrame, lo=None, hi=None) -> DataFrame:
    t = F.col("start").cast("long")
    condition = F.lit(True)
    if lo is not None:
        condition &= t >= lo
    if hi is not None:
        condition &= t < hi
    return dataset.filter(condition)


def pipeline(family, params, seed):
    estimator, _ = FAMILIES[family]
    extra = {"seed": seed} if family != "logistic_regression" else {"maxIter": 100}
    return Pipeline(stages=[VectorAssembler(inputCols=list(FEATURES), outputCol="features", handleInvalid="keep"), estimator(labelCol="label", **extra, **params)])


def search(train: DataFrame, validation: DataFrame, grid_size, seed):
    """Every (family, setting) fitted on train and scored on validation; returns the tried list and each family's best."""
    tried, best = [], {}
    for family, (_, settings) in FAMILIES.items():
        for params in settings[:grid_size]:
            started = time.time()
            model = pipeline(family, params, seed).fit(train)
            # Scored once, read by the three metric passes.
            scores = metrics.scored(model.transform(validation)).persist()
            area = metrics.areas(scores)
            entry = {"family": family, "params": params, "validation_auc_pr": round(area["auc_pr"], 6), "validation_auc_roc": round(area["auc_roc"], 6), "fit_seconds": round(time.time() - started, 1)}
            tried.append(entry)
            log("%s %s: validation AUC-PR %.4f, AUC-ROC %.4f (%.0fs)" % (family, params, area["auc_pr"], area["auc_roc"], entry["fit_seconds"]))
            if family not in best or entry["validation_auc_pr"] > best[family][0]["validation_auc_pr"]:
                best[family] = (entry, model, metrics.best_f1_threshold(scores))
            scores.unpersist()
    return tried, best


def feature_importances(model):
    """What the served model leans on, per feature, largest first: Spark's impurity-based importances for the
    trees (they sum to 1); for logistic regression the absolute coefficients, on unscaled features (their sizes
    compare only within one feature's units), said by `kind`."""
    fitted = model.stages[-1]
    if hasattr(fitted, "featureImportances"):
        kind, values = "impurity_importance", fitted.featureImportances.toArray()
    else:
        kind, values = "absolute_coefficient", [abs(v) for v in fitted.coefficients.toArray()]
    ranked = sorted(zip(FEATURES, (float(v) for v in values)), key=lambda fv: (-fv[1], fv[0]))
    return {"kind": kind, "by_feature": [{"feature": f, "value": round(v, 6)} for f, v in ranked]}


def iso(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def run(spark: SparkSession, lake: str, grid="small", seed=42, promote_anyway=False, events: DataFrame = None, sessions: DataFrame = None):
    """`events` (partitioned by user), `sessions`: the curated tables when the caller already holds them (the one-application run)."""
    started = time.time()
    if events is None:
        events = by_user(spark.read.parquet(at(lake, LAKE["eventsPrefix"])))
    if sessions is None:
        sessions = spark.read.parquet(at(lake, LAKE["sessionsPrefix"]))
    # One partition per core: every fit is many small passes (a tree level, a boosting round, an L-BFGS step),
    # each a stage of one task per partition, and the events' partitioning by user (8 here) only adds tasks.
    dataset = intent_dataset(events, sessions).coalesce(spark.sparkContext.defaultParallelism).persist()
    # One aggregate fills the cache and gives the count and the time range.
    bounds = dataset.agg(F.count(F.lit(1)).alias("n"), F.min(F.col("start").cast("long")).alias("lo"), F.max(F.col("start").cast("long")).alias("hi")).first()
    total = bounds["n"]
    validation_start, test_start = time_split(dataset)
    train = window_of(dataset, hi=validation_start).persist()
    validation = window_of(dataset, validation_start, test_start)
    test = window_of(dataset, lo=test_start)
    window = {"first_session_start": iso(bounds["lo"]), "validation_start": iso(validation_start), "test_start": iso(test_start), "last_session_start": iso(bounds["hi"]), "sessions": total,
              "sessions_without_events_before_cut": sessions.count() - total}
    log("%d sessions with events before their cut; train < %s <= validation < %s <= test" % (total, window["validation_start"], window["test_start"]))

    tried, best = search(train, validation, GRIDS[grid], seed)
    chosen_family = max(best, key=lambda f: best[f][0]["validation_auc_pr"])
    test_scores = {}
    test_metrics = {}
    for family, (entry, model, threshold) in best.items():
        test_scores[family] = metrics.scored(model.transform(test)).persist()
        test_metrics[family] = {**metrics.evaluate(test_scores[family], threshold), "params": entry["params"]}
    baseline = metrics.majority_baseline(test_scores[chosen_family])
    for scores in test_scores.values():
        scores.unpersist()
    entry, model, threshold = best[chosen_family]
    record = {
        "family": chosen_family,
        "params": entry["params"],
        "threshold": threshold,
        "features": list(FEATURES),
        "feature_importances": feature_importances(model),
        "data_window": window,
        "grid": tried,
        "test": {"chosen": test_metrics[chosen_family], "by_family": test_metrics, "majority_baseline": baseline},
    }
    outcome = registry.record_run(spark, lake, model, record, test, promote_anyway, log)
    record["seconds"] = round(time.time() - started, 1)
    train.unpersist()
    dataset.unpersist()
    print_table(test_metrics, baseline, chosen_family)
    log("run %s: %s; served run %s (%.0fs)" % (outcome["run_id"], "promoted" if outcome["promoted"] else "NOT promoted: " + outcome["reason"], outcome["served_run"], record["seconds"]))
    return {**record, **outcome}


def print_table(by_family, baseline, chosen):
    log("test window (threshold chosen on validation for F1):")
    log("  %-24s %8s %9s %7s %7s %8s %7s" % ("model", "accuracy", "precision", "recall", "F1", "AUC-ROC", "AUC-PR"))
    rows = [(f + (" *" if f == chosen else ""), m) for f, m in by_family.items()] + [("majority baseline", baseline)]
    for name, m in rows:
        log("  %-24s %8.4f %9.4f %7.4f %7.4f %8.4f %7.4f" % (name, m["accuracy"], m["precision"], m["recall"], m["f1"], m["auc_roc"], m["auc_pr"]))


def add_arguments(parser):
    parser.add_argument("--lake", required=True, help="lake root; reads %s and %s, writes under %s" % (LAKE["eventsPrefix"], LAKE["sessionsPrefix"], LAKE["intentModelsPrefix"]))
    model_arguments(parser)


def model_arguments(parser):
    """The options of a training run (also the one-application `behaviour` job's)."""
    parser.add_argument("--grid", choices=sorted(GRIDS), default="small", help="small: every setting of each family; first: one per family")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--promote-anyway", action="store_true", help="serve this run even when it scores below the served model (recorded as such)")


def main(spark: SparkSession, args):
    return run(spark, args.lake, args.grid, args.seed, args.promote_anyway)
