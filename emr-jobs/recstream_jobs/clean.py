"""clean's rules: Firehose gzip JSON lines -> curated line items + report + quarantine (the `clean` job that
writes them, only for what is new: incremental.py).

Rules, in order (README.md "clean" explains each):
1. Parse with an explicit schema; a line that is not JSON is quarantined (`malformed_json`).
2. Empty strings are missing values (the real data sends `""` and `null` for the same thing).
3. Shifted rows are repaired: the source CSV has rows whose category_id is empty and whose
   price and user_id sit one/two columns left (category_code = price, brand = user_id).
4. Rows missing a required field or breaking the id, price or time rule (contract/rules.ts, the
   same rules and reject codes as ingest) are quarantined with the first failing reason.
5. A re-delivered PurchaseEventV1 (same source + line) is dropped: it is the same CSV line.
5b. Rows of an upload that did not complete (no completion record from ingest, or not all its rows
   landed yet) are held back as `incomplete_upload`, rows of an upload a later complete upload of the
   same key replaced as `superseded_upload` (uploads.py); both are quarantined and counted.
6. Identical remaining rows are one line item bought several times: merged, counted in `quantity`.
7. 1970-01-01 times are missing times (an absent time is `missing_event_time`, rule 4): kept (revenue, brands ...) but `event_time` is null and
   the month partition is `undated`, so time-based metrics skip them.
8. Missing category_code is filled from the category_id's most frequent code; a missing
   category_id (shifted rows) from the product's most frequent category; brand from the
   product's most frequent brand.
"""
from collections import namedtuple

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from . import fills, partitions, rules, uploads
from .contract import LAKE
from .progress import progress
from .schema import CORRUPT, PRICE_TYPE, RAW_SCHEMA

STRING_FIELDS = tuple(f.name for f in RAW_SCHEMA.fields if f.dataType.typeName() == "string" and f.name != CORRUPT)
CURATED_COLUMNS = ("event_time", "order_id", "product_id", "category_id", "category_code", "brand", "price", "user_id", "quantity", "month")
LINE_ITEM_KEY = ("event_ts", "order_id", "product_id", "category_id", "category_code", "brand", "price", "user_id")
log = progress("clean")
COMBO_FIELDS = fills.Combo._fields[:-1]
# The broadcast table of fills.Fill rows, the combination's fields renamed `from_` so both sides of the join keep theirs.
FILL_SCHEMA = ", ".join(["from_%s string" % c for c in COMBO_FIELDS] + ["%s string" % c for c in fills.Fill._fields[len(COMBO_FIELDS):]])


def read_raw(spark: SparkSession, path: str) -> DataFrame:
    return (
        spark.read.schema(uploads.READ_SCHEMA)
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", CORRUPT)
        .option("recursiveFileLookup", "true")
        .json(path)
        .withColumn("input_file", F.input_file_name())
    )


def normalise(raw: DataFrame) -> DataFrame:
    """Rules 2-3: missing values are null; shifted rows get their price and user back."""
    df = raw.select(*[rules.blank_to_null(c).alias(c) if c in STRING_FIELDS else F.col(c) for c in raw.columns])
    shifted = (
        F.col("category_id").isNull()
        & F.col("price").isNull()
        & F.col("category_code").rlike(rules.PRICE_PATTERN)
        & (F.col("brand").isNull() | F.col("brand").rlike(rules.ID_PATTERN))
    )
    # One select, so every expression sees the columns as read, not half-repaired.
    return df.select(
        *[c for c in df.columns if c not in ("price", "user_id", "category_code", "brand")],
        shifted.alias("repaired_shift"),
        F.when(shifted, F.col("category_code")).otherwise(F.col("price")).alias("price"),
        F.when(shifted, F.coalesce("user_id", "brand")).otherwise(F.col("user_id")).alias("user_id"),
        F.when(shifted, None).otherwise(F.col("category_code")).alias("category_code"),
        F.when(shifted, None).otherwise(F.col("brand")).alias("brand"),
    )


def with_reject_reason(df: DataFrame) -> DataFrame:
    """Rule 4: the first failing check names the row's quarantine reason (null = good row)."""
    with_time = rules.with_event_time(df)
    checks = [(F.col(CORRUPT).isNotNull(), rules.MALFORMED_JSON)] + rules.field_checks(rules.RULES, time_problem=F.col(rules.TIME_PROBLEM))
    reason = F.lit(None).cast("string")
    for failed, name in reversed(checks):
        reason = F.when(failed, F.lit(name)).otherwise(reason)
    return with_time.withColumn("reject_reason", reason).drop(rules.TIME_PROBLEM)


def drop_redeliveries(good: DataFrame) -> DataFrame:
    """Rule 5: one row per (source, line); rows without an origin pass untouched."""
    has_origin = F.col("source").isNotNull() & F.col("line").isNotNull()
    return good.filter(has_origin).dropDuplicates(["source", "line"]).unionByName(good.filter(~has_origin))


def merge_quantities(deduped: DataFrame) -> DataFrame:
    """Rules 6-7: identical rows -> one line item with a quantity; 1970 -> undated."""
    items = deduped.groupBy(*LINE_ITEM_KEY).agg(F.count(F.lit(1)).cast("int").alias("quantity"))
    dated = F.year("event_ts") > 1970
    return (
        items.withColumn("undated", ~dated)
        .withColumn("event_time", F.when(dated, F.col("event_ts")))
        .withColumn("month", partitions.month_of("event_ts"))
        .withColumn("price", F.col("price").cast(PRICE_TYPE))
        .drop("event_ts")
    )


def combinations(items: DataFrame, *by) -> DataFrame:
    """Rule 8's input: the line items' distinct (product, category, code, brand) combinations (per `by`
    too) with every count the report needs of them: line items, units, undated ones, guests'."""
    return items.groupBy(*by, *COMBO_FIELDS).agg(
        F.count(F.lit(1)).alias("n"),
        F.sum("quantity").alias("units"),
        _count_if(F.col("undated")).alias("undated"),
        _count_if(F.col("user_id").isNull()).alias("guests"),
    )


def combo_stats(rows):
    """(the rule-8 table, the report's line-item counts) of combination rows (combinations() collected,
    or their sums over months): every count the report needs of the line items is a sum over them."""
    combos = [fills.Combo(*[r[f] for f in fills.Combo._fields]) for r in rows]
    table = fills.fills(combos)
    stats = {
        "line_items": sum(c.n for c in combos),
        "units": sum(r["units"] for r in rows),
        "undated": sum(r["undated"] for r in rows),
        "missing_user_id": sum(r["guests"] for r in rows),
        **fills.counts(combos, table),
    }
    return table, stats


def apply_fills(spark: SparkSession, items: DataFrame, table) -> DataFrame:
    """The line items with rule 8's fills from `table` (fills.Fill rows), one broadcast join."""
    if not table:
        return items
    by_combo = spark.createDataFrame(table, FILL_SCHEMA)
    # Null-safe: the combinations that get a fill are the ones with a missing value.
    matches = [items[c].eqNullSafe(by_combo["from_" + c]) for c in COMBO_FIELDS]
    joined = items.join(F.broadcast(by_combo), matches, "left")
    return joined.select(*[c for c in items.columns if c not in fills.FILLED_FIELDS], *[F.coalesce(f, "to_" + f).alias(f) for f in fills.FILLED_FIELDS])


def fill_details(spark: SparkSession, items: DataFrame):
    """Rule 8, decided on the driver (fills.py) from one collected table of combinations: (the line
    items with their fills, the report's line-item counts)."""
    table, stats = combo_stats(combinations(items).collect())
    return apply_fills(spark, items, table), stats


def _count_if(condition):
    return F.sum(F.when(condition, 1).otherwise(0))


def build_report(input_rows, quarantined, repaired, deduped_rows, curated_stats):
    good_rows = input_rows - sum(quarantined.values())
    return {
        "input_rows": input_rows,
        "quarantined": quarantined,
        "repaired": {"shifted_columns": repaired},
        "dropped": {
            "redelivered_duplicate": good_rows - deduped_rows,
            "merged_into_quantity": deduped_rows - curated_stats["line_items"],
        },
        "undated": {"time_1970_or_missing": curated_stats["undated"]},
        "filled": {
            "category_id_from_product": curated_stats["filled_category_id"],
            "category_code_from_category_id": curated_stats["filled_category_code"],
            "brand_from_product": curated_stats["filled_brand"],
        },
        "still_missing": {
            "category_code": curated_stats["missing_category_code"],
            "brand": curated_stats["missing_brand"],
            "user_id": curated_stats["missing_user_id"],
        },
        "output": {"line_items": curated_stats["line_items"], "units": curated_stats["units"]},
        "rule": "input_rows = sum(quarantined) + redelivered_duplicate + merged_into_quantity + line_items",
    }


# What the driver learns from one pass over the checked input (count_outcomes): rows read (completion
# records are not rows), shifted rows repaired, {reject reason: rows}, {source: distinct good lines
# landed} and the completion records as (source, rows, uploaded_at).
Outcomes = namedtuple("Outcomes", "input_rows repaired quarantined landed completions")
COMPLETION = "is_completion"


def count_outcomes(checked: DataFrame) -> Outcomes:
    """One job: a row per (completion record or not, reject reason, source, a completion's fields)."""
    # A row without a line number cannot be a re-delivery of another: each counts.
    lines = F.countDistinct("line") + _count_if(F.col("line").isNull())
    groups = checked.groupBy(COMPLETION, "reject_reason", "source", "rows", "uploaded_at").agg(
        F.count(F.lit(1)).alias("n"), _count_if(F.col("repaired_shift")).alias("repaired"), lines.alias("lines")
    )
    return outcomes(groups.collect())


def outcomes(groups) -> Outcomes:
    """count_outcomes' rows -> Outcomes."""
    rows = [g for g in groups if not g[COMPLETION]]
    good = [g for g in rows if g["reject_reason"] is None]
    quarantined = {}
    for g in rows:
        if g["reject_reason"] is not None:
            quarantined[g["reject_reason"]] = quarantined.get(g["reject_reason"], 0) + g["n"]
    landed = {}
    for g in good:
        if g["source"] is not None:
            landed[g["source"]] = landed.get(g["source"], 0) + g["lines"]
    completions = [(g["source"], g["rows"], g["uploaded_at"]) for g in groups if g[COMPLETION]]
    return Outcomes(sum(g["n"] for g in rows), sum(g["repaired"] for g in good), quarantined, landed, completions)


def judge_uploads(good: DataFrame, seen: Outcomes):
    """Rule 5b, decided per upload on the driver: (rows that count, rows held back with their
    reason); adds the held-back counts to `seen.quarantined`."""
    held = uploads.verdicts(seen.landed, seen.completions)
    for source, reason in held.items():
        seen.quarantined[reason] = seen.quarantined.get(reason, 0) + seen.landed[source]
    judged = good.withColumn("held", uploads.held_reason(held))
    held_back = drop_redeliveries(judged.filter(F.col("held").isNotNull())).withColumn("reject_reason", F.col("held")).drop("held")
    return judged.filter(F.col("held").isNull()).drop("held"), held_back


def clean(spark: SparkSession, raw: DataFrame):
    """Returns (curated line items, quarantined rows, report); nothing is written. Both come back
    cached: the caller unpersists them (the pipeline job hands the line items to recommend and analyse)."""
    checked = with_reject_reason(normalise(raw.withColumn(COMPLETION, uploads.is_completion()))).persist()
    seen = count_outcomes(checked)
    log("read %d rows, %d quarantined" % (seen.input_rows, sum(seen.quarantined.values())))
    rows = checked.filter(~F.col(COMPLETION)).drop(COMPLETION, *uploads.CONTROL_FIELDS)
    counted, held_back = judge_uploads(rows.filter(F.col("reject_reason").isNull()), seen)
    items = merge_quantities(drop_redeliveries(counted)).persist()
    filled, stats = fill_details(spark, items)
    curated = filled.select(*CURATED_COLUMNS).persist()
    curated.count()
    items.unpersist()
    log("%d line items after dropping re-deliveries and merging repeats" % stats["line_items"])
    # Every deduplicated row ends up as one unit of some line item.
    report = build_report(seen.input_rows, seen.quarantined, seen.repaired, stats["units"], stats)
    rejects = rows.filter(F.col("reject_reason").isNotNull()).unionByName(held_back).drop("repaired_shift", "event_ts")
    if sum(seen.quarantined.values()) == 0:
        # The tally already says there are none: an empty frame of their columns, no pass to find them.
        rejects = rejects.limit(0)
    else:
        # The rejects are few; once they are kept, the whole input need not be.
        rejects.persist().count()
    checked.unpersist()
    return curated, rejects, report
