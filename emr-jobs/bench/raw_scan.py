"""Benchmark anchor: the cheapest honest Spark pass over the raw input (read with the clean
job's schema, count rows), in its own spark-submit like each job, so the ratio of a job's
wall time to this one says what the job costs over a raw scan."""
import sys

from pyspark.sql import SparkSession

from recstream_jobs.schema import RAW_SCHEMA

if __name__ == "__main__":
    spark = SparkSession.builder.appName("recstream-raw-scan").getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    rows = spark.read.schema(RAW_SCHEMA).option("recursiveFileLookup", "true").json(sys.argv[1]).count()
    print("raw rows: %d" % rows)
    spark.stop()
