"""Which uploads' rows count (README "clean", rule 5b; contract UploadCompleteV1).

Ingest ends every upload it finished with a completion record on the same topic, so it lands in
the lake like the rows: `{v, control: "upload_complete", source, rows, uploaded_at}`. A source's
rows count once its completion record has landed and so have `rows` distinct lines of it; until
then they are held back as `incomplete_upload` (a truncated gzip, a run that failed or was killed
part-way, or rows Firehose has not landed yet). Of two complete uploads of one key
(`<bucket>/<key>`, the source before its `@etag`), the later `uploaded_at` wins and the earlier's
rows are held back as `superseded_upload`, so a fixed re-upload replaces the file it fixes instead
of adding to it. Rows without a source (the real data's own Firehose objects) are not uploads: they
pass untouched.
"""
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import StructField, StructType

from .contract import CONTRACT
from .schema import RAW_SCHEMA, spark_type

COMPLETION_SCHEMA = CONTRACT["upload_complete_schema"]
UPLOAD_COMPLETE = COMPLETION_SCHEMA["properties"]["control"]["const"]
CONTROL_FIELDS = tuple(f for f in COMPLETION_SCHEMA["required"] if f not in RAW_SCHEMA.fieldNames())
INCOMPLETE_UPLOAD, SUPERSEDED_UPLOAD = CONTRACT["rules"]["upload_reject_reasons"]

# What clean reads: the rows' schema plus the completion record's own fields.
READ_SCHEMA = StructType(RAW_SCHEMA.fields + [StructField(f, spark_type(COMPLETION_SCHEMA, f)) for f in CONTROL_FIELDS])


def split_completions(raw: DataFrame):
    """(rows with the rows' columns, completion records). Anything else is a row, checked as one."""
    is_completion = F.coalesce(F.col("control") == UPLOAD_COMPLETE, F.lit(False))
    return raw.filter(~is_completion).drop(*CONTROL_FIELDS), raw.filter(is_completion).select("source", "rows", "uploaded_at")


def verdicts(deduped: DataFrame, completions: DataFrame) -> DataFrame:
    """source -> held (null: its rows count; else why not) for every source with a completion record
    whose rows have all landed. Small (one row per upload), so it is broadcast."""
    landed = deduped.filter(F.col("source").isNotNull()).groupBy("source").agg(F.count(F.lit(1)).alias("landed"))
    # A re-delivered completion record is the same record.
    done = completions.groupBy("source").agg(F.max("rows").alias("rows"), F.max("uploaded_at").alias("uploaded_at"))
    complete = done.join(landed, "source", "left").filter(F.coalesce("landed", F.lit(0)) == F.col("rows"))
    upload = F.regexp_extract("source", r"^(.*)@[^@]*$", 1)
    latest = complete.groupBy(upload.alias("upload")).agg(F.max(F.struct("uploaded_at", "source"))["source"].alias("source"))
    return (
        complete.join(latest.withColumn("latest", F.lit(True)), "source", "left")
        .select("source", F.when(F.col("latest").isNull(), F.lit(SUPERSEDED_UPLOAD)).alias("held"))
    )


def hold_back(deduped: DataFrame, completions: DataFrame):
    """(rows that count, rows held back with their `reject_reason`)."""
    judged = deduped.join(F.broadcast(verdicts(deduped, completions).withColumn("complete", F.lit(True))), "source", "left")
    held = (
        F.when(F.col("source").isNull(), F.lit(None))
        .when(F.col("complete").isNull(), F.lit(INCOMPLETE_UPLOAD))
        .otherwise(F.col("held"))
    )
    judged = judged.withColumn("held", held).drop("complete")
    counted = judged.filter(F.col("held").isNull()).drop("held")
    held_back = judged.filter(F.col("held").isNotNull()).withColumn("reject_reason", F.col("held")).drop("held")
    return counted, held_back
