"""Entry point of recstream's EMR steps: `spark-submit [--py-files emr-jobs.zip] main.py <job> [options]`.

Jobs: pipeline (= clean, recommend, analyse in one application), clean, recommend, analyse (see README.md); sessions, funnel, intent, categories, behaviour (= those four in one application; README-behaviour.md). Paths may be s3:// or local.
"""
import argparse
import os
import sys

# numpy asks the kernel for transparent huge pages on every array over 4 MB. On a VM whose memory the host
# hands over lazily (Firecracker with free-page reporting, like the 2-core machine the benchmarks run on) each
# such first touch costs about ten plain ones: a 600 MB design matrix filled in 5.2 s instead of 0.45 s
# (docs/benchmarks.md, "Huge pages"). Read once, when numpy is first imported: before any job imports it.
os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")

# Locally main.py can run straight from the emr-jobs folder; on EMR the package comes from --py-files.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from behaviour_jobs import behaviour, categories, funnel, intent, sessions  # noqa: E402
from recstream_jobs import analyse, incremental, pipeline, recommend  # noqa: E402
from recstream_jobs.io import spark_session  # noqa: E402

JOBS = {"pipeline": pipeline, "clean": incremental, "recommend": recommend, "analyse": analyse, "sessions": sessions, "funnel": funnel, "intent": intent, "categories": categories, "behaviour": behaviour}


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="main.py", description=__doc__)
    jobs = parser.add_subparsers(dest="job", required=True)
    for name, module in JOBS.items():
        module.add_arguments(jobs.add_parser(name, help=module.__doc__.splitlines()[0]))
    return parser.parse_args(argv)


def main(argv=None, when_ready=None):
    """Runs one job; `when_ready(spark)`, if given, is called once Spark is up, before the job reads anything
    (the twin starts Spark while its input is still landing: local/pipeline/spark_when_landed.py)."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    spark = spark_session("recstream-" + args.job)
    try:
        if when_ready:
            when_ready(spark)
        JOBS[args.job].main(spark, args)
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
