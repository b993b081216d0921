"""Explicit schema of what Firehose lands, and the types the clean job writes."""
from pyspark.sql.types import DecimalType, LongType, StringType, StructField, StructType

CORRUPT = "_corrupt_record"

# Both producers in one schema: the real data's objects (every field a string, no
# v/source/line) and PurchaseEventV1 messages (v, source, line). Strings stay strings:
# the 19-digit ids exceed 2^53 and price must not pass through a float.
RAW_SCHEMA = StructType(
    [
        StructField("v", LongType()),
        StructField("event_time", StringType()),
        StructField("order_id", StringType()),
        StructField("product_id", StringType()),
        StructField("category_id", StringType()),
        StructField("category_code", StringType()),
        StructField("brand", StringType()),
        StructField("price", StringType()),
        StructField("user_id", StringType()),
        StructField("source", StringType()),
        StructField("line", LongType()),
        StructField(CORRUPT, StringType()),
    ]
)

PRICE_TYPE = DecimalType(12, 2)

# Partition value of line items whose time is missing (1970-01-01 or absent).
UNDATED_MONTH = "undated"
