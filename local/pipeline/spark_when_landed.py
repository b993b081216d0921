"""Twin only: `spark-submit spark_when_landed.py <marker> <twin pid> <job> [options]` starts Spark now
and runs emr-jobs/main.py's <job> once the file <marker> exists, so the JVM and Spark
start-up overlap the twin's broker start and ingest instead of following them. If the twin or
spark-submit's JVM (this driver's parent; the twin stops a run by signalling it) is gone before the
marker appears, it exits without running anything."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "emr-jobs"))

import main  # noqa: E402

POLL_SECONDS = 0.05


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def wait_for(marker, twin_pid, jvm_pid):
    while not os.path.exists(marker):
        if not alive(twin_pid) or os.getppid() != jvm_pid:
            sys.exit("spark_when_landed: the twin or its Spark stopped before the data landed; nothing run")
        time.sleep(POLL_SECONDS)


if __name__ == "__main__":
    marker, twin_pid = sys.argv[1], int(sys.argv[2])
    jvm_pid = os.getppid()
    main.main(sys.argv[3:], when_ready=lambda spark: wait_for(marker, twin_pid, jvm_pid))
