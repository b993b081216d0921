"""The local Spark session's settings, shared by conftest's session and a test's own spark-submit.

A module of its own: `from conftest import ...` picks whichever conftest pytest imported last
(emr-jobs/tests/behaviour has one too), so it failed when the suite ran as a whole."""

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
