"""Month-partitioned Parquet folders (contract CURATED_PARTITION) whose changed months are replaced, not rebuilt.

Hand-managed partitions rather than an open table format (docs/benchmarks.md "Incremental runs" says what
was and was not measured): a changed month is written whole to a staging folder beside the table, then each
changed month's folder is swapped in. Readers of one month see its old or its new files, never a mix of
rows; a reader listing the whole table during the swap can miss a month for the moment of its rename (on S3
a rename is a copy and a delete), which the nightly run's readers (Athena, the API's loader) do not do while
the pipeline runs.
"""
import uuid

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from . import io
from .contract import CONTRACT

PARTITION = CONTRACT["curated_partition"]
COLUMN = PARTITION["column"]
UNDATED = PARTITION["undated"]


def month_of(timestamp: str):
    """The partition value of a time column: `yyyy-MM`, or `undated` for 1970-01-01 (a missing time) and null."""
    dated = F.year(timestamp) > 1970
    return F.coalesce(F.when(dated, F.date_format(timestamp, PARTITION["format"])), F.lit(UNDATED))


def folder(path: str, month: str, column=COLUMN) -> str:
    return io.join(path, "%s=%s" % (column, month))


def existing_months(spark: SparkSession, path: str, column=COLUMN) -> list:
    """The months a partitioned folder holds (its `month=` subfolders; `column=`: another partition column's),
    none when it does not exist."""
    hpath, fs = io.filesystem(spark, path)
    if not fs.exists(hpath):
        return []
    prefix = column + "="
    return sorted(s.getPath().getName()[len(prefix):] for s in fs.listStatus(hpath) if s.isDirectory() and s.getPath().getName().startswith(prefix))


def read_months(spark: SparkSession, path: str, months, column=COLUMN) -> DataFrame:
    """The rows of `months` of a partitioned folder (partition pruning: only their files are listed and read),
    or None when none of them exists yet."""
    present = sorted(set(months) & set(existing_months(spark, path, column)))
    if not present:
        return None
    # basePath keeps the month column, which reading month folders directly would lose.
    return spark.read.option("basePath", path).parquet(*[folder(path, m, column) for m in present])


def stage(spark: SparkSession, rows: DataFrame, staging: str, months, column=COLUMN) -> None:
    """Write `rows` (which hold no month outside `months`; None: no rows) to `staging`, one folder per month of
    `months`, an empty folder for a month without rows (publish then removes that month)."""
    if rows is not None:
        rows.write.mode("overwrite").partitionBy(column).parquet(staging)
    _, fs = io.filesystem(spark, staging)
    jvm_path = spark.sparkContext._jvm.org.apache.hadoop.fs.Path
    for month in months:
        fs.mkdirs(jvm_path(folder(staging, month, column)))


def publish(spark: SparkSession, staging: str, path: str, months, column=COLUMN) -> None:
    """Swap each staged month folder in for `path`'s, or remove `path`'s month when the staged folder is empty.
    A month already swapped has no staged folder any more and is left alone, so publishing again after a
    failure half way finishes the job."""
    _, fs = io.filesystem(spark, path)
    jvm_path = spark.sparkContext._jvm.org.apache.hadoop.fs.Path
    fs.mkdirs(jvm_path(path))
    for month in sorted(set(months)):
        target, written = jvm_path(folder(path, month, column)), jvm_path(folder(staging, month, column))
        if not fs.exists(written):
            continue
        fs.delete(target, True)
        if not any(s.getPath().getName().endswith(".parquet") for s in fs.listStatus(written)):
            fs.delete(written, True)
        elif not fs.rename(written, target):
            raise IOError("could not move %s to %s" % (folder(staging, month, column), folder(path, month, column)))


def replace(spark: SparkSession, rows: DataFrame, path: str, months, column=COLUMN) -> None:
    """Make months `months` of `path` hold exactly `rows` (which hold no other month; None: no rows): written
    to a staging folder first, then each month's folder swapped in; a month of `months` without rows is removed."""
    months = sorted(set(months))
    if not months:
        return
    staging = path.rstrip("/") + "_staging-" + uuid.uuid4().hex[:8]
    stage(spark, rows, staging, months, column)
    publish(spark, staging, path, months, column)
    _, fs = io.filesystem(spark, path)
    fs.delete(spark.sparkContext._jvm.org.apache.hadoop.fs.Path(staging), True)
