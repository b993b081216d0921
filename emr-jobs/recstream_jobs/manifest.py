"""The manifest of processed raw objects and the upload facts the nightly run keeps (LAKE purchasesManifestKey).

One small JSON document, rewritten at the end of every run after everything else it describes is written:
- `objects`: every raw object a run has processed, by its key under the raw prefix, with its size and
  modification time. Firehose never rewrites an object (each has a unique name), so a key is processed once.
  An object landing late - for an hour whose folder earlier runs already read - is a key the manifest does not
  hold, so the next run reads it and rewrites the months its rows fall in.
- `completions`: every upload completion record seen, and `lines`: distinct lines landed per upload and month.
  The supersession and completeness rule (uploads.verdicts) judges the whole history with them, though a run
  reads only new objects: an upload whose rows land over several nights counts once its record and all its
  rows are there, and a complete re-upload replaces the older one even when that one was counted nights ago.

- `publishing`: the run whose writes this manifest commits (its id and the months of each table it
  replaces), until they are all in place.

Writing the manifest is the commit: a run writes everything it changes under its own folder
(LAKE purchaseRunsPrefix/<run id>/) first, then the manifest naming that run, then swaps its months into
the tables. A run that fails before the manifest leaves the tables and the manifest as they were (the next
run deletes the folder and reads the same objects again: no row counts twice, whether it has an origin or
not); a run that fails after it is finished by the next run (incremental.recover) before anything else.
"""
from collections import namedtuple

from . import io

Manifest = namedtuple("Manifest", "objects completions lines publishing", defaults=(None,))
EMPTY = Manifest({}, [], {})


def read(spark, path) -> Manifest:
    """The manifest, or None when no run has written one (the run is then a full one)."""
    document = io.read_json(spark, path)
    if document is None:
        return None
    return Manifest(document["objects"], [tuple(c) for c in document["completions"]], document["lines"], document.get("publishing"))


def night_start(spark, kept_paths, read, empty, full):
    """(what earlier nights kept, "incremental"), or on a full run or a first night (`empty`, "full") once
    every path of `kept_paths` is deleted: a full run is the same code on an emptied lake. `read()` reads
    the job's manifest (None when there is none)."""
    state = None if full else read()
    if state is not None:
        return state, "incremental"
    for path in kept_paths:
        io.delete(spark, path)
    return empty, "full"


def write(spark, path, manifest: Manifest) -> None:
    io.write_json(spark, path, {"objects": manifest.objects, "completions": [list(c) for c in manifest.completions], "lines": manifest.lines, "publishing": manifest.publishing})


def list_objects(spark, root) -> dict:
    """{key under root: [size, modified ms]} of every raw object, hidden files (`_`, `.`) skipped as Spark's reader skips them."""
    hpath, fs = io.filesystem(spark, root)
    if not fs.exists(hpath):
        return {}
    base = fs.makeQualified(hpath).toString().rstrip("/") + "/"
    found = {}
    files = fs.listFiles(hpath, True)
    while files.hasNext():
        status = files.next()
        key = status.getPath().toString()[len(base):]
        if not any(part.startswith(("_", ".")) for part in key.split("/")):
            found[key] = [status.getLen(), status.getModificationTime()]
    return found


def landed(lines) -> dict:
    """{source: distinct lines landed} over every month, from the manifest's `lines`."""
    return {source: sum(months.values()) for source, months in lines.items()}


def with_completions(completions, new) -> list:
    """Every distinct completion record, sorted (a re-delivered record is the same record)."""
    return sorted(set(completions) | set(new), key=lambda c: tuple("" if x is None else str(x) for x in c))
