"""recommend: curated purchases -> top-3 per user (implicit ALS + measured repeat/popular policy).

Every run (README "recommend"):
1. Time split on the dated purchases of known users: the last --holdout-days are the
   holdout, the --validation-days before them the validation window (evaluation.py).
2. Grid: for each ALS setting (als.py), train on everything before the validation window and
   score every policy of ranking.POLICIES on users active in both periods (candidates.py); the
   best validation NDCG@3 picks the ALS setting and the policy together.
3. Holdout: retrain the chosen setting on everything before the holdout and report
   precision/recall/NDCG/hit-rate@3 for ALS, the baselines and the served list.
4. Serving: retrain on all purchases (undated ones too), write one line per user, the
   popularity fallback (serving.py) and metrics.json (report.py).
"""
import time

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from ..contract import ALS_DEFAULTS
from ..io import write_json
from ..progress import progress
from .candidates import popular, purchases
from .evaluation import GRIDS, grid_search, holdout_metrics, time_split
from .report import metrics_document
from .serving import fallback_row, product_details, serve_all, serving_path, write_served

log = progress("recommend")


def run(spark: SparkSession, args):
    started = time.time()
    curated = spark.read.parquet(args.input).persist()
    bought = purchases(curated).persist()
    dated = bought.filter(F.col("event_time").isNotNull())
    validation_start, holdout_start, end = time_split(dated, args.holdout_days, args.validation_days)
    log("split: validation from %s, holdout from %s to %s" % (validation_start, holdout_start, end))
    selection = grid_search(dated, args, validation_start, holdout_start)
    log("chosen %s" % selection["chosen"])
    holdout = holdout_metrics(dated, selection["chosen"], args, holdout_start, end)

    popular_list = popular(dated, end, args.popular_days)
    details = product_details(curated).persist()
    model, served = serve_all(spark, bought, details, selection["chosen"], args, popular_list)
    served = served.unionByName(fallback_row(spark, details, popular_list)).persist()
    by_source = write_served(spark, served, args.output)
    split = (validation_start, holdout_start, end)
    document = metrics_document(split, args, selection, holdout, by_source, model.fit_seconds, round(time.time() - started, 1))
    model.release()
    write_json(spark, serving_path(args.output, "metricsKey"), document)
    log("wrote %d users' recommendations, fallback and metrics under %s in %.0fs" % (document["serving"]["users"], args.output, document["seconds"]))
    return document


def add_arguments(parser):
    # Defaults are contract/pipeline.ts's ALS_DEFAULTS, which the deployed step plan passes too.
    als = ALS_DEFAULTS
    parser.add_argument("--input", required=True, help="curated Parquet (<lake>/curated/purchases/)")
    parser.add_argument("--output", required=True, help="serving folder (<lake>/serving/); writes recommendations/, fallback.json, metrics.json")
    parser.add_argument("--holdout-days", type=int, default=als["holdoutDays"], help="last days held out for the reported metrics (default %(default)s)")
    parser.add_argument("--validation-days", type=int, default=als["validationDays"], help="days before the holdout used to choose settings (default %(default)s)")
    parser.add_argument("--rank", type=int, default=als["rank"], help="ALS rank when --grid none (default %(default)s)")
    parser.add_argument("--reg-param", type=float, default=float(als["regParam"]), help="ALS regParam when --grid none (default %(default)s)")
    parser.add_argument("--alpha", type=float, default=float(als["alpha"]), help="ALS confidence alpha when --grid none (default %(default)s)")
    parser.add_argument("--popular-days", type=int, default=30, help="window of the popularity list (default 30)")
    parser.add_argument("--max-iter", type=int, default=als["maxIter"], help="ALS iterations (default %(default)s)")
    parser.add_argument("--grid", choices=sorted(GRIDS), default=als["grid"], help="small: search rank/regParam/alpha; none: use the flags")
    parser.add_argument("--seed", type=int, default=42)


def main(spark: SparkSession, args):
    return run(spark, args)
