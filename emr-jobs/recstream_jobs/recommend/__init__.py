"""recommend: curated purchases -> top-3 per user (implicit ALS + measured repeat/popular policy).

Every run (README "recommend"):
1. Time split on the dated purchases of known users: the last --holdout-days are the
   holdout, the --validation-days before them the validation window (evaluation.py).
2. Selection on rolling windows (--selection-windows of --validation-days before the holdout):
   for each window and ALS setting (als.py), train on everything before the window and score
   every policy of ranking.POLICIES on users active in both periods (candidates.py); the best
   mean NDCG@3 over the windows picks the ALS setting and the policy together.
3. Holdout: retrain the chosen setting on everything before the holdout and report
   precision/recall/NDCG/hit-rate@3 for ALS, the baselines and the served list.
4. Serving: on all purchases (undated ones too; ALS retrained only if the chosen policy uses
   it), write one line per user, the popularity fallback (serving.py) and metrics.json (report.py).
"""
import time

from pyspark.sql import SparkSession

from ..contract import ALS_DEFAULTS
from ..io import write_json
from ..progress import progress
from .candidates import category_popular, collect_purchases, popular
from .evaluation import GRIDS, choose, holdout_metrics, time_split
from .report import metrics_document
from .serving import fallback_line, product_details, serve_all, serving_path, write_served

log = progress("recommend")


def run(spark: SparkSession, args):
    return recommend(spark, spark.read.parquet(args.input), args)


def recommend(spark: SparkSession, curated, args):
    """The run on curated line items already read (the pipeline job hands over clean's cached ones)."""
    started = time.time()
    bought = collect_purchases(curated)
    dated = [p for p in bought if p.ts is not None]
    log("%d line items of known users collected, %d of them dated" % (len(bought), len(dated)))
    windows, holdout_start, end = time_split(dated, args.holdout_days, args.validation_days, args.selection_windows)
    log("split: %d selection windows from %s, holdout from %s to %s" % (len(windows), windows[0][0], holdout_start, end))
    selection = choose(spark, dated, args, windows)
    log("chosen %s" % selection["chosen"])
    holdout = holdout_metrics(spark, dated, selection["chosen"], args, holdout_start, end)

    popular_list = popular(dated, end, args.popular_days)
    details = product_details(curated)
    model, lines = serve_all(spark, bought, details, selection["chosen"], args, popular_list, category_popular(dated, end))
    by_source = write_served(spark, lines + [fallback_line(details, popular_list)], args.output)
    split = (windows[0][0], holdout_start, end)
    document = metrics_document(split, args, selection, holdout, by_source, model.fit_seconds if model else 0.0, round(time.time() - started, 1))
    write_json(spark, serving_path(args.output, "metricsKey"), document)
    log("wrote %d users' recommendations, fallback and metrics under %s in %.0fs" % (document["serving"]["users"], args.output, document["seconds"]))
    return document


def add_arguments(parser):
    # Defaults are contract/pipeline.ts's ALS_DEFAULTS, which the deployed step plan passes too.
    parser.add_argument("--input", required=True, help="curated Parquet (<lake>/curated/purchases/)")
    parser.add_argument("--output", required=True, help="serving folder (<lake>/serving/); writes recommendations/, fallback.json, metrics.json")
    add_model_arguments(parser)


def add_model_arguments(parser):
    """The evaluation and ALS options (the pipeline job takes them too)."""
    als = ALS_DEFAULTS
    parser.add_argument("--holdout-days", type=int, default=als["holdoutDays"], help="last days held out for the reported metrics (default %(default)s)")
    parser.add_argument("--validation-days", type=int, default=als["validationDays"], help="days of each selection window (default %(default)s)")
    parser.add_argument("--selection-windows", type=int, default=als["selectionWindows"], help="rolling windows before the holdout that choose the policy and setting (default %(default)s)")
    parser.add_argument("--rank", type=int, default=als["rank"], help="ALS rank when --grid none (default %(default)s)")
    parser.add_argument("--reg-param", type=float, default=float(als["regParam"]), help="ALS regParam when --grid none (default %(default)s)")
    parser.add_argument("--alpha", type=float, default=float(als["alpha"]), help="ALS confidence alpha when --grid none (default %(default)s)")
    parser.add_argument("--popular-days", type=int, default=30, help="window of the popularity list (default 30)")
    parser.add_argument("--max-iter", type=int, default=als["maxIter"], help="ALS iterations (default %(default)s)")
    parser.add_argument("--grid", choices=sorted(GRIDS), default=als["grid"], help="small: search rank/regParam/alpha; none: use the flags")
    parser.add_argument("--seed", type=int, default=42)


def main(spark: SparkSession, args):
    return run(spark, args)
