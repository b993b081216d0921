"""Explicit schema of what Firehose lands, and the types the clean job writes."""
from pyspark.sql.types import DecimalType, LongType, StringType, StructField, StructType

from .contract import PURCHASE_EVENT_SCHEMA

CORRUPT = "_corrupt_record"


def spark_type(schema, field):
    """Integers (`v`, `line`, a completion record's `rows`) as longs, everything else as a string:
    the 19-digit ids exceed 2^53 and price must not pass through a float."""
    spec = schema["properties"][field]
    return LongType() if spec.get("type") == "integer" or isinstance(spec.get("const"), int) else StringType()


# Both producers in one schema, built from contract/'s PurchaseEventV1: the real data's objects
# (every field a string, no v/source/line, read as null) and PurchaseEventV1 messages.
RAW_SCHEMA = StructType(
    [StructField(field, spark_type(PURCHASE_EVENT_SCHEMA, field)) for field in PURCHASE_EVENT_SCHEMA["required"]] + [StructField(CORRUPT, StringType())]
)

PRICE_TYPE = DecimalType(12, 2)
