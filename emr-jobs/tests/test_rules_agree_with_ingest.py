"""contract/rules.ts's examples through clean's real row checks: the same table runs through
ingest's (test/ingest/rows-are-validated-and-normalised.test.ts), so the halves cannot drift."""
import json

import pytest

from recstream_jobs import clean
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

