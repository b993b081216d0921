"""Clean counts an upload's rows only once ingest's completion record for it has landed with all its
rows, and a later complete upload of the same key replaces an earlier one (recstream_jobs/uploads.py)."""
import gzip
import json

import pytest

from recstream_jobs import clean

P, U = "1515966223509089906", "1515915625441993984"


def row(source, line, price):
    return {"v": 1, "event_time": "2020-04-24T11:50:39Z", "order_id": "1001", "product_id": P, "category_id": None,
            "category_code": None, "brand": "samsung", "price": price, "user_id": U, "source": source, "line": line}


def completion(source, rows, at):
    return {"v": 1, "control": "upload_complete", "source": source, "rows": rows, "uploaded_at": at}


FIRST = "landing/uploads/p.csv@aaa"      # complete, 3 rows, later replaced
CUT = "landing/uploads/p.csv@bbb"        # a truncated gzip: 2 rows produced, never completed
FIXED = "landing/uploads/p.csv@ccc"      # the fixed re-upload: complete, 4 rows
LAGGING = "landing/uploads/q.csv@ddd"    # complete, but only 1 of its 2 rows has landed yet
EMPTY = "landing/uploads/e.csv@eee"      # complete with no rows (every line rejected by ingest)

LINES = (
    [row(FIRST, n, "%d.00" % n) for n in (2, 3, 4)] + [completion(FIRST, 3, "2026-11-27T09:00:00.000Z")]
    + [row(CUT, n, "%d.10" % n) for n in (2, 3)]
    + [row(FIXED, n, "%d.20" % n) for n in (2, 3, 4, 5)] + [row(FIXED, 2, "2.20")]  # one re-delivered row
    + [completion(FIXED, 4, "2026-11-27T10:00:00.000Z"), completion(FIXED, 4, "2026-11-27T10:00:00.000Z")]  # and its record twice
    + [row(LAGGING, 2, "9.00"), completion(LAGGING, 2, "2026-11-27T10:30:00.000Z")]
    + [completion(EMPTY, 0, "2026-11-27T11:00:00.000Z")]
    + [{**row(None, None, "7.00"), "source": None, "line": None}]  # the real data's own objects: not an upload
)


@pytest.fixture(scope="module")
def cleaned(spark, tmp_path_factory):
    folder = tmp_path_factory.mktemp("raw") / "2026" / "11" / "27" / "10"
    folder.mkdir(parents=True)
    with gzip.open(folder / "object-1.gz", "wt") as out:
        out.write("".join(json.dumps(line) + "\n" for line in LINES))
    curated, rejects, report = clean.clean(spark, clean.read_raw(spark, str(folder.parent.parent.parent)))
    return sorted(str(r["price"]) for r in curated.collect()), rejects.collect(), report


def test_only_the_latest_complete_upload_of_a_key_and_rows_without_an_upload_count(cleaned):
    prices, _, _ = cleaned
    assert prices == ["2.20", "3.20", "4.20", "5.20", "7.00"]


def test_held_back_rows_are_quarantined_with_their_reason_and_counted(cleaned):
    _, rejects, report = cleaned
    assert report["quarantined"] == {"superseded_upload": 3, "incomplete_upload": 3}
    held = sorted((r["source"], r["line"], r["reject_reason"]) for r in rejects)
    assert held == sorted([(FIRST, n, "superseded_upload") for n in (2, 3, 4)]
                          + [(CUT, n, "incomplete_upload") for n in (2, 3)] + [(LAGGING, 2, "incomplete_upload")])


def test_completion_records_are_not_rows_and_every_row_is_accounted_for(cleaned):
    _, _, report = cleaned
    rows = sum(1 for line in LINES if "control" not in line)
    assert report["input_rows"] == rows == 12
    assert report["dropped"]["redelivered_duplicate"] == 1
    accounted = sum(report["quarantined"].values()) + sum(report["dropped"].values()) + report["output"]["line_items"]
    assert accounted == rows


def test_a_completion_record_without_a_source_vouches_for_no_upload():
    from recstream_jobs import uploads

    landed = {"b/k@1": 2}
    # Before the guard this raised TypeError on the missing source instead of judging the uploads.
    held = uploads.verdicts(landed, [(None, 0, "2020-01-01T00:00:00.000Z"), ("b/k@1", 2, "2020-01-01T00:00:00.000Z")])
    assert held == {}
    assert uploads.verdicts(landed, [(None, 2, "2020-01-01T00:00:00.000Z")]) == {"b/k@1": uploads.INCOMPLETE_UPLOAD}
