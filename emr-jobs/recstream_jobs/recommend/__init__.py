"""recommend: curated purchases -> every known customer's top-3, chosen by a learned ranker over candidate
generators, judged on data it never saw (README "recommend").

Every run:
1. Candidates (generators.py): the customer's own products, co-purchases, implicit ALS (Spark ML), best
   sellers of the customer's categories and of the store, each with the evidence a card states.
2. Evaluation (evaluation.py): rolling windows before a holdout; in each, everything is built from what was
   bought before it; the ranker (ranker.py, Spark ML logistic regression over features.py) judged on a
   window is trained on earlier windows only. Every model gets recall/NDCG@3 with 95 % bootstrap intervals.
   A run within --evaluate-every-days of the last evaluation keeps it instead (cadence.py).
3. Choice: the promotion rule (evaluation.RULE) against the last run's served model (history.py), or a pin.
4. Serving (serving.py): every known customer's line, the fallback, item-to-item lists (similar.py), the run
   record (serving/metrics.json and serving/recommender/runs/<id>.json) and the history.
"""
import gc
import time

from pyspark.sql import SparkSession

from ..contract import ALS_DEFAULTS, CONTRACT
from ..io import write_json
from ..progress import progress
from . import cadence
from . import history as runs
from .candidates import collect_purchases
from .evaluation import als_model, choose, evaluate, fit_pool
from .report import data_span, judged_fields, run_record
from .serving import cards_by_source, fallback_line, needs_als, product_details, serve_all, serving_history, serving_path, write_served
from .similar import similar_lists, write_similar

log = progress("recommend")
COLLABORATIVE = ("als", "copurchase")


def run(spark: SparkSession, args):
    return recommend(spark, spark.read.parquet(args.input), args)


def recommend(spark: SparkSession, curated, args):
    """The run on curated line items already read (the pipeline job hands over the lake's)."""
    # The run builds millions of small tuples and lists (~2M candidates on the real data) and frees them by
    # reference counting; none form cycles, so Python's cycle collector only re-scans them, again and again:
    # off, the serving's candidate table took 37 s instead of 56 s on the real data.
    gc.disable()
    try:
        return _recommend(spark, curated, args)
    finally:
        gc.enable()


def _recommend(spark: SparkSession, curated, args):
    started = time.time()
    bought = collect_purchases(curated)
    log("%d line items of known customers collected, %d of them dated" % (len(bought), sum(1 for p in bought if p.ts is not None)))
    past_runs = runs.read_history(spark, args.output)
    span = data_span(bought)
    kept, why = cadence.kept_evaluation(runs.last_run(spark, args.output, past_runs), args, span, runs.code_version())
    log(why)
    with fit_pool() as pool:
        # The Spark work serving needs starts first and runs beside the evaluation: ALS on every purchase
        # (unless the served model or a pin rules ALS out) and each product's details.
        known = kept["served"]["model"] if kept else args.pin
        serving_als = pool.submit(als_model, spark, bought, args) if known is None or needs_als(known) else None
        details = pool.submit(product_details, curated)
        if kept is None:
            judged, fitted, evaluation_fits = judge(spark, bought, args, pool, runs.served_before(past_runs), why, span["last"])
        else:
            judged, fitted, evaluation_fits = cadence.kept_judgement(kept, why), cadence.kept_ranker(kept), []
        served = judged["served"]["model"]
        log("serving %s: %s" % (served, judged["served"]["reason"]))
        # What serving needs besides ALS is built while the serving fit runs (a kept evaluation leaves the
        # driver nothing else to do meanwhile): the serving history, the item-to-item lists and the candidates.
        bought_before, details = serving_history(bought), details.result()
        similar = write_similar(spark, serving_path(args.output, "similarPrefix"), similar_lists(bought, bought_before, details))
        lines, als_fit = serve_all(bought_before, details, served, fitted, serving_als if needs_als(served) else None)
    fallback = fallback_line(details, bought_before)
    write_served(spark, lines, fallback, args.output)
    serving = {
        "users": len(lines),
        "cards_by_source": {**cards_by_source(lines), "fallback": len(fallback["recommendations"])},
        "users_with_collaborative": sum(1 for line in lines if any(i["source"] in COLLABORATIVE for i in line["recommendations"])),
        "products_with_similar": similar,
    }
    fit_seconds = evaluation_fits + ([als_fit] if als_fit else [])
    record = run_record(args, span, judged, fit_seconds, serving, round(time.time() - started, 1))
    run = runs.record_run(spark, args.output, past_runs, record)
    write_json(spark, serving_path(args.output, "metricsKey"), run)
    log("run %s: %d customers' lists (%s), %d products with similar lists, in %.0fs"
        % (run["run_id"], len(lines), ", ".join("%s %d" % kv for kv in sorted(serving["cards_by_source"].items())), similar, run["seconds"]))
    return run


def judge(spark, bought, args, pool, incumbent, why, data_last):
    """Every model judged on the windows and splits: (the run record's judged fields, the ranker to serve, the
    evaluation's ALS fit seconds)."""
    evaluation, fitted = evaluate(spark, [p for p in bought if p.ts is not None], args, pool)
    served, reason = choose(evaluation, incumbent, args.pin, fitted is not None)
    return judged_fields(evaluation, served, reason, args, fitted, why, data_last), fitted, evaluation["als_fit_seconds"]


def add_arguments(parser):
    # Defaults are contract/pipeline.ts's ALS_DEFAULTS, which the deployed step plan passes too.
    parser.add_argument("--input", required=True, help="curated Parquet (<lake>/curated/purchases/)")
    parser.add_argument("--output", required=True, help="serving folder (<lake>/serving/); writes recommendations/, fallback.json, metrics.json, recommender/, similar/")
    add_model_arguments(parser)


def add_model_arguments(parser):
    """The evaluation, ALS and serving options (the pipeline job takes them too)."""
    als = ALS_DEFAULTS
    parser.add_argument("--holdout-days", type=int, default=als["holdoutDays"], help="last days held out, never used to train or choose (default %(default)s)")
    parser.add_argument("--validation-days", type=int, default=als["validationDays"], help="days of each rolling window (default %(default)s)")
    parser.add_argument("--latest-months-days", type=int, default=als["latestMonthsDays"], help="last days of the latest-months split: models trained before them, judged on them, reported only (default %(default)s)")
    parser.add_argument("--selection-windows", type=int, default=als["selectionWindows"], help="rolling windows before the holdout; the first only trains the ranker (default %(default)s)")
    parser.add_argument("--rank", type=int, default=als["rank"], help="ALS rank (default %(default)s)")
    parser.add_argument("--reg-param", type=float, default=float(als["regParam"]), help="ALS regParam (default %(default)s)")
    parser.add_argument("--alpha", type=float, default=float(als["alpha"]), help="ALS confidence alpha (default %(default)s)")
    parser.add_argument("--max-iter", type=int, default=als["maxIter"], help="ALS iterations (default %(default)s)")
    parser.add_argument("--pin", choices=CONTRACT["recommender"]["models"], help="serve this model whatever the evaluation says")
    parser.add_argument("--evaluate-every-days", type=int, default=als["evaluateEveryDays"],
                        help="serve with the last run's evaluation while the purchases reach at most this many days past it; 0 judges every run (default %(default)s)")
    parser.add_argument("--evaluate", action="store_true", help="judge every model tonight whatever --evaluate-every-days allows")
    parser.add_argument("--seed", type=int, default=42)


def main(spark: SparkSession, args):
    return run(spark, args)
