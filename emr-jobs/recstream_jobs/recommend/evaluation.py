"""The time split, the grid search on the validation window and the holdout measurement."""
import datetime

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from .. import metrics, ranking
from ..contract import TOP_K
from ..progress import progress
from .als import Model
from .candidates import collect_candidates, collect_seen, evaluate_policies, popular

log = progress("recommend")
# Served when the data cannot measure policies: the best on the real data (README).
DEFAULT_POLICY = "repeat_then_als"
GRIDS = {
    # (rank, regParam, alpha): small on purpose, the whole run must stay within minutes on 2 cores.
    "small": [(16, 0.1, 10.0), (48, 0.5, 10.0), (48, 0.5, 40.0)],
    "none": [],
}


def split_window(bought: DataFrame, start, end):
    """(training purchases before start, truth: user -> products bought in [start, end))."""
    before = bought.filter(F.col("event_time") < F.lit(start))
    during = bought.filter((F.col("event_time") >= F.lit(start)) & (F.col("event_time") < F.lit(end)))
    active = during.select("user_id").distinct().join(before.select("user_id").distinct(), "user_id")
    truth = {}
    for r in during.join(active, "user_id").select("user_id", "product_id").distinct().collect():
        truth.setdefault(r["user_id"], set()).add(r["product_id"])
    return before, active, truth

def time_split(bought: DataFrame, holdout_days, validation_days):
    last = bought.agg(F.max("event_time")).first()[0]
    if last is None:
        raise SystemExit("recommend: no dated purchases by known users, nothing to evaluate")
    end = last + datetime.timedelta(seconds=1)
    holdout_start = (last - datetime.timedelta(days=holdout_days)).replace(hour=0, minute=0, second=0, microsecond=0)
    validation_start = holdout_start - datetime.timedelta(days=validation_days)
    return validation_start, holdout_start, end

def grid_search(dated, args, validation_start, holdout_start):
    train, active, truth = split_window(dated, validation_start, holdout_start)
    popular_list = popular(dated, validation_start, args.popular_days)
    log("validation: %d users active before and during [%s, %s)" % (len(truth), validation_start, holdout_start))
    settings = GRIDS[args.grid] or [(args.rank, args.reg_param, args.alpha)]
    if not truth:
        # Too little history to measure anything (e.g. a store with a few weeks of data).
        chosen = {"rank": args.rank, "reg_param": args.reg_param, "alpha": args.alpha, "max_iter": args.max_iter}
        return {"validation_users": 0, "grid": [], "chosen": {**chosen, "policy": DEFAULT_POLICY, "by": "default: no user bought both before and during validation"}}
    train = train.persist()
    seen = collect_seen(train, active)
    results = []
    for rank, reg_param, alpha in settings:
        model = Model(train, rank, reg_param, alpha, args.max_iter, args.seed)
        scores = evaluate_policies(collect_candidates(model, active, seen, popular_list), truth, ranking.POLICIES, TOP_K)
        model.release()
        results.append({"rank": rank, "reg_param": reg_param, "alpha": alpha, "max_iter": args.max_iter, "fit_seconds": model.fit_seconds, "validation": scores})
        log("rank=%d reg=%.2f alpha=%.0f fit %.1fs: %s" % (rank, reg_param, alpha, model.fit_seconds, {p: s["ndcg"] for p, s in scores.items()}))
    train.unpersist()
    best = max(
        ((r, p) for r in results for p in ranking.POLICIES),
        key=lambda rp: (rp[0]["validation"][rp[1]]["ndcg"], rp[0]["validation"][rp[1]]["recall"]),
    )
    setting, policy = best
    chosen = {k: setting[k] for k in ("rank", "reg_param", "alpha", "max_iter")}
    return {"validation_users": len(truth), "grid": results, "chosen": {**chosen, "policy": policy, "by": "validation ndcg@3, then recall@3"}}

def holdout_metrics(dated, chosen, args, holdout_start, end):
    train, active, truth = split_window(dated, holdout_start, end)
    if not truth:
        log("holdout: no user bought both before and during it, nothing to measure")
        return {"holdout_users": 0, "metrics": {}}
    popular_list = popular(dated, holdout_start, args.popular_days)
    model = Model(train, chosen["rank"], chosen["reg_param"], chosen["alpha"], chosen["max_iter"], args.seed)
    candidates = collect_candidates(model, active, collect_seen(train, active), popular_list)
    model.release()
    scores = evaluate_policies(candidates, truth, ranking.POLICIES, TOP_K)
    served = {u: [i.product_id for i in ranking.serve(chosen["policy"], c, TOP_K)] for u, c in candidates.items()}
    scores["served"] = metrics.evaluate(served, truth, TOP_K)
    log("holdout: %d users; served %s vs popular %s" % (len(truth), scores["served"], scores["popular"]))
    return {"holdout_users": len(truth), "fit_seconds": model.fit_seconds, "metrics": scores}
