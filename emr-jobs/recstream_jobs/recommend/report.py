"""The run record (contract/recommender.ts RecommenderRun), also written as serving/metrics.json."""
from .candidates import iso
from .evaluation import RULE


def run_record(args, bought, evaluation, served, reason, fitted, serving, seconds):
    dated = [p.ts for p in bought if p.ts is not None]
    # Per generator: the cards the served model showed each unseen split's customers and how many they bought.
    unseen = {key: {**evaluation[key], "by_source": evaluation[key]["by_source"].get(served, {})} for key in ("holdout", "latest_months")}
    return {
        "data_span": {"first": iso(min(dated)) if dated else None, "last": iso(max(dated)) if dated else None,
                      "customers": len({p.user_id for p in bought}), "line_items": len(bought)},
        "served": {"model": served, "reason": reason, "pinned": bool(args.pin)},
        "rule": RULE,
        "windows": evaluation["windows"],
        "window_mean": evaluation["window_mean"],
        "ranker_vs": evaluation["ranker_vs"],
        **unseen,
        "als": {"rank": args.rank, "reg_param": args.reg_param, "alpha": args.alpha, "max_iter": args.max_iter,
                "fit_seconds": evaluation["als_fit_seconds"] + ([serving["als_fit_seconds"]] if serving["als_fit_seconds"] else [])},
        "ranker": None if fitted is None else {"family": fitted.family, "params": fitted.params, "features": list(fitted.names),
                                               "train_rows": fitted.train_rows, "fit_seconds": fitted.fit_seconds},
        "serving": {k: v for k, v in serving.items() if k != "als_fit_seconds"},
        "seconds": seconds,
    }
