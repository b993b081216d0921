"""Builds tests/fixtures/raw/ from test/fixtures/purchases-slice.csv.gz (run once; output is committed).

Two Firehose objects in the real data's format (every field a string, `... UTC` times,
shifted rows with null price/user_id) and two in PurchaseEventV1 format, the second
a re-delivery of the first 200 messages (a repeated S3 event), then the upload's completion record."""
import csv
import gzip
import io
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
SLICE = os.path.join(HERE, "..", "..", "test", "fixtures", "purchases-slice.csv.gz")
RAW = os.path.join(HERE, "fixtures", "raw", "purchases", "2026", "11", "22")
SOURCE = "landing/uploads/purchases-slice.csv.gz@5f1c0ffee"


def real_format(row):
    shifted = row["category_id"] == "" and row["price"] == ""
    return {k: (None if shifted and k in ("price", "user_id") else v) for k, v in row.items()}


def v1_format(row, line):
    event = {k: (v or None) for k, v in row.items()}
    event["event_time"] = row["event_time"].replace(" UTC", "Z").replace(" ", "T")
    return {"v": 1, **event, "source": SOURCE, "line": line}


def write_object(name, records):
    os.makedirs(os.path.dirname(name), exist_ok=True)
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz:
        gz.write("".join(json.dumps(r) + "\n" for r in records).encode())
    with open(name, "wb") as out:
        out.write(buf.getvalue())


def main():
    with gzip.open(SLICE, "rt", newline="") as f:
        rows = list(csv.DictReader(f))
    half = len(rows) // 2
    real = [real_format(r) for r in rows[:half]]
    # CSV line numbers: the header is line 1.
    v1 = [v1_format(r, i + 2) for i, r in enumerate(rows) if i >= half]
    write_object(os.path.join(RAW, "10", "purchases-real-1.gz"), real[: half // 2])
    write_object(os.path.join(RAW, "10", "purchases-real-2.gz"), real[half // 2 :])
    write_object(os.path.join(RAW, "11", "purchases-v1-1.gz"), v1)
    write_object(os.path.join(RAW, "12", "purchases-v1-redelivered.gz"), v1[:200])
    # Ingest's completion record for the upload: without it clean holds its rows back (uploads.py).
    completion = {"v": 1, "control": "upload_complete", "source": SOURCE, "rows": len(v1), "uploaded_at": "2026-11-22T11:00:00.000Z"}
    write_object(os.path.join(RAW, "12", "purchases-v1-upload-complete.gz"), [completion])
    print("wrote", len(real), "real-format and", len(v1), "+ 200 re-delivered PurchaseEventV1 rows and the upload's completion record")


if __name__ == "__main__":
    main()
