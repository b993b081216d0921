"""Benchmark anchor: the cheapest honest Spark pass over a raw input (read with its job's schema,
count rows), in its own spark-submit like each job, so the ratio of a job's wall time to this one
says what the job costs over a raw scan.

    raw_scan.py PATH [purchases|events]    (default purchases: the clean job's schema; events: the sessions job's)
"""
import sys

from pyspark.sql import SparkSession

from behaviour_jobs.events import RAW_SCHEMA as EVENTS_SCHEMA
from recstream_jobs.schema import RAW_SCHEMA as PURCHASES_SCHEMA

# What each kind's count line says: the benches echo `raw rows` (bench:spark) and `raw events` (bench:behaviour).
KINDS = {"purchases": (PURCHASES_SCHEMA, "raw rows"), "events": (EVENTS_SCHEMA, "raw events")}

if __name__ == "__main__":
    kind = sys.argv[2] if len(sys.argv) > 2 else "purchases"
    if kind not in KINDS:
        sys.exit("raw_scan.py: unknown kind %r (purchases or events)" % kind)
    schema, label = KINDS[kind]
    spark = SparkSession.builder.appName("recstream-raw-scan-" + kind).getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    rows = spark.read.schema(schema).option("recursiveFileLookup", "true").json(sys.argv[1]).count()
    print("%s: %d" % (label, rows))
    spark.stop()
