"""A micro-batch's Kafka records -> its partial, on rows shaped like Spark's Kafka source: both
topics, both event-time formats, ids beyond 2^53 kept exact, unreadable records counted (not dropped)."""
import datetime
import json

from realtime_jobs import partials

T = datetime.datetime(2019, 11, 1, 0, 0, 30)
MINUTE_MS = 1_572_566_400_000


def event(event_type, product, session, price="10.50", time="2019-11-01 00:00:30 UTC", code="electronics.audio", brand="acme"):
    return {"v": 1, "event_time": time, "event_type": event_type, "product_id": product, "category_id": None, "category_code": code, "brand": brand, "price": price, "user_id": "7", "user_session": session, "source": "s", "line": 2}


def line(order, price):
    return {"v": 1, "event_time": "2019-11-01T00:00:40Z", "order_id": order, "product_id": "1", "category_id": None, "category_code": None, "brand": None, "price": price, "user_id": None, "source": "s", "line": 2}


def kafka_rows(spark, values):
    rows = [(topic, 0, offset, T, json.dumps(v).encode() if isinstance(v, dict) else v) for offset, (topic, v) in enumerate(values)]
    return spark.createDataFrame(rows, "topic string, partition int, offset long, timestamp timestamp, value binary")


def test_a_batch_of_both_topics_becomes_its_partial(spark):
    big = "9007199254740993"  # 2^53 + 1: a double would make it ...992
    batch = kafka_rows(
        spark,
        [
            ("events", event("view", big, "s1")),
            ("events", event("view", big, "s1", time="2019-11-01T00:00:50Z")),
            ("events", event("cart", big, "s1")),
            ("events", event("purchase", "5", "s2", price="0.10")),
            ("purchases", line("1", "0.20")),
            ("purchases", line("1", "0.10")),
            ("events", b"not json"),
            ("events", event("wave", "5", "s2")),
        ],
    )
    partial = partials.collect(partials.keyed_rows(batch), 4)
    assert partial["batch_id"] == 4
    assert partial["offsets"] == {"events": {"0": 8}, "purchases": {"0": 6}}
    assert partial["unreadable"] == 2
    minutes = {(m[1]): (m[0], m[2], m[3]) for m in partial["minutes"]}
    assert minutes["view"][:2] == (MINUTE_MS, 2)
    assert minutes["purchase"] == (MINUTE_MS, 1, "0.100000")
    assert minutes["order_line"] == (MINUTE_MS, 2, "0.300000")
    # The order's minute and its newest line's produce time (what the live state forgets it by).
    assert partial["orders"] == [["1", MINUTE_MS, MINUTE_MS + 30_000]]
    sessions = {(s[0], s[1]): (s[2], s[3]) for s in partial["sessions"]}
    assert sessions[("s1", "view")] == (MINUTE_MS + 50_000, 2)
    products = {(p[1], p[2]): p for p in partial["products"]}
    assert products[(big, "view")] == [MINUTE_MS, big, "view", 2, "acme", "electronics.audio"]
    assert products[(big, "cart")][3] == 1


def test_the_contract_rules_decide_what_is_readable_as_ingest_and_the_collector_do(spark):
    """The streaming job parses times with the one Spark-side parser and range and holds prices to the
    one price rule: 7 fraction digits are a time (they were `unreadable`), 9999 and 1899 are out of
    range, a price the rules refuse is no amount to add to revenue."""
    batch = kafka_rows(
        spark,
        [
            ("events", event("view", "1", "s1", time="2019-11-01T00:00:30.1234567Z")),
            ("events", event("view", "1", "s1", time="9999-12-31 23:59:59 UTC")),
            ("events", event("view", "1", "s1", time="1899-12-31 23:59:59 UTC")),
            ("events", event("purchase", "1", "s1", price="9999999999.999999")),
            ("events", event("purchase", "1", "s1", price="-5")),
            ("purchases", line("2", "12345678")),
            ("purchases", line("3", "9999999.999999")),
        ],
    )
    partial = partials.collect(partials.keyed_rows(batch), 1)
    assert partial["unreadable"] == 5
    assert sorted((m[1], m[2], m[3]) for m in partial["minutes"]) == [("order_line", 1, "9999999.999999"), ("view", 1, "10.500000")]
