"""pipeline: clean -> recommend -> analyse in one Spark application (one EMR step, one JVM).

The same jobs as the three separate commands, on one lake: paths are the contract's keys under
--lake. One application saves two JVM/driver start-ups (README "pipeline" says why one step serves EMR better).
Clean processes only new raw objects and rewrites only the months they change (incremental.py); analyse
recomputes only those months' partial aggregates, beside the recommender; the recommender trains on the whole
curated history, read back from its Parquet, and judges every model again only when its last evaluation is
older than --evaluate-every-days of purchases (recommend/cadence.py). A night with nothing new changes nothing
and trains nothing.
`--full` rebuilds everything from the raw objects.
"""
import argparse
from concurrent.futures import ThreadPoolExecutor

from pyspark.sql import SparkSession

from . import analyse, incremental, io, recommend
from .contract import LAKE
from .progress import progress

log = progress("pipeline")


def run(spark: SparkSession, args):
    at = lambda key: io.join(args.lake, LAKE[key])  # noqa: E731
    # Months an earlier run's clean rewrote but whose recommend or analyse failed: redone now, though no object is new.
    pending = [] if args.full else (io.read_json(spark, at("pendingMonthsKey")) or [])
    report = incremental.run(spark, args.input or at("rawPrefix"), args.lake, args.full)
    months = sorted(set(pending) | set(report["months_rewritten"]))
    if not months:
        log("nothing new on %s: recommendations and documents unchanged" % args.lake)
        return None
    io.write_json(spark, at("pendingMonthsKey"), months)
    # Not cached: recommend reads it twice, a few columns each (its known customers' line items, each product's
    # latest sale), and caching every column of the 1M real rows cost more than the second read (7.4 s + 2.8 s
    # against 2.2 s + 3.6 s).
    curated = spark.read.parquet(at("curatedPrefix"))
    # analyse runs beside recommend: recommend's driver spends most of its time in Python (candidate tables) on
    # one core while the executors idle, and analyse is a few Spark jobs over the changed months.
    with ThreadPoolExecutor(max_workers=1) as beside:
        documents = beside.submit(analyse.update, spark, at("curatedPrefix"), at("analyticsPartialsPrefix"), months, at("analyticsPrefix"))
        # recommend reads its serving folder from args.output, as its own command line gives it.
        document = recommend.recommend(spark, curated, argparse.Namespace(**vars(args), output=at("servingPrefix")))
        documents.result()
    io.delete(spark, at("pendingMonthsKey"))
    log("clean, recommend and analyse done on %s" % args.lake)
    return document


def add_arguments(parser):
    parser.add_argument("--lake", required=True, help="lake root (s3://<bucket> or a folder): every path is a contract key under it")
    parser.add_argument("--input", help="raw Firehose objects (default <lake>/%s)" % LAKE["rawPrefix"])
    incremental.full_argument(parser)
    recommend.add_model_arguments(parser)


def main(spark: SparkSession, args):
    return run(spark, args)
