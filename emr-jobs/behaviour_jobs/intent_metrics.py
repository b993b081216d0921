"""Classifier metrics from scored rows (`label`, `score` = P(purchase)), all native Spark aggregates."""
from pyspark.ml.evaluation import BinaryClassificationEvaluator
from pyspark.sql import Column, DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from .common import rounded

THRESHOLD_BINS = 200


def _vector_to_array(name) -> Column:
    """Spark ML's own vector_to_array, called on the JVM: pyspark.ml.functions would need pandas for nothing."""
    jvm = SparkSession.getActiveSession().sparkContext._jvm
    return Column(jvm.org.apache.spark.ml.functions.vector_to_array(F.col(name)._jc, "float64"))


def scored(predictions: DataFrame) -> DataFrame:
    return predictions.select("label", _vector_to_array("probability")[1].alias("score"))


def average_precision(scores: DataFrame) -> float:
    """Area under the precision-recall curve as a step function (average precision; tied scores
    form one step). Spark's areaUnderPR interpolates linearly from (0, first precision), which
    flatters models with few distinct scores, such as a shallow tree."""
    by_score = scores.groupBy("score").agg(F.count(F.lit(1)).alias("n"), F.sum("label").alias("positives"))
    ranked = Window.orderBy(F.desc("score")).rowsBetween(Window.unboundedPreceding, Window.currentRow)
    steps = by_score.withColumn("cum_n", F.sum("n").over(ranked)).withColumn("cum_positives", F.sum("positives").over(ranked))
    r = steps.agg(F.sum(F.col("positives") * F.col("cum_positives") / F.col("cum_n")).alias("area"), F.sum("positives").alias("total")).first()
    return float(r["area"] / r["total"]) if r["total"] else 0.0


def areas(scores: DataFrame) -> dict:
    roc = BinaryClassificationEvaluator(rawPredictionCol="score", labelCol="label", metricName="areaUnderROC").evaluate(scores)
    return {"auc_pr": average_precision(scores), "auc_roc": roc}


def best_f1_threshold(scores: DataFrame) -> float:
    """The score threshold with the best F1, searched over THRESHOLD_BINS quantile-free bins of [0, 1]."""
    bins = (
        scores.withColumn("bin", F.least(F.floor(F.col("score") * THRESHOLD_BINS), F.lit(THRESHOLD_BINS - 1)).cast("int"))
        .groupBy("bin")
        .agg(F.count(F.lit(1)).alias("n"), F.sum("label").alias("positives"))
        .collect()
    )
    by_bin = {r["bin"]: (r["n"], r["positives"]) for r in bins}
    total_positives = sum(p for _, p in by_bin.values())
    best, best_f1, predicted, true_positives = 0.5, -1.0, 0, 0
    for b in range(THRESHOLD_BINS - 1, -1, -1):  # predict positive for every bin >= b
        n, p = by_bin.get(b, (0, 0))
        predicted += n
        true_positives += p
        if predicted and total_positives:
            precision, recall = true_positives / predicted, true_positives / total_positives
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            if f1 > best_f1:
                best, best_f1 = b / THRESHOLD_BINS, f1
    return best


def at_threshold(scores: DataFrame, threshold: float) -> dict:
    predicted = F.col("score") >= threshold
    positive = F.col("label") == 1.0
    r = scores.agg(
        F.count(F.lit(1)).alias("n"),
        F.sum((predicted & positive).cast("long")).alias("tp"),
        F.sum((predicted & ~positive).cast("long")).alias("fp"),
        F.sum((~predicted & positive).cast("long")).alias("fn"),
    ).first()
    return confusion_metrics(int(r["n"]), int(r["tp"] or 0), int(r["fp"] or 0), int(r["fn"] or 0))


def confusion_metrics(n, tp, fp, fn):
    tn = n - tp - fp - fn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"rows": n, "accuracy": rounded((tp + tn) / n if n else 0.0), "precision": rounded(precision), "recall": rounded(recall), "f1": rounded(f1),
            # The counts behind the rates, for the model card's confusion matrix (label 1 = the session bought).
            "confusion": {"tp": tp, "fp": fp, "fn": fn, "tn": tn}}


def evaluate(scores: DataFrame, threshold: float) -> dict:
    return {**at_threshold(scores, threshold), **{k: rounded(v) for k, v in areas(scores).items()}, "threshold": threshold}


def majority_baseline(scores: DataFrame) -> dict:
    """Always 'no purchase' (the majority class): its AUC-PR is the positive rate, its AUC-ROC 0.5."""
    r = scores.agg(F.count(F.lit(1)).alias("n"), F.sum("label").alias("positives")).first()
    n, positives = int(r["n"]), int(r["positives"] or 0)
    return {**confusion_metrics(n, 0, 0, positives), "auc_pr": rounded(positives / n if n else 0.0), "auc_roc": 0.5, "positive_rate": rounded(positives / n if n else 0.0)}
