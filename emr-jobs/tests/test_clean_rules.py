"""Each cleaning rule on a tiny Firehose object carrying the real data's quirks."""
import gzip
import json
from decimal import Decimal

import pytest

from recstream_jobs import clean

CAT = "2268105426648170900"
U1, U2 = "1515915625441993984", "1515915625447879434"
P1, P2, P3 = "1515966223509089906", "2273948319057183658", "1515966223509353669"


def real(event_time, order, product, price, user, category_id=CAT, code="electronics.tablet", brand="samsung"):
    """The real data's shape: every field a string."""
    return {"event_time": event_time, "order_id": order, "product_id": product, "category_id": category_id,
            "category_code": code, "brand": brand, "price": price, "user_id": user}


def v1(line, event_time, order, product, price, user, source="landing/up.csv@e1", **details):
    """A PurchaseEventV1 message: ISO time, nulls, v, source, line."""
    event = {"v": 1, "event_time": event_time, "order_id": order, "product_id": product, "category_id": CAT,
             "category_code": "electronics.tablet", "brand": "samsung", "price": price, "user_id": user,
             "source": source, "line": line}
    return {**event, **details}


LINES = [
    # 0-1: the same row twice without an origin: one line item, quantity 2.
    json.dumps(real("2020-04-24 11:50:39 UTC", "1001", P1, "162.01", U1)),
    json.dumps(real("2020-04-24 11:50:39 UTC", "1001", P1, "162.01", U1)),
    # 2: 1970 means the time is missing; "" user is a guest; missing code and brand get filled.
    json.dumps(real("1970-01-01 00:33:40 UTC", "1002", P1, "162.01", "", code="", brand="")),
    # 3: a shifted row: no category_id, price in category_code, user_id in brand, null price/user.
    json.dumps({**real("2020-05-02 11:12:20 UTC", "1003", P3, None, None, category_id="", code="0.02", brand=U2)}),
    # 4-5: PurchaseEventV1, two different CSV lines with identical values: quantity 2.
    json.dumps(v1(2, "2020-04-24T11:50:39Z", "1004", P2, "77.52", U2, brand=None)),
    json.dumps(v1(3, "2020-04-24T11:50:39Z", "1004", P2, "77.52", U2, brand=None)),
    # 6: a re-delivery of line 2 (same source + line): dropped.
    json.dumps(v1(2, "2020-04-24T11:50:39Z", "1004", P2, "77.52", U2, brand=None)),
    # 7: null user, fractional seconds; P2's brand known from row 8.
    json.dumps(v1(4, "2020-06-01T08:00:00.250Z", "1005", P2, "77.52", None, brand=None)),
    json.dumps(real("2020-06-02 09:00:00 UTC", "1006", P2, "77.52", U1, brand="huawei")),
    # 9-12: bad rows, quarantined.
    json.dumps(real("2020-06-02 09:00:00 UTC", "1007", P2, "abc", U1)),
    '{"event_time": "2020-06-02 09:00:00 UTC", "order_id": ',
    json.dumps(real("yesterday", "1008", P2, "1.00", U1)),
    json.dumps(real("2020-06-02 09:00:00 UTC", "1009", "not-a-number", "1.00", U1)),
]


# Ingest's completion record of the upload lines 4-7 came from (3 distinct lines): without it they would be held back.
COMPLETION = json.dumps({"v": 1, "control": "upload_complete", "source": "landing/up.csv@e1", "rows": 3, "uploaded_at": "2020-06-03T00:00:00.000Z"})


@pytest.fixture(scope="module")
def cleaned(spark, tmp_path_factory):
    folder = tmp_path_factory.mktemp("raw") / "2020" / "04" / "24" / "11"
    folder.mkdir(parents=True)
    with gzip.open(folder / "object-1.gz", "wt") as out:
        out.write("\n".join(LINES + [COMPLETION]) + "\n")
    curated, rejects, report = clean.clean(spark, clean.read_raw(spark, str(folder.parent.parent.parent)))
    return {r["order_id"]: r.asDict() for r in curated.collect()}, rejects.collect(), report


def test_both_producers_parse_to_the_same_utc_time(cleaned):
    rows, _, _ = cleaned
    assert rows["1001"]["event_time"] == rows["1004"]["event_time"]
    assert rows["1001"]["event_time"].isoformat() == "2020-04-24T11:50:39"
    assert rows["1005"]["event_time"].isoformat() == "2020-06-01T08:00:00"
    assert rows["1001"]["month"] == "2020-04"


def test_identical_rows_become_one_line_item_with_a_quantity(cleaned):
    rows, _, report = cleaned
    assert rows["1001"]["quantity"] == 2
    assert rows["1004"]["quantity"] == 2
    assert report["dropped"]["merged_into_quantity"] == 2


def test_a_redelivered_message_is_dropped_once(cleaned):
    _, _, report = cleaned
    assert report["dropped"]["redelivered_duplicate"] == 1


def test_1970_is_a_missing_time_but_the_sale_is_kept(cleaned):
    rows, _, report = cleaned
    assert rows["1002"]["event_time"] is None
    assert rows["1002"]["month"] == "undated"
    assert rows["1002"]["price"] == Decimal("162.01")
    assert report["undated"]["time_1970_or_missing"] == 1


def test_missing_category_and_brand_are_filled_from_the_mappings(cleaned):
    rows, _, report = cleaned
    assert rows["1002"]["category_code"] == "electronics.tablet"
    assert rows["1002"]["brand"] == "samsung"
    assert rows["1004"]["brand"] == "huawei"
    assert report["filled"]["category_code_from_category_id"] == 1
    assert report["filled"]["brand_from_product"] == 3


def test_guests_are_kept_with_a_null_user(cleaned):
    rows, _, report = cleaned
    assert rows["1002"]["user_id"] is None
    assert rows["1005"]["user_id"] is None
    assert report["still_missing"]["user_id"] == 2


def test_shifted_rows_get_their_price_and_user_back(cleaned):
    rows, _, report = cleaned
    assert rows["1003"]["price"] == Decimal("0.02")
    assert rows["1003"]["user_id"] == U2
    assert rows["1003"]["category_code"] is None and rows["1003"]["brand"] is None
    assert report["repaired"]["shifted_columns"] == 1


def test_bad_rows_are_quarantined_with_a_reason_and_the_rest_goes_through(cleaned):
    rows, rejects, report = cleaned
    assert report["quarantined"] == {"invalid_price": 1, "malformed_json": 1, "invalid_event_time": 1, "invalid_product_id": 1}
    assert sorted(r["reject_reason"] for r in rejects) == ["invalid_event_time", "invalid_price", "invalid_product_id", "malformed_json"]
    assert all(r["input_file"].endswith("object-1.gz") for r in rejects)
    assert {"1007", "1008", "1009"}.isdisjoint(rows)


def test_every_input_row_is_accounted_for(cleaned):
    rows, _, report = cleaned
    accounted = sum(report["quarantined"].values()) + sum(report["dropped"].values()) + report["output"]["line_items"]
    assert report["input_rows"] == len(LINES) == accounted
    assert report["output"]["line_items"] == len(rows)
    assert report["output"]["units"] == sum(r["quantity"] for r in rows.values())
