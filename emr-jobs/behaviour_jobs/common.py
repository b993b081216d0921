"""What every behaviour job shares: lake paths and small document I/O (progress lines: recstream_jobs.progress)."""
from pyspark.sql import DataFrame

from recstream_jobs import io
from recstream_jobs.io import read_json  # noqa: F401  (the behaviour jobs read their documents through common)


def at(lake, key):
    """A lake key (from the contract) under the lake root (a folder or s3://bucket[/prefix])."""
    return io.join(lake, key)


def by_user(events: DataFrame) -> DataFrame:
    """The curated events hash-partitioned by user_id, once. A session has one user, so every later grouping
    the jobs make - per (user, session), user, (user, category|brand|day|hour) and their windows - finds its
    rows in one partition and runs without another shuffle of the events. A fixed partition count (the
    shuffle setting) keeps adaptive execution from coalescing it into a different layout."""
    partitions = int(events.sparkSession.conf.get("spark.sql.shuffle.partitions"))
    return events.repartition(partitions, "user_id")


def rounded(value, digits=6):
    return None if value is None else round(float(value), digits)



def plural(n, noun):
    """`1 duplicate`, `2 duplicates`, as the twin's console (local/pipeline/progress.ts plural) words counts."""
    return "%d %s%s" % (n, noun, "" if n == 1 else "s")
