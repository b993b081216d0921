"""What the nightly sessions run keeps between nights, besides the per-day store (session_window.py):

- the manifest (LAKE eventsManifestKey): the raw objects processed (recstream_jobs.manifest lists them the
  same way for purchases), the running input and quarantine counts, and per session start day its counts
  and latest event (the report sums the days; the window reads the latest events);
- the tracker index (LAKE trackersStatePrefix): per tracker session id the smallest and largest hash of
  the users its events named (min and max merge exactly across nights: lo != hi is "shared by two users",
  the rule sessions.untrusted_trackers applies to all events at once) and the start days its events are
  filed under (a superset: a day is added when an event lands there, never removed), so a night loads
  every day of a tracker id it sees again.
"""
from collections import namedtuple

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from recstream_jobs import io

Manifest = namedtuple("Manifest", "objects input_events quarantined days")
EMPTY = Manifest({}, 0, {}, {})


def read_manifest(spark: SparkSession, path) -> Manifest:
    document = io.read_json(spark, path)
    return None if document is None else Manifest(document["objects"], document["input_events"], document["quarantined"], document["days"])


def write_manifest(spark: SparkSession, path, manifest: Manifest) -> None:
    io.write_json(spark, path, manifest._asdict())


def _user_hash():
    return F.when(F.col("user_id").isNotNull(), F.xxhash64("user_id"))


def tonight_trackers(good: DataFrame) -> DataFrame:
    """(user_session, lo, hi, days) of tonight's events; days are filled in after the night."""
    return good.filter(F.col("user_session").isNotNull()).groupBy("user_session").agg(
        F.min(_user_hash()).alias("lo"), F.max(_user_hash()).alias("hi"), F.array().cast("array<string>").alias("days")
    )


def merge(*indexes) -> DataFrame:
    frames = [i for i in indexes if i is not None]
    union = frames[0]
    for frame in frames[1:]:
        union = union.unionByName(frame)
    return union.groupBy("user_session").agg(F.min("lo").alias("lo"), F.max("hi").alias("hi"), F.array_sort(F.array_distinct(F.flatten(F.collect_list("days")))).alias("days"))


def untrusted(index: DataFrame) -> DataFrame:
    return index.filter(F.col("lo") != F.col("hi")).select("user_session", F.lit(True).alias("untrusted"))


def days_of(index: DataFrame, trackers: DataFrame) -> set:
    """The start days the index files the tracker ids of `trackers` under."""
    return {r[0] for r in index.join(trackers.select("user_session"), "user_session", "left_semi").select(F.explode("days")).distinct().collect()}


def filed(rows: DataFrame, day_column: str) -> DataFrame:
    """(user_session, days) of rows just written: where the tracker ids' events are filed now."""
    return rows.filter(F.col("user_session").isNotNull()).groupBy("user_session").agg(
        F.lit(None).cast("long").alias("lo"), F.lit(None).cast("long").alias("hi"), F.collect_set(day_column).alias("days")
    )


def write_index(spark: SparkSession, index: DataFrame, path: str) -> None:
    """The whole index, written beside the old one and swapped in (it is read in the same plan)."""
    staging = path.rstrip("/") + "_staging"
    index.write.mode("overwrite").parquet(staging)
    _, fs = io.filesystem(spark, path)
    jvm_path = spark.sparkContext._jvm.org.apache.hadoop.fs.Path
    fs.delete(jvm_path(path), True)
    if not fs.rename(jvm_path(staging), jvm_path(path)):
        raise IOError("could not move %s to %s" % (staging, path))


def read_index(spark: SparkSession, path: str) -> DataFrame:
    hpath, fs = io.filesystem(spark, path)
    return spark.read.parquet(path) if fs.exists(hpath) else None
