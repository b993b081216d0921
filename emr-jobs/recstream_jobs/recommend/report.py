"""The run record (contract/recommender.ts RecommenderRun), also written as serving/metrics.json."""
from . import cadence
from .candidates import iso
from .evaluation import RULE


def data_span(bought):
    dated = [p.ts for p in bought if p.ts is not None]
    return {"first": iso(min(dated)) if dated else None, "last": iso(max(dated)) if dated else None,
            "customers": len({p.user_id for p in bought}), "line_items": len(bought)}


def ranker_fields(fitted):
    if fitted is None:
        return None
    return {"family": fitted.family, "params": fitted.params, "features": list(fitted.names), "train_rows": fitted.train_rows,
            "fit_seconds": fitted.fit_seconds, "coefficients": fitted.coefficients.tolist(), "intercept": fitted.intercept}


def judged_fields(evaluation, served, reason, args, fitted, why, data_last):
    """What a fresh evaluation gives the run record (cadence.JUDGED and `evaluation`, whose run_id record_run fills)."""
    # Per generator: the cards the served model showed each unseen split's customers and how many they bought.
    unseen = {key: {**evaluation[key], "by_source": evaluation[key]["by_source"].get(served, {})} for key in ("holdout", "latest_months")}
    return {
        "served": {"model": served, "reason": reason, "pinned": bool(args.pin)},
        "windows": evaluation["windows"],
        "window_mean": evaluation["window_mean"],
        "ranker_vs": evaluation["ranker_vs"],
        **unseen,
        "ranker": ranker_fields(fitted),
        "evaluation": {"run_id": None, "data_last": data_last, "fresh": True, "reason": why, "settings": cadence.settings(args)},
    }


def run_record(args, span, judged, als_fit_seconds, serving, seconds):
    return {
        "data_span": span,
        "rule": RULE,
        **judged,
        "als": {"rank": args.rank, "reg_param": args.reg_param, "alpha": args.alpha, "max_iter": args.max_iter, "fit_seconds": als_fit_seconds},
        "serving": serving,
        "seconds": seconds,
    }
