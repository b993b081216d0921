"""One local SparkSession for the whole suite (starting Spark costs seconds on 2 shared cores)."""
import os
import sys

import pytest

EMR_JOBS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, EMR_JOBS)


MASTER = "local[2]"
# Also the settings of a test's own spark-submit whose output is compared with this session's (test_end_to_end.py):
# ALS blocks and shuffle partitions follow the parallelism, so both must have the same.
SESSION_CONF = {
    "spark.ui.enabled": "false",
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.host": "127.0.0.1",
}


@pytest.fixture(scope="session")
def spark():
    from pyspark.sql import SparkSession

    # Python workers must run this interpreter (the venv with numpy), not whatever python3 is first on PATH.
    os.environ["PYSPARK_PYTHON"] = sys.executable

    from recstream_jobs import io

    builder = SparkSession.builder.master(MASTER).appName("recstream-tests")
    for key, value in SESSION_CONF.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    # The jobs' own session settings (UTC, time parser policy, shipping the package to workers).
    io.configure(session)
    yield session
    session.stop()
