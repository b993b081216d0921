"""The progress lines every job prints, `[<job> HH:MM:SS] message`: the twin shows them as
they come (local/pipeline/spark.ts picks out lines starting with `[<job> `), EMR keeps them
in the step's stdout."""
import datetime


def progress(job):
    """A `log(message)` for one job."""

    def log(message):
        print("[%s %s] %s" % (job, datetime.datetime.utcnow().strftime("%H:%M:%S"), message), flush=True)

    return log
