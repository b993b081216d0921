"""The time split, the policy/setting choice on rolling windows and the holdout measurement.

Selection is a rolling time split: `--selection-windows` windows of `--validation-days` each,
back to back, ending where the holdout starts. Every window trains on everything before it and
scores every policy on the users who bought both before and inside it; the choice is the best
mean over all windows (each user of each window counts once), so it has to hold on several
months, not one. The holdout (the last `--holdout-days`) is never used to choose.
"""
import datetime

from .. import metrics, ranking
from ..contract import TOP_K
from ..progress import progress
from .als import Model
from .candidates import category_popular, evaluate_policies, histories, popular, split_window, user_candidates

log = progress("recommend")
# Served when the data cannot measure policies: the best on the real data's rolling split (README).
DEFAULT_POLICY = "repeat_then_category"
GRIDS = {
    # (rank, regParam, alpha): small on purpose, each setting is one ALS fit per selection window.
    "small": [(16, 0.1, 10.0), (48, 0.5, 10.0), (48, 0.5, 40.0)],
    "none": [],
}


def time_split(dated, holdout_days, validation_days, windows):
    """(selection windows [(start, end)] oldest first, holdout start, end of data), naive UTC datetimes."""
    if not dated:
        raise SystemExit("recommend: no dated purchases by known users, nothing to evaluate")
    last = datetime.datetime.utcfromtimestamp(max(p.ts for p in dated))
    end = last + datetime.timedelta(seconds=1)
    holdout_start = (last - datetime.timedelta(days=holdout_days)).replace(hour=0, minute=0, second=0, microsecond=0)
    step = datetime.timedelta(days=validation_days)
    starts = [holdout_start - step * i for i in range(windows, 0, -1)]
    return [(s, s + step) for s in starts], holdout_start, end

def window_candidates(spark, dated, start, end, args, settings):
    """Truth and each setting's candidates for one window: ALS fits only for the settings given."""
    train, truth = split_window(dated, start, end)
    if not truth:
        return truth, {}, []
    history = histories(train, truth)
    popular_list, by_category = popular(dated, start, args.popular_days), category_popular(dated, start)
    by_setting, fits = {}, []
    for rank, reg_param, alpha in settings or [None]:
        model = Model(spark, train, rank, reg_param, alpha, args.max_iter, args.seed) if rank else None
        als = model.candidates(truth) if model else {}
        by_setting[(rank, reg_param, alpha)] = user_candidates(history, als, popular_list, by_category)
        if model:
            fits.append(model.fit_seconds)
    return truth, by_setting, fits

def mean_over_windows(scored):
    """[(metrics of one window)] -> user-weighted means (a user of each window counts once)."""
    users = sum(m["users"] for m in scored)
    if not users:
        return {"users": 0, **{name: 0.0 for name in metrics.METRICS}}
    return {"users": users, **{name: round(sum(m[name] * m["users"] for m in scored) / users, 6) for name in metrics.METRICS}}

def choose(spark, dated, args, windows):
    """Scores every (ALS setting, policy) on every selection window; the best mean NDCG@3 (then recall@3) wins."""
    settings = GRIDS[args.grid] or [(args.rank, args.reg_param, args.alpha)]
    per_window, scores = [], {s: {p: [] for p in ranking.POLICIES} for s in settings}
    for start, end in windows:
        truth, by_setting, fits = window_candidates(spark, dated, start, end, args, settings)
        log("selection window [%s, %s): %d users active before and during, ALS fits %s s" % (start, end, len(truth), fits))
        window = {"start": start.isoformat() + "Z", "end": end.isoformat() + "Z", "users": len(truth), "als_fit_seconds": fits, "policies": {}}
        for setting, candidates in by_setting.items():
            for policy, m in evaluate_policies(candidates, truth, ranking.POLICIES, TOP_K).items():
                scores[setting][policy].append(m)
                window["policies"].setdefault(policy, {})["rank=%d reg=%g alpha=%g" % setting] = m
        per_window.append(window)
    grid = [
        {"rank": s[0], "reg_param": s[1], "alpha": s[2], "max_iter": args.max_iter, "selection": {p: mean_over_windows(ms) for p, ms in by_policy.items()}}
        for s, by_policy in scores.items()
    ]
    users = sum(w["users"] for w in per_window)
    if not users:
        # Too little history to measure anything (e.g. a store with a few weeks of data).
        chosen = {"rank": args.rank, "reg_param": args.reg_param, "alpha": args.alpha, "max_iter": args.max_iter}
        return {"validation_users": 0, "windows": per_window, "grid": [], "chosen": {**chosen, "policy": DEFAULT_POLICY, "by": "default: no user bought both before and during a selection window"}}
    setting, policy = max(
        ((g, p) for g in grid for p in ranking.POLICIES),
        key=lambda gp: (gp[0]["selection"][gp[1]]["ndcg"], gp[0]["selection"][gp[1]]["recall"]),
    )
    chosen = {k: setting[k] for k in ("rank", "reg_param", "alpha", "max_iter")}
    by = "mean ndcg@3 (then recall@3) over %d rolling selection windows" % len(windows)
    return {"validation_users": users, "windows": per_window, "grid": grid, "chosen": {**chosen, "policy": policy, "by": by}}

def holdout_metrics(spark, dated, chosen, args, holdout_start, end):
    """Every policy and the served list on the holdout, the chosen setting retrained before it."""
    setting = (chosen["rank"], chosen["reg_param"], chosen["alpha"])
    truth, by_setting, fits = window_candidates(spark, dated, holdout_start, end, args, [setting])
    if not truth:
        log("holdout: no user bought both before and during it, nothing to measure")
        return {"holdout_users": 0, "metrics": {}}
    candidates = by_setting[setting]
    scores = evaluate_policies(candidates, truth, ranking.POLICIES, TOP_K)
    served = {u: [i.product_id for i in ranking.serve(chosen["policy"], c, TOP_K)] for u, c in candidates.items()}
    scores["served"] = metrics.evaluate(served, truth, TOP_K)
    log("holdout: %d users; served %s vs popular %s" % (len(truth), scores["served"], scores["popular"]))
    return {"holdout_users": len(truth), "fit_seconds": fits[0], "metrics": scores}
