"""Builds raw behaviour events for tests: rows as Firehose lands them (every field a string)."""
import datetime
import gzip
import json
import os

from behaviour_jobs.events import RAW_SCHEMA

T0 = datetime.datetime(2019, 10, 1, 10, 0, 0)


def at(seconds, base=T0):
    return (base + datetime.timedelta(seconds=seconds)).strftime("%Y-%m-%d %H:%M:%S UTC")


def event(seconds, event_type="view", product="1", user="100", session="s1", category="2000000000000000001", price="10.00", brand="acme", code="electronics.phone", base=T0, line=None):
    return {
        "v": 1,
        "event_time": at(seconds, base),
        "event_type": event_type,
        "product_id": product,
        "category_id": category,
        "category_code": code,
        "brand": brand,
        "price": price,
        "user_id": user,
        "user_session": session,
        "source": "test.csv",
        "line": line,
    }


def raw_frame(spark, rows):
    names = [f.name for f in RAW_SCHEMA.fields]
    return spark.createDataFrame([tuple(r.get(n) for n in names) for r in rows], RAW_SCHEMA)


def write_firehose(folder, rows, extra_lines=()):
    """One gzip JSON-lines object, as Firehose writes it, plus any raw lines (e.g. malformed ones)."""
    path = os.path.join(folder, "raw", "events", "2019", "10", "01", "10")
    os.makedirs(path, exist_ok=True)
    with gzip.open(os.path.join(path, "part-0.gz"), "wt") as out:
        for row in rows:
            out.write(json.dumps(row) + "\n")
        for line in extra_lines:
            out.write(line + "\n")
    return os.path.join(folder, "raw", "events")
