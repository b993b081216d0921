"""pipeline: clean -> recommend -> analyse in one Spark application (one EMR step, one JVM).

The same jobs as the three separate commands, on one lake: paths are the contract's keys under
--lake. One application saves two JVM/driver start-ups, and recommend and analyse work on clean's
cached line items instead of reading the curated Parquet back (README "pipeline" says why one step serves EMR better).
"""
import argparse

from pyspark.sql import SparkSession

from . import analyse, clean, io, recommend
from .contract import LAKE
from .progress import progress

log = progress("pipeline")


def run(spark: SparkSession, args):
    at = lambda key: io.join(args.lake, LAKE[key])  # noqa: E731
    curated_path = at("curatedPrefix")
    # clean hands over its line items still cached: what it wrote, without reading it back.
    _, curated = clean.run(spark, args.input or at("rawPrefix"), curated_path, at("cleanReportKey"), at("quarantinePrefix"))
    try:
        # recommend reads its serving folder from args.output, as its own command line gives it.
        document = recommend.recommend(spark, curated, argparse.Namespace(**vars(args), output=at("servingPrefix")))
        analyse.write_documents(spark, curated, at("analyticsPrefix"))
    finally:
        curated.unpersist()
    log("clean, recommend and analyse done on %s" % args.lake)
    return document


def add_arguments(parser):
    parser.add_argument("--lake", required=True, help="lake root (s3://<bucket> or a folder): every path is a contract key under it")
    parser.add_argument("--input", help="raw Firehose objects (default <lake>/%s)" % LAKE["rawPrefix"])
    recommend.add_model_arguments(parser)


def main(spark: SparkSession, args):
    return run(spark, args)
