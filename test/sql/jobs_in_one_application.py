"""The real Spark jobs of emr-jobs/main.py, run one after another in ONE Spark application on a lake folder:
clean, analyse and recommend (the purchases step plan's parts), then sessions, funnel and categories. One JVM
start-up instead of six keeps test/sql's fixture to about a minute on 2 cores.

usage: spark-submit test/sql/jobs_in_one_application.py LAKE
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "emr-jobs"))

from main import JOBS, parse_args  # noqa: E402
from recstream_jobs.contract import LAKE  # noqa: E402
from recstream_jobs.io import spark_session  # noqa: E402


def steps(lake):
    at = lambda key: os.path.join(lake, key)  # noqa: E731
    return [
        ["clean", "--input", at(LAKE["rawPrefix"]), "--output", at(LAKE["curatedPrefix"])],
        ["analyse", "--input", at(LAKE["curatedPrefix"]), "--output", at(LAKE["analyticsPrefix"])],
        # The smallest model settings: the test reads what recommend writes, not how good it is.
        ["recommend", "--input", at(LAKE["curatedPrefix"]), "--output", at(LAKE["servingPrefix"]), "--selection-windows", "1", "--rank", "4", "--max-iter", "1"],
        ["sessions", "--lake", lake],
        ["funnel", "--lake", lake],
        ["categories", "--lake", lake],
    ]


if __name__ == "__main__":
    spark = spark_session("recstream-sql-fixture")
    try:
        for argv in steps(sys.argv[1]):
            args = parse_args(argv)
            JOBS[args.job].main(spark, args)
    finally:
        spark.stop()
