"""metrics.json: the split, the grid, the choice, the holdout scores and the serving counts."""
from ..contract import TOP_K


def metrics_document(split, args, selection, holdout, by_source, serving_fit_seconds, seconds):
    validation_start, holdout_start, end = split
    return {
        "k": TOP_K,
        "split": {
            "validation_start": validation_start.isoformat() + "Z",
            "holdout_start": holdout_start.isoformat() + "Z",
            "end": end.isoformat() + "Z",
            "holdout_days": args.holdout_days,
            "validation_days": args.validation_days,
            "selection_windows": args.selection_windows,
            "evaluated_users": "known users who bought both before and inside the window",
        },
        **selection,
        "holdout": holdout,
        # Every known user plus the fallback line.
        "serving": {"users": sum(by_source.values()) - 1, "by_source": by_source, "fit_seconds": serving_fit_seconds},
        "seconds": seconds,
    }
