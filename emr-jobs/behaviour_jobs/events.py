"""Raw behaviour events (what Firehose lands: gzip JSON lines of BehaviourEventV1, or the real
data's all-string objects) -> checked, typed, deduplicated events. Nothing is dropped silently:
every rejected line keeps its reason, every duplicate is counted."""
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import DecimalType, LongType, StringType, StructField, StructType

from recstream_jobs import rules

from .contract import BEHAVIOUR, EVENT_TYPES

CORRUPT = "_corrupt_record"
STRING_FIELDS = ("event_time", "event_type", "product_id", "category_id", "category_code", "brand", "price", "user_id", "user_session", "source")
RAW_SCHEMA = StructType(
    [StructField("v", LongType())]
    + [StructField(name, StringType()) for name in STRING_FIELDS]
    + [StructField("line", LongType()), StructField(CORRUPT, StringType())]
)
PRICE_TYPE = DecimalType(12, 2)
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


def checked(raw: DataFrame, now=None) -> DataFrame:
    """Typed columns plus `reject_reason` (null for a good event): the contract's behaviour rules
    (contract/behaviour-event.ts, purchases' patterns, event-time parser and range, judged by `now`,
    default the query's time) in its order, the first failing check naming it. Trimmed as ingest trims."""
    df = raw.select(*[rules.blank_to_null(c).alias(c) if c in STRING_FIELDS else F.col(c) for c in raw.columns])
    df = rules.with_event_time(df, now)
    own = {
        "invalid_event_type": ~F.col("event_type").isin(*EVENT_TYPES),
        # Neither a person nor a visit to attach it to: no session rule can place it.
        BEHAVIOUR["no_user_and_no_session"]: F.col("user_id").isNull() & F.col("user_session").isNull(),
    }
    checks = [(F.col(CORRUPT).isNotNull(), rules.MALFORMED_JSON)] + rules.field_checks(BEHAVIOUR, own, now, F.col(rules.TIME_PROBLEM))
    reason = F.lit(None).cast("string")
    for failed, name in reversed(checks):
        reason = F.when(failed, F.lit(name)).otherwise(reason)
    type_rank = F.lit(None).cast("int")
    for name, rank in TYPE_ORDER.items():
        type_rank = F.when(F.col("event_type") == name, F.lit(rank)).otherwise(type_rank)
    return df.withColumn("reject_reason", reason).withColumn("type_rank", type_rank).drop(rules.TIME_PROBLEM)


def good_events(checked_events: DataFrame) -> DataFrame:
    """Accepted events, typed. Copies (equal in every EVENT_KEY field: a re-delivered line, a double-logged
    click) are still here: sessions.sessionize drops them in the sort it makes anyway, so they count once
    without a shuffle of their own."""
    good = checked_events.filter(F.col("reject_reason").isNull()).withColumn("price", F.col("price").cast(PRICE_TYPE))
    return good.select(*EVENT_KEY, "type_rank")


def rejected(checked_events: DataFrame) -> DataFrame:
    return checked_events.filter(F.col("reject_reason").isNotNull()).drop("event_ts", "type_rank")
