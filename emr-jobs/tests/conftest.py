"""One local SparkSession for the whole suite (starting Spark costs seconds on 2 shared cores)."""
import os
import sys

import pytest

EMR_JOBS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, EMR_JOBS)

from spark_settings import MASTER, SESSION_CONF  # noqa: E402


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
