"""contract/rules.ts's examples through clean's real row checks: the same table runs through
ingest's (test/ingest/rows-are-validated-and-normalised.test.ts), so the halves cannot drift."""
import json

import pytest
from pyspark.sql import functions as F

from recstream_jobs import clean, rules
from recstream_jobs.contract import RULES
from recstream_jobs.schema import RAW_SCHEMA

EXAMPLES = RULES["examples"]


@pytest.fixture(scope="module")
def outcomes(spark):
    """(field, value) -> clean's reject reason (None: accepted) for every example row."""
    rows = [{**RULES["example_row"], e["field"]: e["value"], "line": i} for i, e in enumerate(EXAMPLES)]
    raw = spark.createDataFrame([tuple(row.get(f.name) for f in RAW_SCHEMA.fields) for row in rows], RAW_SCHEMA)
    checked = clean.with_reject_reason(clean.normalise(raw)).select("line", "reject_reason").collect()
    return {r["line"]: r["reject_reason"] for r in checked}


@pytest.mark.parametrize("index", range(len(EXAMPLES)), ids=[json.dumps(e["field"] + "=" + e["value"]) for e in EXAMPLES])
def test_clean_gives_every_example_the_contract_reason(outcomes, index):
    assert outcomes[index] == EXAMPLES[index]["reason"]


def test_the_example_row_itself_is_accepted(spark):
    raw = spark.createDataFrame([tuple(RULES["example_row"].get(f.name) for f in RAW_SCHEMA.fields)], RAW_SCHEMA)
    assert clean.with_reject_reason(clean.normalise(raw)).first()["reject_reason"] is None



EVENT_TIMES = RULES["event_time_examples"]


@pytest.fixture(scope="module")
def event_time_outcomes(spark):
    """value -> the parser's outcome (its problem, else the ISO time) for every example, in one Spark query."""
    now = F.lit(EVENT_TIMES["now"]).cast("timestamp")
    values = spark.createDataFrame([(e["value"],) for e in EVENT_TIMES["examples"]], "t string")
    rows = values.select(
        "t", F.date_format(rules.parse_event_time("t", now), "yyyy-MM-dd'T'HH:mm:ss'Z'").alias("iso"), rules.event_time_problem("t", now).alias("problem")
    ).collect()
    return {row["t"]: row["problem"] or row["iso"] for row in rows}


@pytest.mark.parametrize("example", EVENT_TIMES["examples"], ids=[e["value"] for e in EVENT_TIMES["examples"]])
def test_the_spark_event_time_parser_gives_every_contract_example_its_outcome(event_time_outcomes, example):
    """The one Spark-side parser (clean, behaviour clean and the streaming job call it) on the table
    the TypeScript parser runs too (test/realtime/collector-rules-agree-with-the-behaviour-clean-step.test.ts)."""
    assert event_time_outcomes[example["value"]] == example["expected"]
