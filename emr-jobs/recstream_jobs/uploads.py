"""Which uploads' rows count (README "clean", rule 5b; contract UploadCompleteV1).

Ingest ends every upload it finished with a completion record on the same topic, so it lands in
the lake like the rows: `{v, control: "upload_complete", source, rows, uploaded_at}`. A source's
rows count once its completion record has landed and so have `rows` distinct lines of it; until
then they are held back as `incomplete_upload` (a truncated gzip, a run that failed or was killed
part-way, or rows Firehose has not landed yet). Of two complete uploads of one key
(`<bucket>/<key>`, the source before its `@etag`), the later `uploaded_at` wins and the earlier's
rows are held back as `superseded_upload`, so a fixed re-upload replaces the file it fixes instead
of adding to it. Rows without a source (the real data's own Firehose objects) are not uploads: they
pass untouched.
"""
import re

from pyspark.sql import functions as F
from pyspark.sql.types import StructField, StructType

from .contract import CONTRACT
from .schema import RAW_SCHEMA, spark_type

COMPLETION_SCHEMA = CONTRACT["upload_complete_schema"]
UPLOAD_COMPLETE = COMPLETION_SCHEMA["properties"]["control"]["const"]
CONTROL_FIELDS = tuple(f for f in COMPLETION_SCHEMA["required"] if f not in RAW_SCHEMA.fieldNames())
INCOMPLETE_UPLOAD, SUPERSEDED_UPLOAD = CONTRACT["rules"]["upload_reject_reasons"]

# `<bucket>/<key>@<etag>` -> `<bucket>/<key>`: the same key uploaded again is the same upload.
UPLOAD_KEY = re.compile(r"^(.*)@[^@]*$")

# What clean reads: the rows' schema plus the completion record's own fields.
READ_SCHEMA = StructType(RAW_SCHEMA.fields + [StructField(f, spark_type(COMPLETION_SCHEMA, f)) for f in CONTROL_FIELDS])


def is_completion():
    """A column: whether the read line is a completion record (anything else is a row, checked as one)."""
    return F.coalesce(F.col("control") == UPLOAD_COMPLETE, F.lit(False))


def verdicts(landed, completions):
    """source -> why its rows are held back, for every source whose rows must not count:
    no completion record or not all its rows landed (incomplete), or a later complete upload of
    the same key (superseded). `completions`: [(source, rows, uploaded_at)], re-deliveries included."""
    done = {}
    for source, rows, uploaded_at in completions:
        if source is None:  # names no upload, so it vouches for none
            continue
        seen_rows, seen_at = done.get(source, (None, None))
        done[source] = (_max(seen_rows, rows), _max(seen_at, uploaded_at))
    complete = {s: at for s, (rows, at) in done.items() if rows is not None and landed.get(s, 0) == rows}
    latest = {}
    for source, at in complete.items():
        upload = UPLOAD_KEY.match(source)
        key = upload.group(1) if upload else ""
        # Later upload time wins; a missing time loses to any (as Spark orders nulls first).
        latest[key] = max(latest.get(key, ("", "")), (at or "", source))
    winners = {source for _, source in latest.values()}
    held = {s: INCOMPLETE_UPLOAD for s in landed if s not in complete}
    held.update({s: SUPERSEDED_UPLOAD for s in complete if s not in winners})
    return held


def _max(a, b):
    """max that ignores missing values, as Spark's max does."""
    return b if a is None else a if b is None else max(a, b)


def held_reason(held):
    """A column: the row's hold-back reason from verdicts(), null for rows that count."""
    if not held:
        return F.lit(None).cast("string")
    return F.element_at(F.create_map(*[F.lit(x) for pair in held.items() for x in pair]), F.col("source"))
