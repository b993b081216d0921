"""One micro-batch -> its partial: small aggregates computed by Spark in one aggregation and collected.

Each record contributes a few keyed rows (its topic-partition offset, its minute, its session, its
product, its order): `keyed_rows`, defined once on the stream (stream.py), so a micro-batch neither
builds nor analyses those expressions again; one groupBy per batch folds them all (`collect`). The
partial is all the live view needs from a batch, and it is what is stored per batch id, so a batch
that Spark runs again after a restart (same id, same offsets) is recognised and counted once. Times
are epoch ms; amounts exact decimals."""
import json
import time

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from behaviour_jobs.events import PRICE_TYPE

from . import enrich, records
from .records import PRICE


def _contribution(when, part, k1=None, k2=None, g=None, t=None, amount=None, v=None, brand=None, code=None):
    """One keyed row of a record (null when `when` is false); every part has this shape."""
    text = lambda c: F.lit(None).cast("string") if c is None else c.cast("string")  # noqa: E731
    number = lambda c: F.lit(None).cast("long") if c is None else c.cast("long")  # noqa: E731
    row = F.struct(
        F.lit(part).alias("part"),
        text(k1).alias("k1"),
        text(k2).alias("k2"),
        number(g).alias("g"),
        number(t).alias("t"),
        (F.lit(None) if amount is None else amount).cast(PRICE).alias("amount"),
        number(v).alias("v"),
        text(brand).alias("brand"),
        text(code).alias("code"),
    )
    return F.when(when, row)


def keyed_rows(kafka: DataFrame) -> DataFrame:
    """Rows of the Kafka source (a stream or one batch) -> every record's keyed rows: part, k1, k2, g, t, amount, v,
    brand, code."""
    rows = records.parse(kafka)
    ms = F.expr("CAST(unix_millis(event_ts) AS BIGINT)")
    minute = F.expr("CAST(unix_millis(date_trunc('minute', event_ts)) AS BIGINT)")
    produced = F.expr("CAST(unix_millis(produced_at) AS BIGINT)")
    # As the batch's clean step types an event (fractions of a second cut, price to cents), so the intent features match.
    second = F.expr("CAST(unix_millis(date_trunc('second', event_ts)) AS BIGINT)")
    ok = F.col("readable")
    is_event = ok & (F.col("kind") != "order_line")
    contributions = F.array(
        _contribution(F.lit(True), "offset", k1=F.col("topic"), k2=F.col("partition"), t=produced, v=F.col("offset")),
        _contribution(~ok, "unreadable"),
        _contribution(ok, "minute", k1=F.col("kind"), g=minute, amount=F.col("price")),
        _contribution(ok & (F.col("kind") == "order_line"), "order", k1=F.col("order_id"), t=minute, v=produced),
        _contribution(is_event & F.col("session").isNotNull(), "session", k1=F.col("session"), k2=F.col("kind"), t=ms),
        # Every distinct event of a session (a re-delivered one once): the intent features need the events themselves.
        _contribution(is_event & F.col("session").isNotNull(), "event", k1=F.col("session"), k2=F.col("event_fields"), g=second),
        _contribution(is_event & F.col("kind").isin("view", "cart"), "product", k1=F.col("product_id"), k2=F.col("kind"), g=minute, brand=F.col("brand"), code=F.col("category_code")),
        # Distinct user agents and addresses per minute: the driver classifies each once (enrich.py).
        _contribution(is_event & F.col("user_agent").isNotNull(), enrich.AGENT, k1=F.col("user_agent"), g=minute),
        _contribution(is_event & F.col("ip").isNotNull(), enrich.ADDRESS, k1=F.col("ip"), g=minute),
    )
    # to_json has no generated code: computed before the explode, it leaves the explode and the aggregation to
    # Spark's generated code (with it inside, every contribution of every record was evaluated interpreted).
    event_fields = F.to_json(F.array("kind", "product_id", "category_id", "category_code", "brand", F.col("price").cast(PRICE_TYPE).cast("string"), "user_id"))
    return rows.withColumn("event_fields", event_fields).select(F.explode(contributions).alias("c")).filter(F.col("c").isNotNull()).select("c.*")


def aggregates(keyed: DataFrame) -> DataFrame:
    """part, k1, k2, g (the group's minute), brand, code, n (records), amount (sum), t_max, t_min, v (max offset)."""
    # Brand and code are keys, not max(): a string in an aggregate's buffer makes Spark sort every row instead of
    # hashing it (SortAggregate); collect() folds a product's rows with different brands or codes into one.
    return keyed.groupBy("part", "k1", "k2", "g", "brand", "code").agg(
        F.count(F.lit(1)).alias("n"),
        F.sum("amount").alias("amount"),
        F.max("t").alias("t_max"),
        F.min("t").alias("t_min"),
        F.max("v").alias("v"),
    )


def collect(keyed: DataFrame, batch_id: int, processed_ms=None) -> dict:
    """The partial of a batch's keyed rows (`keyed_rows`) as a JSON-ready dict:
    offsets {topic: {partition: next offset}}, produced_ms (newest record timestamp), processed_ms (the job's
    clock, default now: it caps how far ahead an event may move the live clock), unreadable,
    minutes [[minute, kind, count, amount]], orders [[order_id, minute, newest line's produce ms]],
    sessions [[session, kind, last event ms, count]], products [[minute, product, kind, count, brand, code]],
    events [[session, second ms, kind, product, category id, category code, brand, price, user]] (distinct events)."""
    processed_ms = int(time.time() * 1000) if processed_ms is None else processed_ms
    partial = {"batch_id": batch_id, "offsets": {}, "produced_ms": None, "processed_ms": processed_ms, "unreadable": 0, "minutes": [], "orders": [], "sessions": [], "products": [], "events": []}
    enrichment = enrich.BatchEnrichment()
    products = {}
    # A Row's fields unpacked as the tuple it is: by name (r.part) each read searches the field list (a third of the
    # driver's time in this loop, profiled).
    for part, k1, k2, g, brand, code, n, amount, t_max, t_min, v in aggregates(keyed).collect():
        if part == "offset":
            partial["offsets"].setdefault(k1, {})[k2] = v + 1
            partial["produced_ms"] = max(partial["produced_ms"] or 0, t_max)
        elif part == "unreadable":
            partial["unreadable"] = n
        elif part == "minute":
            partial["minutes"].append([g, k1, n, str(amount)])
        elif part == "order":
            partial["orders"].append([k1, t_min, v])
        elif part == "session":
            partial["sessions"].append([k1, k2, t_max, n])
        elif part == "event":
            partial["events"].append([k1, g, *json.loads(k2)])
        elif part in enrich.PARTS:
            enrichment.add(part, g, k1, n)
        else:
            _add_product(products, g, k1, k2, n, brand, code)
    partial["products"] = list(products.values())
    # devices [[minute, device, count]], countries [[minute, country, count]]
    partial.update(enrichment.partial())
    return partial


def _add_product(products, minute, product, kind, n, brand, code):
    """One (minute, product, kind) row per product, its counts summed and its greatest brand and code, as max() gives them."""
    row = products.get((minute, product, kind))
    if row is None:
        products[(minute, product, kind)] = [minute, product, kind, n, brand, code]
        return
    row[3] += n
    row[4] = max((b for b in (row[4], brand) if b is not None), default=None)
    row[5] = max((c for c in (row[5], code) if c is not None), default=None)
