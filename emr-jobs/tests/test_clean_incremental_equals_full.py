"""The nightly clean (recstream_jobs/incremental.py) reads only raw objects its manifest has not seen and
rewrites only the months they change, yet three nights give, month partition by month partition, the curated
line items and analytics documents one full run over the same objects gives: late data (an object landing in
an old hour's folder), an upload completed a night after its rows, a re-upload replacing an upload counted
nights before, a re-delivery nights later, and a fill that changes a month no new row falls in. The second
night's first run dies just before its manifest (the commit), the third's just after it, half way through
swapping months in: the runs after them give the same lake, with no row counted twice."""
import gzip
import json
import os

import pytest

from recstream_jobs import analyse, incremental, io, manifest, partitions
from recstream_jobs.contract import LAKE

P1, P2, P3 = "1515966223509089906", "2273948319057183658", "1515966223509353669"
U1, U2 = "1515915625441993984", "1515915625447879434"
CAT = "2268105426648170900"


def row(source, line, when, order, product, price, user=U1, brand="samsung"):
    return {"v": 1, "event_time": when, "order_id": order, "product_id": product, "category_id": CAT,
            "category_code": "electronics.tablet", "brand": brand, "price": price, "user_id": user, "source": source, "line": line}


def real(when, order, product, price, brand):
    """The real data's own objects: no source or line, every field a string."""
    return {"event_time": when, "order_id": order, "product_id": product, "category_id": CAT, "category_code": "",
            "brand": brand, "price": price, "user_id": U2}


def completion(source, rows, at):
    return {"v": 1, "control": "upload_complete", "source": source, "rows": rows, "uploaded_at": at}


A, A2, B = "landing/uploads/a.csv@e1", "landing/uploads/a.csv@e2", "landing/uploads/b.csv@e3"
# Objects by night, each (hour folder, name, lines).
NIGHTS = [
    [  # January and February; upload A complete; B's rows without its completion record (held back).
        ("2020/02/01/10", "o1", [row(A, 2, "2020-01-05T10:00:00Z", "1", P1, "10.00"), row(A, 3, "2020-02-03T10:00:00Z", "2", P2, "20.00"),
                                 completion(A, 2, "2020-02-04T00:00:00.000Z")]),
        ("2020/02/01/11", "o2", [row(B, 2, "2020-02-10T09:00:00Z", "3", P1, "10.00", U2), real("2020-01-20 08:00:00 UTC", "4", P3, "5.00", "acme")]),
        # Shifted-free rows without a brand: filled from the product's most frequent brand (samsung, so far).
        ("2020/02/01/11", "o3", [real("2020-01-21 08:00:00 UTC", "5", P3, "5.00", "")]),
        # December: no later night touches it.
        ("2020/02/01/11", "o6", [real("2019-12-15 08:00:00 UTC", "9", P1, "10.00", "samsung")]),
    ],
    [  # B completes; a late object in January's hour folder with a January row; a re-delivery of A's line 2.
        ("2020/02/01/12", "o4", [completion(B, 1, "2020-02-11T00:00:00.000Z"), row(A, 2, "2020-01-05T10:00:00Z", "1", P1, "10.00")]),
        ("2020/01/05/10", "late", [real("2020-01-05 10:30:00 UTC", "6", P2, "20.00", "huawei")]),
    ],
    [  # A re-uploaded (A2, later) replaces A in January and February; March rows change P3's brand mode to zeta,
        # which changes January's filled brand though no new row falls in January.
        ("2020/03/01/10", "o5", [row(A2, 2, "2020-02-03T10:00:00Z", "7", P2, "21.00"), completion(A2, 1, "2020-03-01T00:00:00.000Z")]
         + [real("2020-03-0%d 08:00:00 UTC" % d, "8%d" % d, P3, "5.00", "zeta") for d in (1, 2)]),
    ],
]


def deliver(lake, objects):
    for folder, name, lines in objects:
        path = os.path.join(lake, LAKE["rawPrefix"], folder, name + ".gz")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with gzip.open(path, "wt") as out:
            out.write("".join(json.dumps(line) + "\n" for line in lines))


def night(spark, lake, full=False):
    at = lambda key: os.path.join(lake, LAKE[key])  # noqa: E731
    report = incremental.run(spark, at("rawPrefix"), lake, full)
    analyse.update(spark, at("curatedPrefix"), at("analyticsPartialsPrefix"), report["months_rewritten"], at("analyticsPrefix"))
    return report


def partitions_of(spark, lake):
    """{month folder: sorted rows} of the curated line items."""
    root = os.path.join(lake, LAKE["curatedPrefix"])
    months = sorted(m for m in os.listdir(root) if m.startswith("month="))
    return {m: sorted((r.asDict() for r in spark.read.parquet(os.path.join(root, m)).collect()), key=repr) for m in months}


def documents(lake):
    folder = os.path.join(lake, LAKE["analyticsPrefix"])
    return {name: json.load(open(os.path.join(folder, name))) for name in sorted(os.listdir(folder)) if name.endswith(".json")}


def files_of(lake, month):
    folder = os.path.join(lake, LAKE["curatedPrefix"], "month=" + month)
    return {f: os.path.getmtime(os.path.join(folder, f)) for f in os.listdir(folder)}


class Died(Exception):
    """A run killed at an injected point."""


def dies_once(patch, module, name, when):
    """`module.name` raises Died the first time `when(*its arguments)` holds."""
    real, died = getattr(module, name), []

    def dying(*args, **kwargs):
        if not died and when(*args):
            died.append(name)
            raise Died(name)
        return real(*args, **kwargs)

    patch.setattr(module, name, dying)


def runs_left(lake):
    folder = os.path.join(lake, LAKE["purchaseRunsPrefix"])
    return os.listdir(folder) if os.path.isdir(folder) else []


# Night 2 dies before its commit (the late object's row has no origin: re-read, it would count twice if the
# stored rows had been replaced); night 3 after its commit, once the curated months are swapped in.
DEATHS = {
    1: (manifest, "write", lambda spark, path, m: m.publishing is not None),
    2: (partitions, "publish", lambda spark, staging, path, months, *rest: "combos" in path),
}


@pytest.fixture(scope="module")
def lakes(spark, tmp_path_factory):
    nightly, full = str(tmp_path_factory.mktemp("nightly")), str(tmp_path_factory.mktemp("full"))
    reports, after, deaths = [], [], {}
    for i, objects in enumerate(NIGHTS):
        deliver(nightly, objects)
        if i in DEATHS:
            with pytest.MonkeyPatch.context() as patch:
                dies_once(patch, *DEATHS[i])
                with pytest.raises(Died):
                    night(spark, nightly)
            deaths[i] = {"curated": partitions_of(spark, nightly), "runs_left": runs_left(nightly)}
        reports.append(night(spark, nightly))
        after.append({"curated": partitions_of(spark, nightly), "december_files": files_of(nightly, "2019-12"), "runs_left": runs_left(nightly)})
        deliver(full, objects)
    full_report = night(spark, full, full=True)
    return {"nightly": nightly, "full": full, "reports": reports, "after": after, "deaths": deaths, "full_report": full_report}


def test_each_night_reads_only_the_objects_no_run_has_read(lakes):
    # Night 3's object was committed by the run that died after its manifest: the next run reads nothing new.
    assert [r["new_objects"] for r in lakes["reports"]] == [4, 2, 0]
    assert [r["mode"] for r in lakes["reports"]] == ["full", "incremental", "incremental"]
    kept = json.load(open(os.path.join(lakes["nightly"], LAKE["purchasesManifestKey"])))
    assert sorted(kept["objects"]) == sorted("%s/%s.gz" % (folder, name) for objects in NIGHTS for folder, name, _ in objects)


def test_a_late_object_in_an_old_hour_rewrites_only_the_months_it_and_completed_uploads_touch(lakes):
    second = lakes["reports"][1]
    # January: the late row and A's re-delivery; February: B, complete tonight.
    assert second["months_rewritten"] == ["2020-01", "2020-02"]
    january = lakes["after"][1]["curated"]["month=2020-01"]
    assert any(r["order_id"] == "6" for r in january), "the late row counts"
    # A's line 2 landed twice: once a line item of quantity 1.
    assert [r["quantity"] for r in january if r["order_id"] == "1"] == [1]


def test_an_upload_counts_the_night_its_completion_record_lands(lakes):
    first, second = (lakes["after"][i]["curated"]["month=2020-02"] for i in (0, 1))
    assert sorted(r["order_id"] for r in first) == ["2"]
    assert sorted(r["order_id"] for r in second) == ["2", "3"]
    assert lakes["reports"][0]["quarantined"] == {"incomplete_upload": 1}
    assert lakes["reports"][1]["quarantined"] == {}


def test_a_complete_re_upload_replaces_the_upload_counted_nights_before_in_every_month(lakes):
    third = lakes["reports"][2]
    assert third["quarantined"] == {"superseded_upload": 2}
    curated = lakes["after"][2]["curated"]
    orders = sorted(r["order_id"] for m in curated.values() for r in m)
    assert "1" not in orders and "2" not in orders and "7" in orders
    # January holds no new row tonight: rewritten for A's verdict (and P3's brand).
    assert "2020-01" in third["months_rewritten"]


def test_a_fill_that_changes_rewrites_a_month_without_new_rows(lakes):
    january = lakes["after"][2]["curated"]["month=2020-01"]
    filled = [r for r in january if r["order_id"] == "5"]
    assert len(filled) == 1 and filled[0]["brand"] == "zeta"
    before = [r for r in lakes["after"][1]["curated"]["month=2020-01"] if r["order_id"] == "5"]
    assert before[0]["brand"] == "acme"


def test_a_month_no_change_reaches_keeps_its_files(lakes):
    assert all("2019-12" not in r["months_rewritten"] for r in lakes["reports"][1:])
    assert lakes["after"][0]["december_files"] == lakes["after"][2]["december_files"]


def test_three_nights_give_what_one_full_run_gives_partition_by_partition(spark, lakes):
    assert partitions_of(spark, lakes["nightly"]) == partitions_of(spark, lakes["full"])
    assert documents(lakes["nightly"]) == documents(lakes["full"])
    nightly, full = lakes["reports"][-1], lakes["full_report"]
    for key in ("output", "undated", "filled", "still_missing"):
        assert nightly[key] == full[key], key


def test_a_night_without_new_objects_changes_nothing(spark, lakes):
    before = partitions_of(spark, lakes["nightly"])
    report = night(spark, lakes["nightly"])
    assert (report["new_objects"], report["months_rewritten"]) == (0, [])
    assert partitions_of(spark, lakes["nightly"]) == before


def test_a_run_dying_before_its_manifest_changes_nothing_and_the_next_reads_its_objects_again(lakes):
    died = lakes["deaths"][1]
    assert died["curated"] == lakes["after"][0]["curated"], "the tables are as the night before"
    assert len(died["runs_left"]) == 1, "its writes sit in its own run folder"
    january = lakes["after"][1]["curated"]["month=2020-01"]
    assert [r["order_id"] for r in january].count("6") == 1, "the late row without an origin counts once"
    assert lakes["after"][1]["runs_left"] == []


def test_a_run_dying_after_its_manifest_is_finished_by_the_next(lakes):
    died, finished = lakes["deaths"][2], lakes["reports"][2]
    assert died["curated"] != lakes["after"][1]["curated"], "it died after swapping the curated months in"
    assert finished["months_rewritten"] == ["2020-01", "2020-02", "2020-03"]
    assert lakes["after"][2]["runs_left"] == []
    kept = json.load(open(os.path.join(lakes["nightly"], LAKE["purchasesManifestKey"])))
    assert kept["publishing"] is None
