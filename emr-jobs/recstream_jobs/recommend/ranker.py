"""The learned ranker: Spark ML logistic regression on the candidates' features, label = the customer
bought the product in the window after the cut.

Spark fits it; the driver scores with its coefficients (a dot product per candidate), since the rows to
score — every customer's candidates, ~1.5M on the real data — already sit on the driver and a Spark job
would first have to ship them back. tests/test_recommender_ranker_scores_equal_spark.py checks the two agree.

Why logistic regression and not Spark's gradient-boosted trees: on the real data's rolling windows a
boosted-tree ranker (offline, scikit-learn's HistGradientBoosting) ranked no better than this one within
the bootstrap interval, and Spark's GBTClassifier took 133 s for one fit of 94k rows where this took 21 s
on the same busy machine (docs/benchmarks.md, "The learned ranker"); the nightly run fits one per period.
"""
import time

import numpy as np
from pyspark.ml.classification import LogisticRegression
from pyspark.ml.feature import VectorAssembler

from . import features

# Negatives kept per positive at most (seeded sample): the labels are rare (~0.3 %) and a uniform sample of
# negatives only moves a logistic model's intercept, never the order of one customer's candidates. 10 ranked
# as well as 30 on the real windows (within the interval) and fits on a third of the rows.
NEGATIVES_PER_POSITIVE = 10
PARAMS = {"regParam": 0.01, "elasticNetParam": 0.0, "maxIter": 100}


class Ranker:
    """A fitted ranker: coefficients over features.NAMES, applied on the driver."""

    family = "spark.ml LogisticRegression"
    params = {**PARAMS, "negatives_per_positive": NEGATIVES_PER_POSITIVE}
    names = features.NAMES

    def __init__(self, coefficients, intercept, train_rows, fit_seconds):
        self.coefficients = np.asarray(coefficients, dtype=np.float64)
        self.intercept = float(intercept)
        self.train_rows = train_rows
        self.fit_seconds = fit_seconds

    def score(self, x):
        """Probability-like score per row of a design matrix (features.matrix)."""
        return 1.0 / (1.0 + np.exp(-(x @ self.coefficients + self.intercept)))


def sample(x, y, seed):
    """Every positive and at most NEGATIVES_PER_POSITIVE negatives per positive."""
    positives = np.flatnonzero(y == 1)
    negatives = np.flatnonzero(y == 0)
    keep = min(len(negatives), max(1, len(positives)) * NEGATIVES_PER_POSITIVE)
    chosen = np.random.default_rng(seed).choice(negatives, size=keep, replace=False) if keep < len(negatives) else negatives
    rows = np.sort(np.concatenate([positives, chosen]))
    return x[rows], y[rows]


def training_frame(spark, x, y):
    """Rows of plain floats (cheap to ship from Python), assembled into a vector column in the JVM. The schema
    is given: inferring it from the rows merged ~50,000 row types per fit and cost more than the fit itself."""
    names = ["f%d" % i for i in range(x.shape[1])]
    schema = ", ".join("%s double" % n for n in ["label"] + names)
    frame = spark.createDataFrame([(float(label), *row) for row, label in zip(x.tolist(), y.tolist())], schema, verifySchema=False)
    return VectorAssembler(inputCols=names, outputCol="features").transform(frame)


def fit(spark, x, y, seed):
    """A Ranker fitted on (x, y), or None when the labels hold no positive (nothing to learn)."""
    if not (y == 1).any() or not (y == 0).any():
        return None
    started = time.time()
    xs, ys = sample(x, y, seed)
    model = LogisticRegression(**PARAMS).fit(training_frame(spark, xs, ys))
    return Ranker(model.coefficients.toArray(), model.intercept, len(ys), round(time.time() - started, 1))
