"""The behaviour clean step's checks (behaviour_jobs.events.checked) on the examples table the
collector's rules are tested on (test/realtime/collector-rules-agree-with-the-behaviour-clean-step.test.ts)."""
import json
import os

import pytest

from behaviour_jobs import events

TABLE_PATH = os.path.join(os.path.dirname(__file__), "..", "..", "..", "test", "fixtures", "behaviour-rule-examples.json")
with open(TABLE_PATH) as source:
    TABLE = json.load(source)
EXAMPLES = TABLE["examples"]


@pytest.fixture(scope="module")
def reasons(spark):
    rows = []
    for i, example in enumerate(EXAMPLES):
        row = {**TABLE["good"], **example["change"], "v": 1, "source": "examples", "line": i}
        rows.append(tuple(row.get(f.name) for f in events.RAW_SCHEMA.fields))
    checked = events.checked(spark.createDataFrame(rows, events.RAW_SCHEMA)).select("line", "reject_reason").collect()
    return {r["line"]: r["reject_reason"] for r in checked}


@pytest.mark.parametrize("index", range(len(EXAMPLES)), ids=[json.dumps(e["change"]) for e in EXAMPLES])
def test_clean_gives_every_example_the_collectors_reason(reasons, index):
    assert reasons[index] == EXAMPLES[index]["reason"]
