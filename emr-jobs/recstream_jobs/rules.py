"""contract/rules.ts as Spark column expressions: the id, price and event-time rules (the one
event-time parser of the Spark side, its valid range), the required fields and the reject codes
ingest uses too (README "clean", rule 4), for purchases and behaviour events alike."""
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
# Java reads the contract's `\xhh` escapes as Python and JavaScript do.
CONTROL_CHARACTER_PATTERN = RULES["control_character_pattern"]
MALFORMED_JSON = "malformed_json"
assert MALFORMED_JSON in RULES["line_reject_reasons"]


def blank_to_null(name) -> Column:
    """Trimmed as ingest trims; empty is missing (the real data sends `""` and `null` alike)."""
    trimmed = F.btrim(F.col(name), F.lit(WHITESPACE))
    return F.when(trimmed == "", None).otherwise(trimmed)


EVENT_TIME_RANGE = RULES["event_time_range"]
INVALID, OUT_OF_RANGE = "invalid", "out_of_range"


def _column(column):
    return F.col(column) if isinstance(column, str) else column


def event_time_problem(column, now=None) -> Column:
    """Null for a time the contract accepts; `invalid` (not the pattern, or a date that does not exist:
    2020-02-31, 24:00, :60) or `out_of_range` (before EVENT_TIME_RANGE's earliest, or more than
    maxAheadSeconds after `now`, default the query's time). A year before 1970 is out of range before any
    calendar check, as the TypeScript parser judges it."""
    text = _column(column)
    ts = _seconds(text)
    now = F.current_timestamp() if now is None else now
    outside = (ts < F.lit(EVENT_TIME_RANGE["earliest"]).cast("timestamp")) | (ts > now + F.expr("INTERVAL %d SECONDS" % EVENT_TIME_RANGE["maxAheadSeconds"]))
    return (
        F.when(~text.rlike(EVENT_TIME_PATTERN), F.lit(INVALID))
        .when(F.substring(text, 1, 4).cast("int") < 1970, F.lit(OUT_OF_RANGE))
        .when(ts.isNull(), F.lit(INVALID))
        .when(outside, F.lit(OUT_OF_RANGE))
    )


def _seconds(text) -> Column:
    """The time to the whole second that a text matching the pattern names: its first 19 characters (the
    pattern fixes where the date and the time to the second sit; fractions and zone are cut) cast to a
    timestamp in the session's zone, UTC (io.configure). A date or time that does not exist (02-31, 24:00,
    :60) casts to null. The cast is Spark's own parser: on the 1M real rows ~3x cheaper than rewriting
    the text for to_timestamp with a format, with the same result on every edge case tried."""
    return F.substring(text, 1, 19).cast("timestamp")


def parse_event_time(column, now=None) -> Column:
    """The Spark side's one event-time parser (purchases clean, behaviour clean, the streaming job):
    a timestamp to the whole second (fractions cut, as every batch output keeps it) for a time the
    contract accepts, null otherwise (event_time_problem says why)."""
    text = _column(column)
    return F.when(event_time_problem(text, now).isNull(), _seconds(text))


TIME_PROBLEM = "event_time_problem"


def with_event_time(df, now=None):
    """`df` with `event_ts` (as parse_event_time gives it) and the time's verdict as column TIME_PROBLEM,
    computed once per row: pass F.col(TIME_PROBLEM) to field_checks, whose two time checks then read it too
    (Spark keeps an expensive expression used three times as one column instead of inlining it thrice), and
    drop the column after the checks."""
    problem = F.col(TIME_PROBLEM)
    return df.withColumn(TIME_PROBLEM, event_time_problem("event_time", now)).withColumn("event_ts", F.when(problem.isNull(), _seconds(F.col("event_time"))))


def field_checks(product, extra=None, now=None, time_problem=None):
    """[(failed, reject code)] in the contract's order for a product's rules (`RULES`, purchases, or the
    contract's `behaviour`: required, id and text fields and the reason order); the first failure names
    the row's reason. `extra`: the product's own checks by code (behaviour: the event type, no user and
    no session). `time_problem`: event_time_problem's column when the caller has computed it already."""
    time_problem = event_time_problem("event_time", now) if time_problem is None else time_problem
    checks = {"missing_" + field: F.col(field).isNull() for field in product["required_fields"]}
    checks.update({"invalid_" + field: F.col(field).isNotNull() & ~F.col(field).rlike(ID_PATTERN) for field in product["id_fields"]})
    checks["invalid_event_time"] = F.col("event_time").isNotNull() & (time_problem == INVALID)
    checks["out_of_range_event_time"] = F.col("event_time").isNotNull() & (time_problem == OUT_OF_RANGE)
    checks["invalid_price"] = F.col("price").isNotNull() & ~F.col("price").rlike(PRICE_PATTERN)
    checks.update({"invalid_" + field: F.col(field).isNotNull() & F.col(field).rlike(CONTROL_CHARACTER_PATTERN) for field in product["text_fields"]})
    checks.update(extra or {})
    assert set(checks) == set(product["field_reject_reasons"]), "every contract field check needs a Spark expression"
    return [(checks[reason], reason) for reason in product["field_reject_reasons"]]
