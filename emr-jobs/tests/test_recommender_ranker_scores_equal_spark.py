"""The driver scores candidates with the fitted coefficients; they must equal Spark's own predictions."""
import numpy as np

from recstream_jobs.recommend import ranker


def test_driver_scores_equal_spark_logistic_regression(spark):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(400, 5))
    y = (x[:, 0] + 0.5 * x[:, 1] + rng.normal(scale=0.5, size=400) > 1.2).astype(np.int8)
    fitted = ranker.fit(spark, x, y, seed=1)
    frame = ranker.training_frame(spark, x, np.zeros(len(x)))
    from pyspark.ml.classification import LogisticRegressionModel  # noqa: F401  (the fitted model's class)
    from pyspark.ml.classification import LogisticRegression

    model = LogisticRegression(**ranker.PARAMS).fit(ranker.training_frame(spark, *ranker.sample(x, y, 1)))
    spark_scores = np.array([row.probability[1] for row in model.transform(frame).select("probability").collect()])
    np.testing.assert_allclose(fitted.score(x), spark_scores, rtol=1e-6, atol=1e-9)
    # The ranker learned the signal: positives score higher on average.
    assert fitted.score(x)[y == 1].mean() > fitted.score(x)[y == 0].mean()


def test_negatives_are_sampled_but_every_positive_is_kept():
    y = np.array([1] * 3 + [0] * 1000, dtype=np.int8)
    x = np.arange(len(y), dtype=np.float64)[:, None]
    xs, ys = ranker.sample(x, y, seed=5)
    assert ys.sum() == 3 and len(ys) == 3 + 3 * ranker.NEGATIVES_PER_POSITIVE


def test_no_positive_means_no_ranker(spark):
    assert ranker.fit(spark, np.zeros((10, 2)), np.zeros(10, dtype=np.int8), seed=1) is None
