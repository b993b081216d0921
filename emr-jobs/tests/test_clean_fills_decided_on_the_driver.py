"""Rule 8's fills, decided on the driver from the line items' distinct combinations (fills.py), and
clean's one-pass tally of what it read (clean.outcomes): the same answers Spark's modes and joins gave."""
from recstream_jobs import clean, fills
from recstream_jobs.fills import Combo


def test_the_most_frequent_value_wins_and_ties_go_to_the_smallest():
    pairs = [("p1", "b", 2), ("p1", "a", 1), ("p1", "a", 1), ("p2", "z", 3), ("p2", "y", 3), ("p3", None, 9), (None, "x", 9)]
    assert fills.mode(pairs) == {"p1": "a", "p2": "y"}


def test_a_code_comes_from_the_category_the_product_fill_gave():
    combos = [
        Combo("p1", "c1", "phone", "acme", 5),
        Combo("p1", None, None, None, 2),  # a shifted row: category, code and brand all from the product's
        Combo("p2", "c1", None, "zeta", 1),  # code only
        Combo("p3", None, None, None, 4),  # nothing known about p3 anywhere: nothing to fill
        Combo("p4", "c9", None, "acme", 1),  # category c9 never has a code
    ]
    assert fills.fills(combos) == [
        fills.Fill("p1", None, None, None, "c1", "phone", "acme"),
        fills.Fill("p2", "c1", None, "zeta", "c1", "phone", "zeta"),
    ]


def test_the_code_mode_counts_rows_whose_category_was_filled():
    # c1's own rows say "tv" once; two rows of p1 get c1 from the product and say "radio": radio wins.
    combos = [Combo("p1", "c1", None, None, 3), Combo("p1", None, "radio", None, 2), Combo("p2", "c1", "tv", None, 1), Combo("p3", "c1", None, None, 1)]
    by_product = {f.product_id: f for f in fills.fills(combos)}
    assert by_product["p3"].to_category_code == "radio"


def group(completion, reason, source, n, repaired=0, lines=0, rows=None, uploaded_at=None):
    return {clean.COMPLETION: completion, "reject_reason": reason, "source": source, "rows": rows,
            "uploaded_at": uploaded_at, "n": n, "repaired": repaired, "lines": lines}


def test_one_tally_gives_rows_rejects_repairs_landed_lines_and_completions():
    seen = clean.outcomes([
        group(False, None, "b/k@1", 4, repaired=1, lines=3),
        group(False, "bad_price", "b/k@1", 2, repaired=1, lines=2),
        group(False, None, None, 5, repaired=2, lines=0),
        group(False, "malformed_json", None, 1),
        group(True, None, "b/k@1", 2, rows=3, uploaded_at="2026-11-27T10:00:00.000Z"),
    ])
    assert seen.input_rows == 12  # completion records are not rows
    assert seen.repaired == 3  # repaired rows that were then rejected are not counted as repaired
    assert seen.quarantined == {"bad_price": 2, "malformed_json": 1}
    assert seen.landed == {"b/k@1": 3}  # good lines only, and only rows of an upload
    assert seen.completions == [("b/k@1", 3, "2026-11-27T10:00:00.000Z")]


def test_a_store_whose_every_row_is_rejected_cleans_to_nothing_without_hanging(spark, tmp_path):
    # Counting the report from the pass that cached the rows (Spark's Observation) hung here for ever:
    # with no line item left, adaptive execution pruned the observed plan and the counts never came.
    import json

    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "object.json").write_text(json.dumps({"event_time": "2020-04-24 11:50:39 UTC", "order_id": "1", "product_id": "1",
                                                    "category_id": "1", "category_code": "", "brand": "", "price": "free", "user_id": "1"}) + "\n")
    curated, rejects, report = clean.clean(spark, clean.read_raw(spark, str(folder)))
    assert curated.count() == 0 and rejects.count() == 1
    assert report["output"] == {"line_items": 0, "units": 0}
    assert sum(report["quarantined"].values()) == 1


def test_the_report_counts_fills_and_what_is_still_missing_per_line_item():
    combos = [Combo("p1", "c1", "phone", "acme", 5), Combo("p1", None, None, None, 2), Combo("p3", None, None, None, 4)]
    counts = fills.counts(combos, fills.fills(combos))
    assert counts == {"filled_category_id": 2, "filled_category_code": 2, "filled_brand": 2,
                      "missing_category_id": 4, "missing_category_code": 4, "missing_brand": 4}
