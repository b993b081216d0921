"""The job's live-state writer (realtime_jobs/activity_store.py, issue 24) against a real DynamoDB-protocol server
(dynalite, the twin's): the items it stores read back equal to what the job made, in the wire format boto3's own
serializer makes; of two versions of a customer handed over one after the other the newest is stored; a write that
fails (no such table) is raised by the next hand-over, not lost."""
import os
import subprocess
import time

import boto3
import pytest
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from realtime_jobs import activity, live
from realtime_jobs.activity_store import KEY, DynamoActivityStore, wire

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
TABLE = "live-state"
T0 = 1_572_566_400_000


@pytest.fixture(scope="module")
def endpoint():
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "twin")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "twin")
    server = subprocess.Popen(
        ["node", "-e", "const s = require('dynalite')({ createTableMs: 0 }); s.listen(0, '127.0.0.1', () => console.log(s.address().port))"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    url = "http://127.0.0.1:%s" % server.stdout.readline().strip()
    client = boto3.client("dynamodb", region_name="us-east-1", endpoint_url=url)
    client.create_table(TableName=TABLE, KeySchema=[{"AttributeName": KEY, "KeyType": "HASH"}], AttributeDefinitions=[{"AttributeName": KEY, "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    yield url
    server.terminate()
    server.wait()


def item(user, products, written_ms=T0):
    held = {"session": "s-" + user, "last": T0, "interactions": [[T0 - i * 1000, "view", p, "electronics.audio" if i else None, "acme", "9.99" if i else None] for i, p in enumerate(products)]}
    return activity.item(user, held, written_ms, live.iso)


def stored(endpoint, user):
    answer = boto3.client("dynamodb", region_name="us-east-1", endpoint_url=endpoint).get_item(TableName=TABLE, Key={KEY: {"S": user}}, ConsistentRead=True)
    return None if "Item" not in answer else {k: TypeDeserializer().deserialize(v) for k, v in answer["Item"].items()}


def wait_for(probe, seconds=10):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_items_are_written_as_boto3_would_write_them_and_read_back_equal(endpoint):
    items = [item(str(u), [str(100 + u), "7", "8"]) for u in range(60)]
    assert all({k: wire(v) for k, v in i.items()} == {k: TypeSerializer().serialize(v) for k, v in i.items()} for i in items)
    store = DynamoActivityStore(TABLE, endpoint=endpoint)
    store.put_all(items)
    for i in items:
        # Numbers read back as Decimal: equal to the ints written.
        assert wait_for(lambda: stored(endpoint, i[KEY])) == i
    assert store.report().startswith("live state 60 items written in ")
    with pytest.raises(TypeError):
        wire(1.5)


def test_the_newest_version_of_a_customer_is_the_one_stored(endpoint):
    store = DynamoActivityStore(TABLE, endpoint=endpoint)
    versions = [item("42", [str(p) for p in range(n, 0, -1)], T0 + n * 1000) for n in range(1, 30)]
    for v in versions:
        store.put_all([v])
    assert wait_for(lambda: (stored(endpoint, "42") or {}).get("written_at") == versions[-1]["written_at"] and stored(endpoint, "42"))
    time.sleep(0.5)
    assert stored(endpoint, "42") == versions[-1]


def test_a_failed_write_is_raised_by_the_next_hand_over(endpoint):
    store = DynamoActivityStore("no-such-table", endpoint=endpoint)
    store.put_all([item("1", ["5"])])
    with pytest.raises(RuntimeError, match="writing the live-state items failed: .*ResourceNotFoundException"):
        wait_for(lambda: store.put_all([item("1", ["6"])]) or None, seconds=10)
