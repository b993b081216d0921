"""Raw behaviour events (what Firehose lands: gzip JSON lines of BehaviourEventV1, or the real
data's all-string objects) -> checked, typed, deduplicated events. Nothing is dropped silently:
every rejected line keeps its reason, every duplicate is counted."""
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import DecimalType, LongType, StringType, StructField, StructType

from .contract import EVENT_TYPES

CORRUPT = "_corrupt_record"
STRING_FIELDS = ("event_time", "event_type", "product_id", "category_id", "category_code", "brand", "price", "user_id", "user_session", "source")
RAW_SCHEMA = StructType(
    [StructField("v", LongType())]
    + [StructField(name, StringType()) for name in STRING_FIELDS]
    + [StructField("line", LongType()), StructField(CORRUPT, StringType())]
)
PRICE_TYPE = DecimalType(12, 2)
ID_PATTERN = r"^\d{1,20}\z"
PRICE_PATTERN = r"^\d{1,10}(\.\d{1,6})?\z"
# `2019-10-01 00:00:00 UTC` (the CSV) and `2019-10-01T00:00:00Z` (ISO); fractions are cut to the second.
TIME_PATTERN = r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d+)?( UTC|Z)\z"
# Fields that make an event the same event: a re-delivered line or a double-logged click.
EVENT_KEY = ("event_ts", "event_type", "product_id", "category_id", "category_code", "brand", "price", "user_id", "user_session")
# Same-second events are ordered by what can happen first in a visit.
TYPE_ORDER = {t: i for i, t in enumerate(("view", "cart", "remove_from_cart", "purchase"))}
assert set(TYPE_ORDER) == set(EVENT_TYPES)


def read_raw(spark: SparkSession, path: str) -> DataFrame:
    return (
        spark.read.schema(RAW_SCHEMA)
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", CORRUPT)
        .option("recursiveFileLookup", "true")
        .json(path)
    )


def _blank_to_null(name) -> Column:
    trimmed = F.trim(F.col(name))
    return F.when(trimmed == "", None).otherwise(trimmed)


def parse_time(column: Column) -> Column:
    as_text = F.regexp_replace(column, TIME_PATTERN, "$1 $2")
    return F.when(column.rlike(TIME_PATTERN), F.to_timestamp(as_text, "yyyy-MM-dd HH:mm:ss"))


def _bad_id(name, required=False) -> Column:
    malformed = F.col(name).isNotNull() & ~F.col(name).rlike(ID_PATTERN)
    return (F.col(name).isNull() | malformed) if required else malformed


def checked(raw: DataFrame) -> DataFrame:
    """Typed columns plus `reject_reason` (null for a good event): the first failing check names it."""
    df = raw.select(*[_blank_to_null(c).alias(c) if c in STRING_FIELDS else F.col(c) for c in raw.columns])
    df = df.withColumn("event_ts", parse_time(F.col("event_time")))
    checks = [
        (F.col(CORRUPT).isNotNull(), "malformed_json"),
        (F.col("event_ts").isNull(), "bad_event_time"),
        (F.col("event_type").isNull() | ~F.col("event_type").isin(*EVENT_TYPES), "bad_event_type"),
        (_bad_id("product_id", required=True), "bad_product_id"),
        (_bad_id("category_id"), "bad_category_id"),
        (F.col("price").isNull() | ~F.col("price").rlike(PRICE_PATTERN), "bad_price"),
        (_bad_id("user_id"), "bad_user_id"),
        # Neither a person nor a visit to attach it to: no session rule can place it.
        (F.col("user_id").isNull() & F.col("user_session").isNull(), "no_user_and_no_session"),
    ]
    reason = F.lit(None).cast("string")
    for failed, name in reversed(checks):
        reason = F.when(failed, F.lit(name)).otherwise(reason)
    type_rank = F.lit(None).cast("int")
    for name, rank in TYPE_ORDER.items():
        type_rank = F.when(F.col("event_type") == name, F.lit(rank)).otherwise(type_rank)
    return df.withColumn("reject_reason", reason).withColumn("type_rank", type_rank)


def good_events(checked_events: DataFrame) -> DataFrame:
    """Accepted events, typed. Copies (equal in every EVENT_KEY field: a re-delivered line, a double-logged
    click) are still here: sessions.sessionize drops them in the sort it makes anyway, so they count once
    without a shuffle of their own."""
    good = checked_events.filter(F.col("reject_reason").isNull()).withColumn("price", F.col("price").cast(PRICE_TYPE))
    return good.select(*EVENT_KEY, "type_rank")


def rejected(checked_events: DataFrame) -> DataFrame:
    return checked_events.filter(F.col("reject_reason").isNotNull()).drop("event_ts", "type_rank")
