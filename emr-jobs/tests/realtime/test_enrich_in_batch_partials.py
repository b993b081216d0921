"""A micro-batch's events with `user_agent` / `ip` (as the collector produces them) -> the partial's
per-minute counts by device class and country, next to events that carry neither (as every CSV event)."""
import datetime
import json

from realtime_jobs import partials

T = datetime.datetime(2026, 11, 27, 10, 0, 30)
MINUTE_MS = 1_795_773_600_000  # 2026-11-27 10:00 UTC
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"


def event(i, time="2026-11-27T10:00:30Z", **context):
    return {"v": 1, "event_time": time, "event_type": "view", "product_id": str(i), "category_id": None, "category_code": None, "brand": None, "price": "1.00", "user_id": str(i), "user_session": "s%d" % i, "source": "collector/x/1", "line": i + 2, **context}


def test_events_with_a_user_agent_or_address_are_counted_by_device_and_country_per_minute(spark):
    values = [
        event(0, user_agent=PHONE, ip="193.0.6.139"),
        event(1, user_agent=PHONE, ip="193.0.6.139"),
        event(2, user_agent="curl/8.5.0", ip="2001:200::1"),
        event(3, time="2026-11-27T10:01:10Z", ip="192.0.2.1"),
        event(4),
    ]
    rows = [("events", 0, offset, T, json.dumps(v).encode()) for offset, v in enumerate(values)]
    batch = spark.createDataFrame(rows, "topic string, partition int, offset long, timestamp timestamp, value binary")
    partial = partials.collect(partials.keyed_rows(batch), 0)
    assert partial["devices"] == [[MINUTE_MS, "bot", 1], [MINUTE_MS, "mobile", 2]]
    assert partial["countries"] == [[MINUTE_MS, "JP", 1], [MINUTE_MS, "NL", 2], [MINUTE_MS + 60_000, "unknown", 1]]
    assert sum(n for _, kind, n, _ in partial["minutes"] if kind == "view") == 5
