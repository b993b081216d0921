"""Session and storage helpers that work the same on s3:// (EMRFS) and local paths."""
import json
import os
import posixpath
import shutil
import tempfile
import time

from pyspark.sql import SparkSession


def spark_session(app_name):
    return configure(SparkSession.builder.appName(app_name).getOrCreate())


def configure(spark):
    # PySpark turns timestamps into naive Python datetimes in the process's zone: make it UTC.
    os.environ["TZ"] = "UTC"
    time.tzset()
    spark.sparkContext.setLogLevel("WARN")
    if not spark.sparkContext.getConf().contains("spark.sql.shuffle.partitions"):
        # Spark's 200 is for big clusters; a few tasks per core keeps small runs from drowning in tasks.
        spark.conf.set("spark.sql.shuffle.partitions", str(4 * spark.sparkContext.defaultParallelism))
    ship_package(spark)
    # Event times are UTC; parsing and hour/weekday must not depend on the host's zone.
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    # An unparsable time is a null to count and quarantine, never a job-killing exception.
    spark.conf.set("spark.sql.legacy.timeParserPolicy", "CORRECTED")
    # Standard Parquet timestamps instead of Spark's legacy INT96, for Athena/pandas readers.
    spark.conf.set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
    return spark


def ship_package(spark):
    """Python workers import recstream_jobs too. On EMR it comes from --py-files (a zip);
    run from a source folder, zip that folder and ship it the same way."""
    package_dir = os.path.dirname(os.path.abspath(__file__))
    if not os.path.isdir(package_dir):
        return
    target = os.path.join(tempfile.mkdtemp(prefix="recstream-jobs-"), "recstream_jobs")
    archive = shutil.make_archive(target, "zip", os.path.dirname(package_dir), "recstream_jobs")
    spark.sparkContext.addPyFile(archive)


def lake_root(path, key_prefix):
    """The lake root of a job path: `<root>/<key_prefix>` -> `<root>`, anything else -> its parent."""
    trimmed = path.rstrip("/")
    prefix = key_prefix.rstrip("/")
    if trimmed.endswith("/" + prefix):
        return trimmed[: -len(prefix) - 1]
    return posixpath.dirname(trimmed)


def join(root, key):
    return root.rstrip("/") + "/" + key


def filesystem(spark, path):
    """(Hadoop Path, its FileSystem): s3:// and file paths alike."""
    hpath = spark.sparkContext._jvm.org.apache.hadoop.fs.Path(path)
    return hpath, hpath.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())


def write_text(spark, path, text):
    """Write one small document through Hadoop's FileSystem, so s3:// and file paths both work."""
    hpath, fs = filesystem(spark, path)
    out = fs.create(hpath, True)
    try:
        out.write(bytearray(text.encode("utf-8")))
    finally:
        out.close()


def read_json(spark, path):
    """A small JSON document through Hadoop's FileSystem (s3:// and file paths), or None when absent."""
    hpath, fs = filesystem(spark, path)
    if not fs.exists(hpath):
        return None
    stream = fs.open(hpath)
    try:
        reader = spark.sparkContext._jvm.java.io.BufferedReader(spark.sparkContext._jvm.java.io.InputStreamReader(stream, "UTF-8"))
        lines = []
        line = reader.readLine()
        while line is not None:
            lines.append(line)
            line = reader.readLine()
        return json.loads("\n".join(lines))
    finally:
        stream.close()


def delete(spark, path):
    """Removes a file or folder (s3:// and local alike); nothing when absent."""
    hpath, fs = filesystem(spark, path)
    fs.delete(hpath, True)


def write_json(spark, path, document):
    write_text(spark, path, _json_line(document))


def _json_line(document):
    return json.dumps(document, separators=(",", ":")) + "\n"


def write_json_lines(spark, folder, records, per_file=50_000):
    """Replace `folder` with `part-NNNNN.json` files of at most `per_file` JSON lines each, as Spark's
    JSON writer lays them out (readers pick the `part-` files): for records already on the driver,
    where a Spark write would first ship them to a Python worker and back (a job and about a second
    on a small store)."""
    hpath, fs = filesystem(spark, folder)
    fs.delete(hpath, True)
    fs.mkdirs(hpath)
    for part, start in enumerate(range(0, len(records), per_file)):
        lines = "".join(_json_line(r) for r in records[start:start + per_file])
        write_text(spark, join(folder, "part-%05d.json" % part), lines)

