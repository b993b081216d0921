"""Where the job writes each changed customer's live-state item (activity.item): a DynamoDB table with a TTL on
AWS (lib/live-state.ts), the twin's DynamoDB-protocol server locally (`--dynamodb-endpoint`), through the same
boto3 calls. Idempotent by key: a batch run again after a restart writes the same items again."""
from concurrent.futures import ThreadPoolExecutor

# BatchWriteItem's limit; boto3's batch_writer sends 25 at a time and resends unprocessed items.
_CHUNK = 25


class DynamoActivityStore:
    def __init__(self, table_name, region=None, endpoint=None, threads=4):
        import boto3  # only a job that writes live state needs it

        self.table = boto3.resource("dynamodb", region_name=region or "us-east-1", endpoint_url=endpoint).Table(table_name)
        self.pool = ThreadPoolExecutor(max_workers=threads)

    def _write(self, items):
        with self.table.batch_writer(overwrite_by_pkeys=[]) as batch:
            for item in items:
                batch.put_item(Item=item)

    def put_all(self, items):
        """Writes every item (chunks in parallel); returns once all are stored, raising the first failure."""
        chunks = [items[i : i + _CHUNK] for i in range(0, len(items), _CHUNK)]
        for done in [self.pool.submit(self._write, chunk) for chunk in chunks]:
            done.result()


class NoActivityStore:
    """A job started without a live-state table: customers' activity is kept in the state but written nowhere."""

    def put_all(self, items):
        pass


def open_activity_store(args):
    return DynamoActivityStore(args.live_table, args.region, args.dynamodb_endpoint) if args is not None and args.live_table else NoActivityStore()
