"""Kafka records -> one typed row per record, for both topics: the parse, the enrichment
(category path from the category code) and the session key. A record is readable when the
contract's rules accept its time (the one event-time parser and range, recstream_jobs/rules.py),
product and price, as ingest and the collector did before producing it; unreadable records are kept
(`readable` false) so they are counted, never silently dropped."""
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import StringType, StructField, StructType

from recstream_jobs import rules

from .contract import EVENT_TYPES, EVENTS_TOPIC, PURCHASES_TOPIC

# Both event schemas as strings: ids are decimal strings beyond 2^53 and prices exact decimals.
# `user_agent` and `ip` only where a storefront sent them to the collector (enrich.py).
_FIELDS = ("event_time", "event_type", "order_id", "product_id", "category_id", "category_code", "brand", "price", "user_id", "user_session", "user_agent", "ip")
VALUE_SCHEMA = StructType([StructField(name, StringType()) for name in _FIELDS])
PRICE = "decimal(38,6)"


def parse(records: DataFrame) -> DataFrame:
    """Rows of the Kafka source (topic, partition, offset, timestamp, value) -> typed, enriched rows."""
    value = F.from_json(F.col("value").cast("string"), VALUE_SCHEMA)
    rows = records.select("topic", "partition", "offset", F.col("timestamp").alias("produced_at"), value.alias("e"))
    is_event = F.col("topic") == EVENTS_TOPIC
    kind = F.when(is_event, F.col("e.event_type")).when(F.col("topic") == PURCHASES_TOPIC, F.lit("order_line"))
    parsed = rows.select(
        "topic",
        "partition",
        "offset",
        "produced_at",
        # "Now" for the rule "at most a day ahead" is when the record was produced, as the collector and ingest
        # judged it then: the same verdict when a batch runs again after a restart, and no clock literal in the
        # plan (a new one every batch made Spark compile the batch's code again and run it cold).
        rules.parse_event_time(F.col("e.event_time"), now=F.col("produced_at")).alias("event_ts"),
        kind.alias("kind"),
        F.col("e.order_id").alias("order_id"),
        F.col("e.product_id").alias("product_id"),
        F.col("e.category_id").alias("category_id"),
        F.col("e.category_code").alias("category_code"),
        F.split(F.col("e.category_code"), r"\.").alias("category_path"),
        F.col("e.brand").alias("brand"),
        # A price the contract refuses (9999999999.999999, -5) is no amount to add to revenue.
        F.when(F.col("e.price").rlike(rules.PRICE_PATTERN), F.col("e.price").cast(PRICE)).alias("price"),
        F.col("e.user_id").alias("user_id"),
        # The store's tracker session; without one the user stands in (the batch jobs' inactivity cut needs history).
        F.coalesce(F.col("e.user_session"), F.concat(F.lit("user:"), F.col("e.user_id"))).alias("session"),
        F.col("e.user_agent").alias("user_agent"),
        F.col("e.ip").alias("ip"),
    )
    known = F.col("kind").isin(*EVENT_TYPES, "order_line")
    readable = known & F.col("event_ts").isNotNull() & F.col("product_id").rlike(rules.ID_PATTERN) & F.col("price").isNotNull()
    return parsed.withColumn("readable", F.coalesce(readable, F.lit(False)))
