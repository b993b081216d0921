"""The curated events and sessions tables as flat folders of Parquet files named by session start day.

Their readers (Athena's catalog, the serving loader, funnel/intent/categories) read every `part-*` file of one
folder, so the tables stay flat; a night replaces one day's rows by swapping its `part-<day>-*` files. The
rows are written whole to a staging folder first (partitioned by day), then each day's old files are deleted
and the new ones renamed in, as partitions.replace does for month folders. A table without any day keeps one
schema-only file so its readers see an empty table, not a missing one.
"""
import uuid

from pyspark.sql import DataFrame, SparkSession

from recstream_jobs import io

EMPTY = "part-empty"


def _prefix(day):
    return "part-%s-" % day


def read(spark: SparkSession, path: str, days):
    """The rows of `path`'s files of `days` (without the day they are filed under), or None when it has none."""
    _, fs = io.filesystem(spark, path)
    jvm_path = spark.sparkContext._jvm.org.apache.hadoop.fs.Path
    if not fs.exists(jvm_path(path)):
        return None
    prefixes = tuple(_prefix(day) for day in days)
    files = sorted(s.getPath().toString() for s in fs.listStatus(jvm_path(path)) if s.getPath().getName().startswith(prefixes) and s.getPath().getName().endswith(".parquet"))
    return spark.read.parquet(*files) if files else None


def replace(spark: SparkSession, rows: DataFrame, path: str, days, column: str) -> None:
    """Make `path`'s files of `days` hold exactly `rows` (without `column`, the day they are filed under)."""
    days = sorted(set(days))
    if not days:
        return
    staging = path.rstrip("/") + "_staging-" + uuid.uuid4().hex[:8]
    # One task per day: one file per day, the same files however the rows were partitioned before.
    rows.repartition(column).write.mode("overwrite").partitionBy(column).parquet(staging)
    _, fs = io.filesystem(spark, path)
    jvm_path = spark.sparkContext._jvm.org.apache.hadoop.fs.Path
    fs.mkdirs(jvm_path(path))
    existing = [s.getPath() for s in fs.listStatus(jvm_path(path))]
    for day in days:
        for old in existing:
            if old.getName().startswith(_prefix(day)):
                fs.delete(old, True)
        written = jvm_path(io.join(staging, "%s=%s" % (column, day)))
        if not fs.exists(written):
            continue
        parts = sorted((s.getPath() for s in fs.listStatus(written) if s.getPath().getName().startswith("part-")), key=lambda p: p.getName())
        for i, part in enumerate(parts):
            extension = part.getName().split(".", 1)[1]
            target = jvm_path(io.join(path, "%s%05d.%s" % (_prefix(day), i, extension)))
            if not fs.rename(part, target):
                raise IOError("could not move %s to %s" % (part, target))
    names = [s.getPath().getName() for s in fs.listStatus(jvm_path(path))]
    dated = any(n.startswith("part-") and not n.startswith(EMPTY) for n in names)
    for name in names:
        if name.startswith(EMPTY) and dated:
            fs.delete(jvm_path(io.join(path, name)), True)
    if not dated and not any(n.startswith(EMPTY) for n in names):
        rows.drop(column).limit(0).coalesce(1).write.mode("overwrite").parquet(staging + "-empty")
        (part,) = [s.getPath() for s in fs.listStatus(jvm_path(staging + "-empty")) if s.getPath().getName().startswith("part-")]
        fs.rename(part, jvm_path(io.join(path, "%s.%s" % (EMPTY, part.getName().split(".", 1)[1]))))
        fs.delete(jvm_path(staging + "-empty"), True)
    fs.delete(jvm_path(staging), True)
