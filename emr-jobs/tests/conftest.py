"""One local SparkSession for the whole suite (starting Spark costs seconds on 2 shared cores)."""
import os
import sys

import pytest

EMR_JOBS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, EMR_JOBS)


@pytest.fixture(scope="session")
def spark():
    from pyspark.sql import SparkSession

    # Python workers must run this interpreter (the venv with numpy), not whatever python3 is first on PATH.
    os.environ["PYSPARK_PYTHON"] = sys.executable

    from recstream_jobs import io

    session = (
        SparkSession.builder.master("local[2]")
        .appName("recstream-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate()
    )
    # The jobs' own session settings (UTC, time parser policy, shipping the package to workers).
    io.configure(session)
    yield session
    session.stop()
