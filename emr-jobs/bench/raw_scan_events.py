"""Benchmark anchor for the behaviour jobs: the cheapest honest Spark pass over the raw events
(read with the sessions job's schema, count rows), in its own spark-submit like each job."""
import sys

from pyspark.sql import SparkSession

from behaviour_jobs.events import RAW_SCHEMA

if __name__ == "__main__":
    spark = SparkSession.builder.appName("recstream-raw-scan-events").getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    rows = spark.read.schema(RAW_SCHEMA).option("recursiveFileLookup", "true").json(sys.argv[1]).count()
    print("raw events: %d" % rows)
    spark.stop()
