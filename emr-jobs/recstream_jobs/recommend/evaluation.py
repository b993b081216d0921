"""Judging every model on data it never saw: rolling windows, a holdout, intervals and the promotion rule.

The time line is cut into `--selection-windows` windows of `--validation-days`, back to back, then the
holdout (the last `--holdout-days`, never used to train or choose). In each period the generators and ALS
see only what was bought before it, and the truth is what customers who had bought before bought in it.
The ranker judged on a period is trained on the periods before it only, so the first window trains and
is not judged. Scores are pooled over the judged windows, each customer of each window once.

The latest months (`--latest-months-days`) are a second unseen split on the same time line: the models of
its last period are built from what was bought before it (its ranker on the windows before it) and judged on
what customers bought in it. It overlaps the holdout, so it is reported and never used to choose.
"""
import datetime
from collections import namedtuple
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .. import metrics, ranking
from ..contract import CONTRACT, TOP_K
from ..progress import progress
from . import bootstrap, features, ranker
from . import generators as G
from .als import Model
from .candidates import before, epoch, truth_after

log = progress("recommend")
MODELS = tuple(CONTRACT["recommender"]["models"])
BASELINES = tuple(ranking.POLICIES)
FIRST_SERVED = "repeat"
RULE = (
    "A challenger replaces the served model only when its per-customer NDCG@3 minus the served model's, "
    "pooled over the judged rolling windows, has a 95 %% bootstrap interval above 0 (%d resamples of "
    "customers); of several, the highest mean wins. The first run starts from 'repeat' (just repeats). "
    "A pinned model is served whatever the numbers say." % bootstrap.RESAMPLES
)

# One period's candidates: the history at its start, truth after it, the candidate table and the ALS fit time.
Period = namedtuple("Period", "start end history truth keys x y lists fit_seconds")
# The Spark fits (ALS, the ranker) run this many at a time in a pool beside the driver's Python work
# (candidate tables, lists), which holds one core: a fit is a chain of small Spark jobs that leaves
# cores idle between them, so fits and the driver's work overlap instead of taking turns.
FITS_AT_ONCE = 2


def fit_pool():
    return ThreadPoolExecutor(max_workers=FITS_AT_ONCE)


def time_split(dated, holdout_days, validation_days, windows):
    """(windows [(start, end)] oldest first, (holdout start, end)), naive UTC datetimes."""
    if not dated:
        raise SystemExit("recommend: no dated purchases by known customers, nothing to evaluate")
    last = datetime.datetime.utcfromtimestamp(max(p.ts for p in dated))
    end = last + datetime.timedelta(seconds=1)
    holdout_start = (last - datetime.timedelta(days=holdout_days)).replace(hour=0, minute=0, second=0, microsecond=0)
    step = datetime.timedelta(days=validation_days)
    starts = [holdout_start - step * i for i in range(windows, 0, -1)]
    return [(s, s + step) for s in starts], (holdout_start, end)


def als_model(spark, purchases, args):
    return Model(spark, purchases, args.rank, args.reg_param, args.alpha, args.max_iter, args.seed) if purchases else None


def period_models(spark, dated, bounds, args, pool):
    """(start, end) -> the future of the ALS model fitted on what was bought before `start`, or None when no
    customer bought both before and in the period. Periods sharing a start share one fit."""
    fits, models = {}, {}
    for start, end in bounds:
        earlier = before(dated, epoch(start))
        if truth_after(dated, {p.user_id for p in earlier}, epoch(start), epoch(end)):
            if start not in fits:
                fits[start] = pool.submit(als_model, spark, earlier, args)
            models[(start, end)] = fits[start]
        else:
            models[(start, end)] = None
    return models


def period(spark, dated, start, end, fit):
    """A period's candidates and truth; `fit` is the future of its ALS model (None: no model), awaited once
    everything that needs no ALS is built."""
    history = G.History(dated, epoch(start))
    truth = truth_after(dated, set(history.own), epoch(start), epoch(end))
    users = sorted(truth)
    base = features.base_table(history, users)
    model = fit.result() if fit else None
    keys, x, lists = features.with_als(base, model, model.candidates(users) if model else {})
    y = np.array([1 if product in truth[user] else 0 for user, product, _ in keys], dtype=np.int8)
    log("period [%s, %s): %d customers bought before and in it, %d candidates (%d bought), ALS fit %.1fs"
        % (start.date(), end.date(), len(users), len(keys), int(y.sum()), model.fit_seconds if model else 0.0))
    return Period(start, end, history, truth, keys, x, y, lists, model.fit_seconds if model else 0.0)


def span(p):
    """A period's bounds as the run record writes them."""
    return {"start": p.start.isoformat() + "Z", "end": p.end.isoformat() + "Z"}


def ranked_lists(keys, x, fitted):
    """user -> the ranker's top-k Items from a candidate table (features.with_als)."""
    scores = fitted.score(x).tolist() if len(keys) else []
    per_user = {}
    for (user, product, generators), score in zip(keys, scores):
        per_user.setdefault(user, []).append((product, score, generators))
    return {user: ranking.ranked_list(rows, G.source_of, TOP_K) for user, rows in per_user.items()}


def model_lists(p, fitted):
    """model -> user -> top-k Items, every baseline and (when fitted) the ranker."""
    lists = {name: {u: ranking.policy_list(name, p.lists[u], TOP_K) for u in p.truth} for name in BASELINES}
    if fitted is not None:
        lists["ranker"] = ranked_lists(p.keys, p.x, fitted)
    return lists


def per_customer(lists, truth):
    """(recall, ndcg) arrays over sorted(truth)."""
    users = sorted(truth)
    ranked = [[i.product_id for i in lists.get(u, [])] for u in users]
    return (np.array([metrics.recall_at_k(r, truth[u], TOP_K) for r, u in zip(ranked, users)]),
            np.array([metrics.ndcg_at_k(r, truth[u], TOP_K) for r, u in zip(ranked, users)]))


def score(values):
    recall, ndcg = values
    return {"users": len(recall), "recall": bootstrap.estimate(recall), "ndcg": bootstrap.estimate(ndcg)}


def versus(values, challenger="ranker"):
    return [bootstrap.paired(values[challenger][1], values[rival][1], rival) for rival in BASELINES if challenger in values]


def by_source(lists, truth):
    """Per generator: cards served to the judged customers and how many of them the customer then bought."""
    counts = {}
    for user, items in lists.items():
        for item in items:
            entry = counts.setdefault(item.origin, {"served": 0, "hits": 0})
            entry["served"] += 1
            entry["hits"] += int(item.product_id in truth.get(user, ()))
    return counts


def stack(periods):
    if not periods:
        return np.zeros((0, len(features.NAMES))), np.zeros(0, dtype=np.int8)
    return np.vstack([p.x for p in periods]), np.concatenate([p.y for p in periods])


def judged(p, fitted):
    """One period's (entry with every model's score, per-customer values, each model's lists)."""
    lists = model_lists(p, fitted)
    values = {name: per_customer(lists[name], p.truth) for name in lists}
    return {**span(p), "users": len(p.truth), "models": {name: score(v) for name, v in values.items()}}, values, lists


def unseen(p, fitted):
    """A split no model saw: every model's score, the ranker against each rival and cards by source per model
    (a window's are pooled instead); empty when no customer bought both before and in it."""
    if not p.truth:
        return {**span(p), "users": 0, "models": {}, "ranker_vs": [], "by_source": {}}
    entry, values, lists = judged(p, fitted.result())
    return {**entry, "ranker_vs": versus(values), "by_source": {name: by_source(l, p.truth) for name, l in lists.items()}}


def evaluate(spark, dated, args, pool):
    """Every model on every judged window, the holdout and the latest months; returns (evaluation dict, the
    ranker to serve). `pool` (fit_pool) fits each period's ALS and the rankers while the driver builds the
    periods' candidates."""
    windows, holdout = time_split(dated, args.holdout_days, args.validation_days, args.selection_windows)
    bounds = windows + [holdout]
    # The latest months: the last --latest-months-days, with rankers trained on the windows before them, as a
    # store meets the months after its last run. Its windows mostly coincide with the others (same bounds,
    # same period) and its last period starts where a window does (same ALS fit).
    latest_windows, latest = time_split(dated, args.latest_months_days, args.validation_days, args.selection_windows)
    latest_bounds = latest_windows + [latest]
    models = period_models(spark, dated, bounds + [b for b in latest_bounds if b not in bounds], args, pool)
    built, rankers = {}, {}

    def periods_of(chain):
        for start, end in chain:
            if (start, end) not in built:
                built[(start, end)] = period(spark, dated, start, end, models[(start, end)])
        return [built[b] for b in chain]

    def ranker_before(chain, i):
        """The ranker for the i-th period of a chain: trained on the chain's periods before it."""
        earlier = tuple(chain[:i])
        if earlier not in rankers:
            rankers[earlier] = pool.submit(ranker.fit, spark, *stack([built[b] for b in earlier]), seed=args.seed)
        return rankers[earlier]

    for i, bound in enumerate(bounds):
        # Each ranker is submitted as soon as its periods are built, so it fits while the next tables are built.
        if periods_of([bound])[0].truth and i > 0:
            ranker_before(bounds, i)
    serving_ranker = pool.submit(ranker.fit, spark, *stack(periods_of(bounds)), seed=args.seed)
    last = periods_of(latest_bounds)[-1]
    latest_ranker = ranker_before(latest_bounds, len(latest_bounds) - 1) if last.truth else None
    judged_windows, pooled = [], {}
    for i, p in enumerate(periods_of(bounds)[1:-1], start=1):
        if not p.truth:
            continue
        entry, values, _ = judged(p, rankers[tuple(bounds[:i])].result())
        judged_windows.append(entry)
        for name, (recall, ndcg) in values.items():
            old = pooled.get(name, (np.zeros(0), np.zeros(0)))
            pooled[name] = (np.concatenate([old[0], recall]), np.concatenate([old[1], ndcg]))
    held = built[holdout]
    # A model missing from a window (no ranker without earlier positives) is not pooled against the others.
    complete = {name: v for name, v in pooled.items() if len(v[0]) == sum(w["users"] for w in judged_windows)}
    return {
        "windows": judged_windows,
        "window_mean": {name: score(v) for name, v in complete.items()},
        "ranker_vs": versus(complete),
        "pooled": complete,
        "holdout": unseen(held, rankers.get(tuple(bounds[:-1]))),
        "latest_months": unseen(last, latest_ranker),
        "als_fit_seconds": [built[b].fit_seconds for b in bounds],
    }, serving_ranker.result()


def choose(evaluation, previous, pin, ranker_available):
    """(served model, the sentence saying why) by RULE."""
    if pin:
        return pin, "Pinned by the operator (--pin %s)." % pin
    incumbent = previous if previous in MODELS and (previous != "ranker" or ranker_available) else FIRST_SERVED
    pooled = evaluation["pooled"]
    if incumbent not in pooled:
        return incumbent, "No judged window had customers who bought before and in it: %s serves until one does." % incumbent
    winners = []
    for name, (_, ndcg) in pooled.items():
        if name != incumbent and (name != "ranker" or ranker_available):
            test = bootstrap.paired(ndcg, pooled[incumbent][1], incumbent)
            if test["wins"]:
                winners.append((test["ndcg_difference"]["mean"], name, test))
    if not winners:
        return incumbent, "No challenger beat %s by more than the 95 %% interval on the rolling windows." % incumbent
    _, name, test = max(winners)
    d = test["ndcg_difference"]
    return name, "Beat %s on the rolling windows: NDCG@3 +%.4f [%.4f, %.4f], the 95 %% interval above 0." % (incumbent, d["mean"], d["low"], d["high"])
