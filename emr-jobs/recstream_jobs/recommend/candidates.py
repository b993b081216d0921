"""The known customers' purchases on the driver and the time cuts the recommender learns and is judged on.

Known customers' purchases are a tenth of the rows on the real data (about 100,000 of 1M, a few MB):
recommend collects them once and builds every generator's lists in plain Python (generators.py), where a
Spark job per list cost a scheduling round each. Spark keeps the work that grows with the whole store:
cleaning, the ALS fits, the ranker's fit, the writes.
"""
import calendar
import datetime
from collections import namedtuple

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

# One line item of a known customer; `ts` is its time in epoch seconds, None when undated.
Purchase = namedtuple("Purchase", "user_id product_id ts quantity category_id category_code order_id")
DAY = 86400


def collect_purchases(curated: DataFrame):
    """Known customers' line items as Purchase tuples: guests can be neither personalised nor evaluated."""
    rows = (
        curated.filter(F.col("user_id").isNotNull())
        .select("user_id", "product_id", F.unix_timestamp("event_time").alias("ts"), "quantity", "category_id", "category_code", "order_id")
        .collect()
    )
    return [Purchase(*r) for r in rows]


def epoch(moment: datetime.datetime) -> int:
    """A naive UTC datetime (as Spark hands them to a UTC driver) in epoch seconds."""
    return calendar.timegm(moment.timetuple())


def iso(ts) -> str:
    return datetime.datetime.utcfromtimestamp(ts).strftime("%Y-%m-%dT%H:%M:%SZ")


def before(purchases, cut_ts):
    return [p for p in purchases if p.ts is not None and p.ts < cut_ts]


def truth_after(purchases, known, start_ts, end_ts):
    """user -> products bought in [start, end) by customers in `known` (who bought before it too)."""
    truth = {}
    for p in purchases:
        if p.ts is not None and start_ts <= p.ts < end_ts and p.user_id in known:
            truth.setdefault(p.user_id, set()).add(p.product_id)
    return truth
