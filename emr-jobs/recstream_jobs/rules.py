"""contract/rules.ts as Spark column expressions: the id, price and event-time rules, the
required fields and the reject codes ingest uses too (README "clean", rule 4)."""
from pyspark.sql import Column
from pyspark.sql import functions as F

from .contract import RULES

# What JavaScript's String.prototype.trim() removes, so a field ingest would trim is trimmed here too.
WHITESPACE = " \t\n\x0b\x0c\r\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"


def spark_pattern(source):
    """A contract pattern for Java's regex: its `$` also matches before a final line break,
    `\\z` only at the very end, as JavaScript's `$` (the pattern's only `$` is its last character)."""
    assert source.endswith("$") and source.count("$") == 1, source
    return source[:-1] + r"\z"


ID_PATTERN = spark_pattern(RULES["id_pattern"])
PRICE_PATTERN = spark_pattern(RULES["price_pattern"])
EVENT_TIME_PATTERN = spark_pattern(RULES["event_time_pattern"])
REQUIRED_FIELDS = tuple(RULES["required_fields"])
ID_FIELDS = tuple(RULES["id_fields"])
TEXT_FIELDS = tuple(RULES["text_fields"])
# Java reads the contract's `\xhh` escapes as Python and JavaScript do.
CONTROL_CHARACTER_PATTERN = RULES["control_character_pattern"]
FIELD_REJECT_REASONS = tuple(RULES["field_reject_reasons"])
MALFORMED_JSON = "malformed_json"
assert MALFORMED_JSON in RULES["line_reject_reasons"]


def blank_to_null(name) -> Column:
    """Trimmed as ingest trims; empty is missing (the real data sends `""` and `null` alike)."""
    trimmed = F.btrim(F.col(name), F.lit(WHITESPACE))
    return F.when(trimmed == "", None).otherwise(trimmed)


def parse_event_time(name) -> Column:
    """A timestamp for a time matching the rule, null otherwise; a well-formed but impossible
    date (2020-02-31, 24:00) is null too (timeParserPolicy CORRECTED, io.configure)."""
    as_text = F.regexp_replace(F.col(name), EVENT_TIME_PATTERN, "$1-$2-$3 $4:$5:$6")
    return F.when(F.col(name).rlike(EVENT_TIME_PATTERN), F.to_timestamp(as_text, "yyyy-MM-dd HH:mm:ss"))


def field_checks(event_ts: Column):
    """[(failed, reject code)] in the contract's order; the first failure names the row's reason."""
    checks = {"missing_" + field: F.col(field).isNull() for field in REQUIRED_FIELDS}
    checks.update({"invalid_" + field: F.col(field).isNotNull() & ~F.col(field).rlike(ID_PATTERN) for field in ID_FIELDS})
    checks["invalid_event_time"] = F.col("event_time").isNotNull() & event_ts.isNull()
    checks["invalid_price"] = F.col("price").isNotNull() & ~F.col("price").rlike(PRICE_PATTERN)
    checks.update({"invalid_" + field: F.col(field).isNotNull() & F.col(field).rlike(CONTROL_CHARACTER_PATTERN) for field in TEXT_FIELDS})
    assert set(checks) == set(FIELD_REJECT_REASONS), "every contract field check needs a Spark expression"
    return [(checks[reason], reason) for reason in FIELD_REJECT_REASONS]
