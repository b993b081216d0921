"""Implicit ALS: fitting on purchases and scoring every item for a set of users."""
import time

import numpy as np
from pyspark.ml.recommendation import ALS
from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

# ALS candidates kept per user, so that dropping already-bought items still leaves k.
ALS_CANDIDATES = 20


def dense_ids(df: DataFrame, column: str, index: str) -> DataFrame:
    """ALS wants int ids; the store's ids are 19-digit strings, so number them 0..n-1."""
    return df.select(column).distinct().withColumn(index, (F.row_number().over(Window.orderBy(column)) - 1).cast("int"))

def top_items(rows, item_factors, n, chunk=2048):
    """(user_id, features) rows -> (user_id, [(product_id, score)] best n first)."""
    item_ids, matrix = item_factors
    rows = list(rows)
    n = min(n, len(item_ids))
    for start in range(0, len(rows), chunk):
        batch = rows[start : start + chunk]
        scores = np.array([r[1] for r in batch], dtype=np.float32) @ matrix.T
        best = np.argpartition(-scores, n - 1, axis=1)[:, :n]
        for row, candidates, user_scores in zip(batch, best, scores):
            ordered = sorted(candidates, key=lambda j: -user_scores[j])
            yield row[0], [(item_ids[j], float(user_scores[j])) for j in ordered]


class Model:
    """An implicit ALS model plus the id maps to speak product/user ids."""

    def __init__(self, bought: DataFrame, rank, reg_param, alpha, max_iter, seed):
        started = time.time()
        blocks = max(2, min(10, bought.sparkSession.sparkContext.defaultParallelism))
        self.users = dense_ids(bought, "user_id", "u").persist()
        self.items = dense_ids(bought, "product_id", "i").persist()
        # Confidence grows with units bought: c = 1 + alpha * units (Hu, Koren, Volinsky).
        ratings = (
            bought.groupBy("user_id", "product_id")
            .agg(F.sum("quantity").cast("float").alias("units"))
            .join(self.users, "user_id")
            .join(self.items, "product_id")
        )
        als = ALS(
            rank=rank,
            regParam=reg_param,
            alpha=alpha,
            maxIter=max_iter,
            seed=seed,
            implicitPrefs=True,
            userCol="u",
            itemCol="i",
            ratingCol="units",
            coldStartStrategy="drop",
            # Spark's default of 10 blocks means many tiny tasks on a small cluster.
            numUserBlocks=blocks,
            numItemBlocks=blocks,
        )
        self.model = als.fit(ratings)
        # Cut the factors off ALS's iteration lineage: otherwise every later task re-ships it.
        self.user_factors = self.model.userFactors.localCheckpoint()
        self.fit_seconds = round(time.time() - started, 1)

    def candidates(self, users: DataFrame) -> DataFrame:
        """user_id -> als: [(product_id, score)] best first, for the given users the model knows.

        Scores with numpy against broadcast item factors: Spark's recommendForUserSubset does
        the same product in the JVM several times slower, and this stays distributed."""
        items = self.model.itemFactors.join(self.items.withColumnRenamed("i", "id"), "id").collect()
        item_ids = [r["product_id"] for r in items]
        matrix = np.array([r["features"] for r in items], dtype=np.float32).reshape(len(items), -1)
        factors = users.sparkSession.sparkContext.broadcast((item_ids, matrix))
        user_factors = self.user_factors.join(self.users.withColumnRenamed("u", "id"), "id").join(users, "user_id")
        ranked = user_factors.select("user_id", "features").rdd.mapPartitions(lambda rows: top_items(rows, factors.value, ALS_CANDIDATES))
        return users.sparkSession.createDataFrame(ranked, "user_id string, als array<struct<product_id: string, score: double>>")

    def release(self):
        self.users.unpersist()
        self.items.unpersist()
