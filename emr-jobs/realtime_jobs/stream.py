"""The streaming job: one Structured Streaming query over the `events` and `purchases` topics.

Exactly once across restarts, by two mechanisms working together: Spark's checkpoint records each
micro-batch's Kafka offsets before the batch runs (so a batch run again after a crash has the same
id and the same records), and the sink keys everything by batch id (a batch id already folded is
skipped; its partial file is rewritten whole at most). Nothing commits offsets to Kafka."""
import gc
import os
import threading
import time

from . import activity, live, partials
from .activity_store import open_activity_store
from .intent_scores import LiveScorer
from .contract import LAKE, REALTIME
from .store import batch_ids, batch_key, open_store


def kafka_options(bootstrap, auth):
    """Kafka source options; `iam` is MSK's IAM auth (the aws-msk-iam-auth jar on the classpath)."""
    options = {
        "kafka.bootstrap.servers": bootstrap,
        "subscribe": ",".join(REALTIME["topics"]),
        # Only the first start reads from the beginning; afterwards the checkpoint's offsets rule.
        "startingOffsets": "earliest",
        "maxOffsetsPerTrigger": str(REALTIME["maxRecordsPerBatch"]),
    }
    if auth == "iam":
        options.update(
            {
                "kafka.security.protocol": "SASL_SSL",
                "kafka.sasl.mechanism": "AWS_MSK_IAM",
                "kafka.sasl.jaas.config": "software.amazon.msk.auth.iam.IAMLoginModule required;",
                "kafka.sasl.client.callback.handler.class": "software.amazon.msk.auth.iam.IAMClientCallbackHandler",
            }
        )
    return options


def restore(store):
    """The folded state after the last batch whose partial was stored: the compacted state plus every later batch file."""
    state = store.get(LAKE["stateKey"]) or live.empty_state()
    for batch_id in batch_ids(store):
        if batch_id > state["batch_id"]:
            live.fold(state, store.get(batch_key(batch_id)))
    return state


def _jvm_cpu(pid):
    """CPU seconds the JVM of `pid` has used (Linux /proc), or None where that cannot be read."""
    try:
        with open("/proc/%d/stat" % pid) as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


class _Clock:
    """Where a micro-batch's time goes, for its log line: seconds per phase, and the CPU seconds the driver's JVM and
    Python used meanwhile (on shared cores a batch's seconds say little without them)."""

    def __init__(self, jvm_pid=None):
        self.started = self.last = time.time()
        self.phases = []
        self.jvm_pid = jvm_pid
        self.cpu_started = (time.process_time(), _jvm_cpu(jvm_pid) if jvm_pid else None)

    def cpu(self):
        python = time.process_time() - self.cpu_started[0]
        jvm = _jvm_cpu(self.jvm_pid) if self.cpu_started[1] is not None else None
        return "cpu python %.2f s" % python + ("" if jvm is None else ", jvm %.2f s" % (jvm - self.cpu_started[1]))

    def lap(self, name):
        now = time.time()
        self.phases.append((name, now - self.last))
        self.last = now

    def total(self):
        return self.last - self.started

    def laps(self):
        return ", ".join("%s %.2f" % phase for phase in self.phases)


class LiveSink:
    """foreachBatch target (a batch of keyed rows, partials.keyed_rows): partial -> batch file -> fold -> live view ->
    intent scores -> live view with them, and now and then a compaction.
    The scores are not state: they are computed again from the restored state and the served model."""

    def __init__(self, store, log, scorer, partitions=0, activity_store=None, jvm_pid=None):
        self.store = store
        self.jvm_pid = jvm_pid
        self.activity_store = activity_store or open_activity_store(None)
        self.log = log
        self.scorer = scorer
        self.partitions = partitions
        # The running query (set by start()): its last trigger's durations go on the next batch's log line.
        self.query = None
        # foreachBatch runs on the query's thread, the heartbeat on the driver's main thread.
        self.lock = threading.Lock()
        # The view last written (a restarted job's predecessor's, until its first batch): what a heartbeat re-dates.
        self.last_view = store.get(LAKE["liveKey"])
        self.last_write_ms = 0
        self.state = restore(store)
        # A batch folded from its file on restore may have died before its live-state items were written (or while
        # they waited for the writer): every held customer's item is written again (idempotent by key), so none is lost.
        self._put_activity(sorted(self.state.get("activity", {})))
        scorer.refresh_model()
        log("restored through batch %d (%d events so far)" % (self.state["batch_id"], sum(self.state["totals"]["events"].values())))

    def __call__(self, batch, batch_id):
        with self.lock:
            self._fold_batch(batch, batch_id)

    def _put_view(self, view):
        self.store.put(LAKE["liveKey"], view)
        self.last_view = view
        self.last_write_ms = int(time.time() * 1000)

    def heartbeat(self, now_ms):
        """Re-dates the last view's `alive_at` when nothing was written for heartbeatSeconds (no records)."""
        with self.lock:
            if self.last_view is not None and now_ms - self.last_write_ms >= REALTIME["heartbeatSeconds"] * 1000:
                self._put_view(dict(self.last_view, alive_at=live.iso(now_ms)))

    def _fold_batch(self, batch, batch_id):
        if batch_id <= self.state["batch_id"]:
            self.log("batch %d was folded before the restart; skipped" % batch_id)
            return
        clock = _Clock(self.jvm_pid)
        partial = partials.collect(batch.coalesce(self.partitions) if self.partitions else batch, batch_id)
        clock.lap("partial")
        self.store.put(batch_key(batch_id), partial)
        clock.lap("batch file")
        live.fold(self.state, partial)
        clock.lap("fold")
        # The changed customers' live-state items go to the writer first (it writes them beside the view: a live
        # list waits for no view), then the batch's counts with the scores as they stood; then the changed sessions
        # are scored (a Spark job while a model is served) and the view is written again if any score changed.
        self._put_activity()
        clock.lap("live state")
        as_of = self.state["as_of_ms"]
        previous = self.scorer.current(self.state, as_of, live.ACTIVE_MS)
        self._put_view(live.view(self.state, int(time.time() * 1000), previous))
        clock.lap("view")
        scores = self.scorer.update(self.state, as_of, live.ACTIVE_MS)
        clock.lap("scores")
        if scores != previous:
            self._put_view(live.view(self.state, int(time.time() * 1000), scores))
            clock.lap("scored view")
        if batch_id % REALTIME["compactEveryBatches"] == 0:
            self.compact()
            clock.lap("compaction")
        settle_garbage(full=batch_id % REALTIME["compactEveryBatches"] == 0)
        clock.lap("gc")
        records_in = sum(n for _, _, n, _ in partial["minutes"]) + partial["unreadable"]
        changed = len(self.state.get("activity_changed", []))
        self.log("batch %d: %d records in %.2f s (%s); %d customers changed; %s; %s%s" % (batch_id, records_in, clock.total(), clock.laps(), changed, self.activity_store.report(), clock.cpu(), self._last_trigger()))

    def _last_trigger(self):
        """The previous trigger's durations as Spark reports them (ms): what a cycle spends outside this sink."""
        progress = self.query.lastProgress if self.query is not None else None
        if not progress:
            return ""
        return "; trigger before: " + ", ".join("%s %d" % kv for kv in sorted(progress.get("durationMs", {}).items()))

    def _put_activity(self, users=None):
        """Hands the live-state items of `users`, default the customers this batch changed, to the writer (live
        recommendations read them); it writes them beside the next batches (activity_store.py)."""
        held = self.state.get("activity", {})
        written_ms = int(time.time() * 1000)
        changed = self.state.get("activity_changed", []) if users is None else users
        self.activity_store.put_all([activity.item(user, held[user], written_ms, live.iso) for user in changed if user in held])

    def compact(self):
        self.store.put(LAKE["stateKey"], self.state)
        for batch_id in batch_ids(self.store):
            if batch_id <= self.state["batch_id"]:
                self.store.delete(batch_key(batch_id))


def settle_garbage(full):
    """Python's collector after a batch: this batch's garbage cycles are freed and what survives is frozen (left out of
    later collections). The state is ~1M objects at 55,000 held customers, and every automatic full collection walked
    them all: 1.0-2.1 s stalls, 3 in 20 batches; frozen, a collection walks only a batch's new objects (16 ms a batch;
    the slowest fold + view of 20 batches 0.67 s against 2.90 s; 40 partials of 4,000 records, outside the job). The state's dicts and lists
    hold no cycles, so refcounting still frees them when evicted; `full` (with each compaction) unfreezes and collects
    everything, so a cycle that became garbage after its freeze lives until the next compaction at most."""
    if full:
        gc.unfreeze()
    gc.collect()
    gc.freeze()


def add_arguments(parser):
    parser.add_argument("--bootstrap", required=True, help="Kafka bootstrap servers")
    parser.add_argument("--lake", required=True, help="lake root (folder or s3://bucket): checkpoint and live view under realtime/")
    parser.add_argument("--auth", choices=("plaintext", "iam"), default="plaintext")
    parser.add_argument(
        "--batch-partitions",
        type=int,
        default=0,
        help="read each micro-batch in this many tasks instead of one per Kafka partition (0); on few cores, fewer tasks cost less",
    )
    parser.add_argument("--live-table", help="DynamoDB table of the customers' live state (live recommendations); none: not written")
    parser.add_argument("--region", help="the live-state table's AWS region")
    parser.add_argument("--dynamodb-endpoint", help="a DynamoDB-protocol endpoint instead of AWS's (the twin's server)")


def start(spark, args, log):
    """Starts the query; returns it (running) and its sink."""
    store = open_store(spark, args.lake)
    source = spark.readStream.format("kafka").options(**kafka_options(args.bootstrap, args.auth)).load()
    jvm_pid = spark.sparkContext._jvm.java.lang.ProcessHandle.current().pid()
    sink = LiveSink(store, log, LiveScorer(spark, args.lake, store, log), args.batch_partitions, open_activity_store(args), jvm_pid)
    # The records' parse and keyed rows are part of the query, built and analysed once; each batch only aggregates.
    query = (
        partials.keyed_rows(source)
        .writeStream.queryName("recstream-realtime")
        .foreachBatch(sink)
        .option("checkpointLocation", args.lake.rstrip("/") + "/" + LAKE["checkpointPrefix"])
        .trigger(processingTime="%d seconds" % REALTIME["triggerSeconds"])
        .start()
    )
    sink.query = query
    return query, sink


def run(spark, args, log):
    """Starts the query and keeps the live view's heartbeat until the query ends (a failure raises)."""
    query, sink = start(spark, args, log)
    log("streaming %s from %s into %s" % (",".join(REALTIME["topics"]), args.bootstrap, args.lake))
    while not query.awaitTermination(REALTIME["heartbeatSeconds"] / 3):
        sink.heartbeat(int(time.time() * 1000))
