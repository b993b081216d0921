"""Where the job writes each changed customer's live-state item (activity.item): a DynamoDB table with a TTL on
AWS (lib/live-state.ts), the twin's DynamoDB-protocol server locally (`--dynamodb-endpoint`), through the same
boto3 calls. Idempotent by key: a batch run again after a restart writes the same items again.

The writes run on a thread of their own, beside the micro-batches: a batch hands its changed customers' items over
and goes on (its counts wait for no write). Items waiting for the writer are kept per customer, the newest only, so
a writer that falls behind writes each customer once with what the job holds now instead of every version between:
what it has to write is bounded by the active customers, not by the events. A failed write fails the next batch
(the job stops and is restarted, and a restarted job writes every held customer again)."""
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from .contract import REALTIME

KEY = REALTIME["liveRecommendations"]["partitionKey"]
# BatchWriteItem's limit.
_CHUNK = 25


def wire(value):
    """A value in DynamoDB's JSON, as boto3's TypeSerializer makes it of these types, at a fraction of its cost
    (0.048 against 0.108 ms an item of four interactions with isinstance tests; less by type lookup); a float is
    refused, as TypeSerializer does."""
    make = _WIRE.get(type(value))
    if make is None:
        raise TypeError("no DynamoDB type for %r" % (value,))
    return make(value)


_WIRE = {
    type(None): lambda v: {"NULL": True},
    bool: lambda v: {"BOOL": v},
    str: lambda v: {"S": v},
    int: lambda v: {"N": str(v)},
    list: lambda v: {"L": [wire(x) for x in v]},
    dict: lambda v: {"M": {k: wire(x) for k, x in v.items()}},
}


class _AsIs:
    """A client's serializer whose BatchWriteItem body is its parameters' JSON as they stand: they are DynamoDB JSON
    already (wire()), and botocore's own serializer walks every attribute of every item through the API model again
    (0.100 against 0.020 ms an item of four interactions, measured). Every other operation goes to botocore's."""

    def __init__(self, serializer):
        self.serializer = serializer

    def serialize_to_request(self, parameters, operation_model):
        if operation_model.name != "BatchWriteItem":
            return self.serializer.serialize_to_request(parameters, operation_model)
        request = self.serializer.serialize_to_request({}, operation_model)
        request["body"] = json.dumps(parameters).encode("utf-8")
        return request


class DynamoActivityStore:
    def __init__(self, table_name, region=None, endpoint=None, threads=4):
        import boto3  # only a job that writes live state needs it
        from botocore.config import Config

        # The items are made here, of known types: botocore's check of every attribute would cost as much as the call.
        config = Config(parameter_validation=False, max_pool_connections=threads)
        self.client = boto3.client("dynamodb", region_name=region or "us-east-1", endpoint_url=endpoint, config=config)
        self.client._serializer = _AsIs(self.client._serializer)  # no public hook skips the model walk
        self.table = table_name
        self.pool = ThreadPoolExecutor(max_workers=threads)
        self.changed = threading.Condition()
        self.waiting = {}
        self.failure = None
        self.written, self.busy_s = 0, 0.0
        threading.Thread(target=self._write_forever, name="live-state-writer", daemon=True).start()

    def put_all(self, items):
        """Hands the items to the writer (a newer item of a customer replaces one still waiting) and returns at once;
        raises when an earlier write failed."""
        with self.changed:
            if self.failure is not None:
                raise RuntimeError("writing the live-state items failed: %s" % self.failure) from self.failure
            for item in items:
                self.waiting[item[KEY]] = item
            self.changed.notify()

    def report(self):
        """Items written and seconds spent writing since the last report, and how many wait: for the batch log line."""
        with self.changed:
            written, busy, self.written, self.busy_s = self.written, self.busy_s, 0, 0.0
            return "live state %d items written in %.2f s, %d waiting" % (written, busy, len(self.waiting))

    def _write_forever(self):
        while True:
            with self.changed:
                while not self.waiting:
                    self.changed.wait()
                items, self.waiting = list(self.waiting.values()), {}
            started = time.time()
            try:
                requests = [{"PutRequest": {"Item": {k: wire(v) for k, v in item.items()}}} for item in items]
                for done in [self.pool.submit(self._write, requests[i : i + _CHUNK]) for i in range(0, len(requests), _CHUNK)]:
                    done.result()
            except Exception as error:  # noqa: BLE001 - any failure is the next batch's to raise
                with self.changed:
                    self.failure = error
                return
            with self.changed:
                self.written += len(items)
                self.busy_s += time.time() - started

    def _write(self, requests):
        """One BatchWriteItem of at most 25 puts, sending again what the table left unprocessed (with a growing pause)."""
        pause = 0.05
        while requests:
            answer = self.client.batch_write_item(RequestItems={self.table: requests})
            requests = answer.get("UnprocessedItems", {}).get(self.table, [])
            if requests:
                time.sleep(pause)
                pause = min(pause * 2, 1.0)


class NoActivityStore:
    """A job started without a live-state table: customers' activity is kept in the state but written nowhere."""

    def put_all(self, items):
        pass

    def report(self):
        return "no live-state table"


def open_activity_store(args):
    return DynamoActivityStore(args.live_table, args.region, args.dynamodb_endpoint) if args is not None and args.live_table else NoActivityStore()
