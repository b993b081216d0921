"""Classifier metrics and their bootstrap intervals, on the driver (numpy) from collected (label, score) rows.

A validation or test window is at most a few hundred thousand sessions: collected once per model, every
metric and every bootstrap resample is an array operation here instead of another Spark pass.
Rows are sessions (one cut each), so resampling rows is resampling sessions."""
import numpy as np
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from .common import rounded

THRESHOLD_BINS = 200
BOOTSTRAP_RESAMPLES = 200
LEVEL = 0.95


def _vector_to_array(name) -> Column:
    """Spark ML's own vector_to_array, called on the JVM: pyspark.ml.functions' Python wrapper would need pandas."""
    jvm = SparkSession.getActiveSession().sparkContext._jvm
    return Column(jvm.org.apache.spark.ml.functions.vector_to_array(F.col(name)._jc, "float64"))


def collected(predictions: DataFrame, key="session_id"):
    """(keys, labels, scores) of scored rows, ordered by key so that two models' arrays line up row by row."""
    rows = predictions.select(key, "label", _vector_to_array("probability")[1].alias("score")).orderBy(key).collect()
    return [r[0] for r in rows], np.array([r[1] for r in rows], dtype=float), np.array([r[2] for r in rows], dtype=float)


def ranked_average_precision(labels, scores):
    """Average precision as a function of row weights, the rows sorted once (the bootstrap calls it per resample):
    the area under the precision-recall curve as a step function, tied scores forming one step - the sum over
    score levels, best first, of the positives at the level times the precision down to it, over all positives.
    Spark's areaUnderPR interpolates linearly from (0, first precision), which flatters models with few distinct
    scores, such as a shallow tree. A constant score gives the positive rate."""
    labels, scores = np.asarray(labels, dtype=float), np.asarray(scores, dtype=float)
    order = np.argsort(-scores, kind="stable")
    sorted_labels, sorted_scores = labels[order], scores[order]
    starts = np.flatnonzero(np.r_[True, sorted_scores[1:] != sorted_scores[:-1]]) if len(order) else np.array([], dtype=int)

    def area(weights=None):
        if len(order) == 0:
            return 0.0
        w = np.ones(len(order)) if weights is None else np.asarray(weights, dtype=float)[order]
        pos_level, n_level = np.add.reduceat(sorted_labels * w, starts), np.add.reduceat(w, starts)
        cum_pos, cum_n = np.cumsum(pos_level), np.cumsum(n_level)
        if cum_pos[-1] <= 0:
            return 0.0
        return float(np.sum(pos_level * np.divide(cum_pos, cum_n, out=np.zeros_like(cum_pos), where=cum_n > 0)) / cum_pos[-1])

    return area


def average_precision(labels, scores, weights=None) -> float:
    return ranked_average_precision(labels, scores)(weights)


def mean_of(labels, values):
    """The weighted mean of per-row values (recall@3 per user) as a function of row weights."""
    values = np.asarray(values, dtype=float)
    return lambda weights: float(np.sum(weights * values) / np.sum(weights)) if np.sum(weights) else 0.0


def auc_roc(labels, scores) -> float:
    """Probability that a random positive scores above a random negative (ties count half): Mann-Whitney on mid-ranks."""
    labels, scores = np.asarray(labels, dtype=float), np.asarray(scores, dtype=float)
    positives = int(labels.sum())
    negatives = len(labels) - positives
    if positives == 0 or negatives == 0:
        return 0.5
    _, inverse, counts = np.unique(scores, return_inverse=True, return_counts=True)
    mid_rank = (np.cumsum(counts) - (counts - 1) / 2.0)[inverse]
    return float((mid_rank[labels == 1].sum() - positives * (positives + 1) / 2.0) / (positives * negatives))


def best_f1_threshold(labels, scores) -> float:
    """The score threshold with the best F1, searched over THRESHOLD_BINS equal bins of [0, 1]."""
    labels, scores = np.asarray(labels, dtype=float), np.asarray(scores, dtype=float)
    bins = np.minimum(np.floor(scores * THRESHOLD_BINS), THRESHOLD_BINS - 1).astype(int)
    n = np.bincount(bins, minlength=THRESHOLD_BINS)[::-1].cumsum()  # predicted positive for every bin >= b, b from the top
    tp = np.bincount(bins, weights=labels, minlength=THRESHOLD_BINS)[::-1].cumsum()
    total = labels.sum()
    if total == 0:
        return 0.5
    precision = np.divide(tp, n, out=np.zeros_like(tp), where=n > 0)
    recall = tp / total
    f1 = np.divide(2 * precision * recall, precision + recall, out=np.zeros_like(tp), where=(precision + recall) > 0)
    best = int(np.argmax(f1))  # first maximum from the top: the highest threshold among equals
    return (THRESHOLD_BINS - 1 - best) / THRESHOLD_BINS


def confusion_metrics(n, tp, fp, fn):
    tn = n - tp - fp - fn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"rows": n, "accuracy": rounded((tp + tn) / n if n else 0.0), "precision": rounded(precision), "recall": rounded(recall), "f1": rounded(f1),
            # The counts behind the rates, for the model card's confusion matrix (label 1 = the session bought).
            "confusion": {"tp": tp, "fp": fp, "fn": fn, "tn": tn}}


def at_threshold(labels, scores, threshold) -> dict:
    predicted, positive = np.asarray(scores) >= threshold, np.asarray(labels) == 1.0
    return confusion_metrics(len(predicted), int((predicted & positive).sum()), int((predicted & ~positive).sum()), int((~predicted & positive).sum()))


def evaluate(labels, scores, threshold) -> dict:
    return {**at_threshold(labels, scores, threshold), "auc_roc": rounded(auc_roc(labels, scores)), "auc_pr": rounded(average_precision(labels, scores)), "threshold": threshold}


def majority_baseline(labels) -> dict:
    """Always 'no purchase' (the majority class): its AUC-PR is the positive rate, its AUC-ROC 0.5."""
    n, positives = len(labels), int(np.sum(labels))
    rate = rounded(positives / n if n else 0.0)
    return {**confusion_metrics(n, 0, 0, positives), "auc_pr": rate, "auc_roc": 0.5, "positive_rate": rate}


def interval(values) -> list:
    lo, hi = np.percentile(values, [100 * (1 - LEVEL) / 2, 100 * (1 + LEVEL) / 2])
    return [rounded(lo), rounded(hi)]


def bootstrap(metric, labels, scores_by_name: dict, seed=42, resamples=BOOTSTRAP_RESAMPLES) -> dict:
    """Per name, the metric on `resamples` resamples of the rows (Poisson(1) weights; the same resample for every
    name, so differences between two names are paired): {name: array of values}. `metric(labels, scores)` returns
    the metric as a function of the row weights; `interval` makes the `LEVEL` interval of the values."""
    rng = np.random.default_rng(seed)
    of_weights = {name: metric(labels, scores) for name, scores in scores_by_name.items()}
    values = {name: [] for name in scores_by_name}
    rows = len(next(iter(scores_by_name.values())))
    for _ in range(resamples):
        weights = rng.poisson(1.0, rows)
        for name, f in of_weights.items():
            values[name].append(f(weights))
    return {name: np.array(v) for name, v in values.items()}
