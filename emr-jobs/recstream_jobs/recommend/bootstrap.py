"""95 % bootstrap intervals over customers, and the paired comparison the promotion rule reads.

Customers are resampled with replacement; a paired difference resamples the same customers for both
models, so what two models share (a hard customer, an easy one) cancels out of the interval.
"""
import numpy as np

RESAMPLES = 1000
SEED = 20200101


def estimate(values, resamples=RESAMPLES, seed=SEED):
    """{mean, low, high}: the mean of per-customer values and its 2.5-97.5 percentile bootstrap interval."""
    values = np.asarray(values, dtype=np.float64)
    if len(values) == 0:
        return {"mean": 0.0, "low": 0.0, "high": 0.0}
    draws = np.random.default_rng(seed).integers(0, len(values), size=(resamples, len(values)))
    means = values[draws].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return {"mean": round(float(values.mean()), 6), "low": round(float(low), 6), "high": round(float(high), 6)}


def paired(challenger, rival, rival_name):
    """The challenger's per-customer NDCG minus the rival's: its interval, and whether it lies above 0."""
    difference = estimate(np.asarray(challenger) - np.asarray(rival))
    return {"rival": rival_name, "ndcg_difference": difference, "wins": difference["low"] > 0}
