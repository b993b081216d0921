"""Entry point of the streaming job (issue 16): `spark-submit [--py-files emr-jobs.zip] realtime.py --bootstrap B --lake L [--auth iam]`.

Runs until stopped (an EMR Serverless STREAMING job, or the twin's `local/realtime/job.ts`); see realtime_jobs/stream.py.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from recstream_jobs.progress import progress  # noqa: E402
from realtime_jobs import stream  # noqa: E402
from recstream_jobs.io import spark_session  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(prog="realtime.py", description=__doc__)
    stream.add_arguments(parser)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    spark = spark_session("recstream-realtime")
    log = progress("realtime")
    stream.run(spark, args, log)


if __name__ == "__main__":
    main()
