"""The step plan (`pipeline`: clean -> recommend -> analyse in one application) on the committed Firehose
fixture (both producers, a re-delivery).

The lake is built over two nights, as a store's is (issue 26), in process on the shared session: the real
data's own objects first (clean and analyse only: test_clean_incremental_equals_full.py runs many nights of
them), the upload - its rows, its completion record and a re-delivery - the next night through the step plan.
A second lake gets the same objects in one `--full` run of the step as EMR runs it: spark-submit of main.py
alone with the zip the CDK asset ships, in its own JVM (started first, so it runs while the nights run). Its
curated partitions, documents and recommendations must be the two nights', file by file. Both lakes'
recommender has one run in its history, so the promotion rule sees the same."""
import glob
import json
import os
import shutil
import subprocess
import sys
import time

import pytest

import main as cli
from spark_settings import MASTER, SESSION_CONF
from recstream_jobs import analyse, incremental
from recstream_jobs.contract import ANALYTICS_DOCUMENTS, CONTRACT, FALLBACK_USER_ID, LAKE, TOP_K
from recstream_jobs.recommend.evaluation import FIRST_SERVED
from recstream_jobs.recommend.serving import EVIDENCE

HERE = os.path.dirname(os.path.abspath(__file__))
RAW = os.path.join(HERE, "fixtures", "raw", "purchases")
GOLDEN = os.path.join(HERE, "golden", "analytics")
SOURCES = set(CONTRACT["recommender"]["generators"]) | {"fallback"}
MODELS = set(CONTRACT["recommender"]["models"])


def run_job(spark, argv):
    args = cli.parse_args(argv)
    return cli.JOBS[args.job].main(spark, args)


def plan(root):
    """contract/pipeline.ts's step plan (as contract.json carries it) with the lake at `root`."""
    placeholder = CONTRACT["spark_plan"]["lake_root"]
    return [[step["job"]] + [arg.replace(placeholder, root) for arg in step["args"]] for step in CONTRACT["spark_plan"]["steps"]]


FIRST_NIGHT = "purchases-real-"


def deliver(lake, night):
    """Copies the fixture's objects of one night (the first: the real data's own objects) into the lake."""
    for path in glob.glob(os.path.join(RAW, "**", "*.gz"), recursive=True):
        if os.path.basename(path).startswith(FIRST_NIGHT) == (night == 0):
            target = os.path.join(lake, LAKE["rawPrefix"], os.path.relpath(path, RAW))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copy(path, target)


def emr_bundle(folder):
    """(main.py alone, the zip of the packages the CDK asset ships and nothing else of emr-jobs/) under folder."""
    emr_jobs = os.path.dirname(HERE)
    bundle = os.path.join(folder, "bundle")
    for package in CONTRACT["spark_packages"]:
        shutil.copytree(os.path.join(emr_jobs, package), os.path.join(bundle, package), ignore=shutil.ignore_patterns("__pycache__"))
    archive = shutil.make_archive(os.path.join(folder, "emr-jobs"), "zip", bundle)
    # As on EMR, main.py sits alone (there it is downloaded from S3): the package must come from the zip.
    entry = os.path.join(folder, "step", "main.py")
    os.makedirs(os.path.dirname(entry))
    shutil.copy(os.path.join(emr_jobs, "main.py"), entry)
    return entry, archive


@pytest.fixture(scope="module")
def full_rebuild(tmp_path_factory):
    """The `--full` step plan as a spark-submit of main.py with the EMR zip, started now and awaited by full_lake."""
    root = str(tmp_path_factory.mktemp("full-lake"))
    shutil.copytree(RAW, os.path.join(root, LAKE["rawPrefix"]))
    entry, archive = emr_bundle(str(tmp_path_factory.mktemp("emr")))
    venv_bin = os.path.dirname(sys.executable)
    env = {**os.environ, "PATH": venv_bin + os.pathsep + os.environ["PATH"], "PYSPARK_PYTHON": sys.executable}
    env.pop("PYTHONPATH", None)
    # The shared session's master and settings: the recommender's ALS blocks follow the parallelism.
    # A short run on a small input: the JVM's quick compiler only, as the twin runs small uploads (local/pipeline/spark.ts).
    settings = {**SESSION_CONF, "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1"}
    conf = [arg for key, value in settings.items() for arg in ("--conf", "%s=%s" % (key, value))]
    (argv,) = plan(root)
    log = open(os.path.join(root, "spark-submit.log"), "w+")
    process = subprocess.Popen(
        [os.path.join(venv_bin, "spark-submit"), "--master", MASTER, *conf, "--py-files", archive, entry, *argv, "--full"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    yield root, process, log
    if process.poll() is None:
        os.killpg(process.pid, 9)
    log.close()


@pytest.fixture(scope="module")
def lake(spark, tmp_path_factory, full_rebuild):
    root = str(tmp_path_factory.mktemp("lake"))
    at = lambda key: os.path.join(root, LAKE[key])  # noqa: E731
    deliver(root, 0)
    first = incremental.run(spark, at("rawPrefix"), root)
    analyse.update(spark, at("curatedPrefix"), at("analyticsPartialsPrefix"), first["months_rewritten"], at("analyticsPrefix"))
    deliver(root, 1)
    for argv in plan(root):
        run_job(spark, argv)
    return root


@pytest.fixture(scope="module")
def full_lake(full_rebuild):
    root, process, log = full_rebuild
    deadline = time.time() + 1200
    while process.poll() is None and time.time() < deadline:
        time.sleep(1)
    log.seek(0)
    assert process.returncode == 0, "spark-submit main.py pipeline --full: exit %s\n%s" % (process.returncode, log.read()[-4000:])
    return root


def test_the_step_plan_is_one_pipeline_step_with_the_contract_defaults():
    steps = {argv[0]: cli.parse_args(argv) for argv in plan("/lake")}
    assert list(steps) == ["pipeline"]
    pipeline = steps["pipeline"]
    als = CONTRACT["als_defaults"]
    assert (pipeline.rank, pipeline.reg_param, pipeline.alpha, pipeline.pin) == (als["rank"], als["regParam"], als["alpha"], None)
    assert (pipeline.max_iter, pipeline.holdout_days, pipeline.validation_days, pipeline.selection_windows, pipeline.latest_months_days) == (
        als["maxIter"], als["holdoutDays"], als["validationDays"], als["selectionWindows"], als["latestMonthsDays"])
    # Without flags recommend runs with the same settings: the defaults are the contract's too.
    bare = cli.parse_args(["recommend", "--input", "i", "--output", "o"])
    keys = ("rank", "reg_param", "alpha", "max_iter", "holdout_days", "validation_days", "selection_windows", "latest_months_days")
    assert all(getattr(bare, k) == getattr(pipeline, k) for k in keys)
    assert pipeline.lake.rstrip("/") == "/lake" and pipeline.input is None  # raw input: the lake's raw prefix


def read_json(path):
    with open(path) as f:
        return json.load(f)


def parquet_rows(spark, folder):
    return sorted((r.asDict() for r in spark.read.parquet(folder).collect()), key=repr)


def json_files(root, prefix):
    """{file under prefix: its lines, sorted} for every JSON file; Spark's part files compared by content, not name."""
    found = {}
    for path in sorted(glob.glob(os.path.join(root, prefix, "**", "*.json"), recursive=True)):
        name = os.path.relpath(path, root)
        key = os.path.dirname(name) + "/part-*.json" if os.path.basename(name).startswith("part-") else name
        with open(path) as f:
            found.setdefault(key, []).extend(f.read().splitlines())
    return {k: sorted(v) for k, v in found.items()}


def test_two_nights_give_the_full_runs_curated_partitions_documents_and_recommendations(spark, lake, full_lake):
    months = sorted(os.path.basename(p) for p in glob.glob(os.path.join(full_lake, LAKE["curatedPrefix"], "month=*")))
    assert months == sorted(os.path.basename(p) for p in glob.glob(os.path.join(lake, LAKE["curatedPrefix"], "month=*")))
    for month in months:
        assert parquet_rows(spark, os.path.join(lake, LAKE["curatedPrefix"], month)) == parquet_rows(spark, os.path.join(full_lake, LAKE["curatedPrefix"], month)), month
    for prefix in (LAKE["analyticsPrefix"], LAKE["recommendationsPrefix"], LAKE["similarPrefix"]):
        nightly = json_files(lake, prefix)
        assert nightly and nightly == json_files(full_lake, prefix), prefix
    assert read_json(os.path.join(lake, LAKE["fallbackKey"])) == read_json(os.path.join(full_lake, LAKE["fallbackKey"]))
    assert read_json(os.path.join(lake, LAKE["metricsKey"]))["served"] == read_json(os.path.join(full_lake, LAKE["metricsKey"]))["served"]


def test_clean_writes_month_partitions_a_report_and_an_empty_quarantine(lake, full_lake):
    nightly = read_json(os.path.join(lake, LAKE["cleanReportKey"]))
    assert (nightly["mode"], nightly["new_objects"]) == ("incremental", 3)
    lake = full_lake
    report = read_json(os.path.join(lake, LAKE["cleanReportKey"]))
    assert (report["mode"], report["new_objects"]) == ("full", 5)
    assert report["input_rows"] == 7716 + 200
    assert report["dropped"]["redelivered_duplicate"] == 200
    assert report["output"]["units"] == 7716
    assert report["repaired"]["shifted_columns"] > 0
    months = sorted(os.path.basename(p) for p in glob.glob(os.path.join(lake, LAKE["curatedPrefix"], "month=*")))
    assert months == ["month=2020-0%d" % m for m in range(1, 8)] + ["month=undated"]
    # The fixture's only bad rows are re-deliveries (deduplicated, not rejected): the quarantine is written, and empty.
    assert report["quarantined"] == {}
    parts = glob.glob(os.path.join(lake, LAKE["quarantinePrefix"], "part-*"))
    assert parts, "clean writes its quarantine even when nothing is rejected"
    assert sum(1 for part in parts for line in open(part) if line.strip()) == 0


def test_every_known_user_gets_k_detailed_recommendations_in_the_contract_shape(lake):
    lines = []
    for part in glob.glob(os.path.join(lake, LAKE["recommendationsPrefix"], "part-*.json")):
        with open(part) as f:
            lines += [json.loads(line) for line in f]
    users = [line["user_id"] for line in lines]
    assert len(users) == len(set(users)) > 1000
    for line in lines:
        assert set(line) == {"user_id", "recommendations", "source"}
        assert line["source"] in SOURCES
        assert (line["source"] == "fallback") == (line["user_id"] == FALLBACK_USER_ID)
        assert len(line["recommendations"]) == TOP_K
        assert len({r["product_id"] for r in line["recommendations"]}) == TOP_K
        assert line["source"] == line["recommendations"][0]["source"]
        for item in line["recommendations"]:
            assert set(item) == {"product_id", "score", "category_code", "brand", "price", "source", *EVIDENCE}
            assert item["source"] in SOURCES
            # Each source carries its own evidence and no other's (test/web/card-reasons-are-true checks the values).
            assert (item["times_bought"] is not None) == (item["source"] == "repeat")
            assert (item["popular_rank"] is not None) == (item["source"] in ("popular", "fallback"))
            assert (item["category_rank"] is not None) == (item["source"] == "category")
            assert item["customers_also"] is None or item["source"] in ("als", "copurchase")
            assert item["product_id"].isdigit() and isinstance(item["score"], float)
            assert item["price"] is None or float(item["price"]) >= 0
    # Lists mix generators, and each card says which.
    assert any(len({item["source"] for item in line["recommendations"]}) > 1 for line in lines)
    fallback = read_json(os.path.join(lake, LAKE["fallbackKey"]))
    assert fallback in lines


def test_the_run_record_judges_every_model_on_later_data_with_intervals(lake):
    document = read_json(os.path.join(lake, LAKE["metricsKey"]))
    assert document == read_json(os.path.join(lake, LAKE["recommenderRunsPrefix"], document["run_id"] + ".json"))
    assert document["served"]["model"] in MODELS and document["served"]["reason"] and not document["served"]["pinned"]
    windows = document["windows"]
    # The first rolling window only trains the ranker; the others and the holdout judge every model.
    assert len(windows) == CONTRACT["als_defaults"]["selectionWindows"] - 1
    assert [w["end"] for w in windows[:-1]] == [w["start"] for w in windows[1:]] and windows[-1]["end"] == document["holdout"]["start"]
    for period in windows + [document["holdout"]]:
        assert set(period["models"]) <= MODELS and {"repeat", "popular"} <= set(period["models"])
        for score in period["models"].values():
            assert score["users"] == period["users"] > 0
            for metric in ("recall", "ndcg"):
                assert 0 <= score[metric]["low"] <= score[metric]["mean"] <= score[metric]["high"] <= 1
    served = document["holdout"]["by_source"]
    assert sum(s["served"] for s in served.values()) == TOP_K * document["holdout"]["users"]
    assert all(0 <= s["hits"] <= s["served"] for s in served.values())
    # The latest months: a longer unseen split ending where the holdout ends, its models trained before it.
    latest = document["latest_months"]
    assert latest["end"] == document["holdout"]["end"] and latest["start"] < document["holdout"]["start"]
    assert sum(s["served"] for s in latest["by_source"].values()) == TOP_K * latest["users"]
    history = read_json(os.path.join(lake, LAKE["recommenderHistoryKey"]))
    assert history["runs"][-1]["run_id"] == document["run_id"]
    assert "rmse" not in json.dumps(document).lower()


def test_similar_products_count_orders_and_customers_exactly(spark, lake):
    known = spark.read.parquet(os.path.join(lake, LAKE["curatedPrefix"])).filter("user_id is not null").select("order_id", "user_id", "product_id").collect()
    orders, customers = {}, {}
    for r in known:
        orders.setdefault(r.product_id, set()).add(r.order_id)
        customers.setdefault(r.product_id, set()).add(r.user_id)
    shards = {os.path.basename(p)[:-5]: read_json(p) for p in glob.glob(os.path.join(lake, LAKE["similarPrefix"], "*.json"))}
    assert sorted(shards) == ["%02d" % n for n in range(100)]
    products = {pid: entry for shard in shards.values() for pid, entry in shard.items()}
    assert products and all(pid[-2:].rjust(2, "0") == shard for shard, entries in shards.items() for pid in entries)
    for entry in products.values():
        relations = [s["relation"] for s in entry["similar"]]
        assert relations == sorted(relations, key=lambda r: r != "bought_together")  # bought together first
        assert len(entry["similar"]) <= CONTRACT["recommender"]["similar_per_product"]
        assert entry["product_id"] not in {s["product_id"] for s in entry["similar"]}
        for other in entry["similar"]:
            sets = orders if other["relation"] == "bought_together" else customers
            assert other["count"] == len(sets[entry["product_id"]] & sets[other["product_id"]]) > 0


def test_analytics_documents_match_the_committed_samples(lake):
    """The website builds against tests/golden/analytics. UPDATE_GOLDEN=1 rewrites the samples
    and then fails: a run that wrote its own expectations has compared nothing."""
    if os.environ.get("UPDATE_GOLDEN"):
        for name in ANALYTICS_DOCUMENTS:
            shutil.copy(os.path.join(lake, LAKE["analyticsPrefix"], name + ".json"), os.path.join(GOLDEN, name + ".json"))
        pytest.fail("UPDATE_GOLDEN: rewrote %s; review the diff and run again without UPDATE_GOLDEN" % GOLDEN)
    for name in ANALYTICS_DOCUMENTS:
        produced = read_json(os.path.join(lake, LAKE["analyticsPrefix"], name + ".json"))
        assert produced == read_json(os.path.join(GOLDEN, name + ".json")), name
    summary = read_json(os.path.join(GOLDEN, "summary.json"))
    monthly = read_json(os.path.join(GOLDEN, "monthly_sales.json"))
    heat = read_json(os.path.join(GOLDEN, "hour_weekday.json"))
    assert summary["average_order_value"] == round(summary["revenue"] / summary["orders"], 2)
    assert sum(m["units"] for m in monthly) < summary["units"]  # undated units only in the total
    assert len(heat) == 168 and {c["weekday"] for c in heat} == set(range(1, 8))
    assert sum(c["orders"] for c in heat) >= sum(m["orders"] for m in monthly)


def test_spark_submit_runs_the_emr_step_from_main_py_and_the_zip_alone(full_lake):
    """full_lake is that run: here, that it ran the step plan's one job to its end in its own application."""
    with open(os.path.join(full_lake, "spark-submit.log")) as f:
        log = f.read()
    assert "[pipeline " in log and "clean, recommend and analyse done on %s" % full_lake in log
    assert read_json(os.path.join(full_lake, LAKE["cleanReportKey"]))["mode"] == "full"


def test_recommend_serves_a_store_too_young_to_measure(spark, tmp_path):
    """Two days of purchases: no user is active before and during a window, yet everyone is served."""
    rows = [
        ("2020-07-01 10:00:00", "1", "11", "101", 1),
        ("2020-07-01 11:00:00", "2", "12", "102", 2),
        ("2020-07-02 09:00:00", "3", "11", "102", 1),
    ]
    curated = spark.createDataFrame(
        [(t, o, u, p, q, "7", "electronics.audio", "sony", "9.99", "2020-07") for t, o, u, p, q in rows],
        "t string, order_id string, user_id string, product_id string, quantity int, category_id string, category_code string, brand string, price string, month string",
    ).selectExpr("to_timestamp(t) as event_time", "order_id", "user_id", "product_id", "quantity", "category_id", "category_code", "brand",
                 "cast(price as decimal(12,2)) as price", "month")
    curated.write.parquet(str(tmp_path / "curated"))
    document = run_job(spark, ["recommend", "--input", str(tmp_path / "curated"), "--output", str(tmp_path / "serving")])
    assert document["windows"] == [] and document["holdout"]["users"] == 0
    assert document["served"]["model"] == FIRST_SERVED and document["served"]["reason"].startswith("No judged window")
    assert document["serving"]["users"] == 2
    served = [json.loads(line) for part in glob.glob(str(tmp_path / "serving" / "recommendations" / "part-*.json")) for line in open(part)]
    assert {line["user_id"] for line in served} == {"11", "12", FALLBACK_USER_ID}
    assert all(len(line["recommendations"]) == 2 for line in served)  # only two products exist
