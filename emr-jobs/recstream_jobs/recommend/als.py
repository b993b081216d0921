"""Implicit ALS: Spark ML fits it on purchases; numpy scores every item for the users asked about."""
import os
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from pyspark.ml.recommendation import ALS

# ALS candidates kept per user, so that dropping already-bought items still leaves k.
ALS_CANDIDATES = 20


def _best(user_rows, item_matrix, n):
    """(dense item ids, scores) of each row's best n items, best first; equal scores by id, so runs repeat."""
    scores = user_rows @ item_matrix.T
    best = np.argpartition(scores, -n, axis=1)[:, -n:]
    best_scores = np.take_along_axis(scores, best, axis=1)
    order = np.lexsort((best, -best_scores), axis=1)
    return np.take_along_axis(best, order, axis=1), np.take_along_axis(best_scores, order, axis=1)


def top_items(user_matrix, item_ids, item_matrix, n, chunk=1024):
    """Rows of user factors -> for each, [(product_id, score)] of its best n items, best first.
    numpy releases the GIL while it multiplies and partitions, so chunks run on every driver core."""
    n = min(n, len(item_ids))
    chunks = [user_matrix[start : start + chunk] for start in range(0, len(user_matrix), chunk)]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        for items, scores in pool.map(lambda rows: _best(rows, item_matrix, n), chunks):
            for user_items, user_scores in zip(items.tolist(), scores.tolist()):
                yield [(item_ids[j], score) for j, score in zip(user_items, user_scores)]


def units_by_pair(purchases):
    """(user_id, product_id) -> units bought: the confidence of c = 1 + alpha * units (Hu, Koren, Volinsky)."""
    units = {}
    for p in purchases:
        key = (p.user_id, p.product_id)
        units[key] = units.get(key, 0) + p.quantity
    return units


def factors(frame, count):
    """An ALS factor DataFrame (id, features) -> a float32 matrix whose row i is dense id i."""
    rows = frame.collect()
    matrix = np.zeros((count, len(rows[0]["features"]) if rows else 0), dtype=np.float32)
    for row in rows:
        matrix[row["id"]] = row["features"]
    return matrix


class Model:
    """An implicit ALS model fitted by Spark on the given purchases, its factors kept as numpy."""

    def __init__(self, spark, purchases, rank, reg_param, alpha, max_iter, seed):
        started = time.time()
        units = units_by_pair(purchases)
        # ALS wants int ids; the store's ids are 19-digit strings, so number them 0..n-1 (sorted: repeatable).
        self.user_ids = sorted({u for u, _ in units})
        self.item_ids = sorted({i for _, i in units})
        user_index = {u: n for n, u in enumerate(self.user_ids)}
        item_index = {i: n for n, i in enumerate(self.item_ids)}
        blocks = max(1, min(10, spark.sparkContext.defaultParallelism))
        ratings = spark.createDataFrame(
            [(user_index[u], item_index[i], float(q)) for (u, i), q in units.items()], "u int, i int, units float", verifySchema=False
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
            # Spark's default of 10 blocks means many tiny tasks on a small cluster.
            numUserBlocks=blocks,
            numItemBlocks=blocks,
        )
        model = als.fit(ratings)
        self.user_matrix = factors(model.userFactors, len(self.user_ids))
        self.item_matrix = factors(model.itemFactors, len(self.item_ids))
        self.user_index = user_index
        self.item_index = item_index
        self.fit_seconds = round(time.time() - started, 1)

    def scores_at(self, rows):
        """An (n, 2) array of (user row, item row) of the factor matrices, -1 where the model knows either
        not -> the model's preference for each (0 there)."""
        known = (rows[:, 0] >= 0) & (rows[:, 1] >= 0)
        out = np.zeros(len(rows), dtype=np.float64)
        out[known] = np.einsum("ij,ij->i", self.user_matrix[rows[known, 0]], self.item_matrix[rows[known, 1]])
        return out

    def candidates(self, users):
        """user_id -> [(product_id, score)] best ALS_CANDIDATES first, for the given users the model knows."""
        known = [u for u in users if u in self.user_index]
        rows = self.user_matrix[[self.user_index[u] for u in known]]
        return dict(zip(known, top_items(rows, self.item_ids, self.item_matrix, ALS_CANDIDATES)))
