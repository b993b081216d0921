"""ALS tuning on the rolling windows: each setting's fit time beside its gain over the served default.

    spark-submit tune_als.py CURATED_PARQUET [rank,regParam,alpha,maxIter ...]

For every window the recommend job judges (its own time split and defaults), each setting is fitted on
what was bought before the window, and the repeat-then-ALS list (the customer's own products, then ALS's
unseen ones) is scored on what they bought in it. Prints per setting: the fit seconds of every window, the
pooled NDCG@3 with its 95 % interval and the paired difference against the default setting, so the search's
cost stands beside what it gains. The nightly run fits one setting per window; a setting goes into
contract/pipeline.ts ALS_DEFAULTS only when its difference's interval lies above 0.
"""
import argparse
import sys
import time

import numpy as np
from pyspark.sql import SparkSession

from recstream_jobs import io, ranking
from recstream_jobs.contract import ALS_DEFAULTS, TOP_K
from recstream_jobs.recommend import bootstrap
from recstream_jobs.recommend import generators as G
from recstream_jobs.recommend.als import Model
from recstream_jobs.recommend.candidates import collect_purchases, epoch, truth_after
from recstream_jobs.recommend.evaluation import per_customer, time_split

DEFAULT = (ALS_DEFAULTS["rank"], ALS_DEFAULTS["regParam"], ALS_DEFAULTS["alpha"], ALS_DEFAULTS["maxIter"])
GRID = [DEFAULT, (16, 0.1, 10.0, 5), (48, 0.5, 10.0, 5), (96, 1.0, 40.0, 5), (48, 0.5, 40.0, 10)]


def setting(text):
    rank, reg, alpha, iters = text.split(",")
    return int(rank), float(reg), float(alpha), int(iters)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("curated")
    parser.add_argument("settings", nargs="*", type=setting, help="rank,regParam,alpha,maxIter (default: a small grid)")
    args = parser.parse_args(argv)
    settings = [DEFAULT] + [s for s in (args.settings or GRID) if s != DEFAULT]
    spark = io.configure(SparkSession.builder.appName("recstream-tune-als").getOrCreate())
    dated = [p for p in collect_purchases(spark.read.parquet(args.curated)) if p.ts is not None]
    windows, _ = time_split(dated, ALS_DEFAULTS["holdoutDays"], ALS_DEFAULTS["validationDays"], ALS_DEFAULTS["selectionWindows"])
    ndcg, seconds = {s: [] for s in settings}, {s: [] for s in settings}
    for start, end in windows:
        history = G.History(dated, epoch(start))
        truth = truth_after(dated, set(history.own), epoch(start), epoch(end))
        if not truth:
            continue
        for s in settings:
            started = time.time()
            model = Model(spark, history.dated, s[0], s[1], s[2], s[3], 42)
            seconds[s].append(round(time.time() - started, 1))
            als_lists = model.candidates(sorted(truth))
            lists = {u: ranking.policy_list("repeat_then_als", G.proposals(history, u, als_lists)[1], TOP_K) for u in truth}
            ndcg[s].append(per_customer(lists, truth)[1])
            print("window %s: rank %d reg %g alpha %g iter %d fitted in %.1fs" % (start.date(), *s, seconds[s][-1]), flush=True)
    base = np.concatenate(ndcg[DEFAULT])
    print("\n%-28s %-10s %-28s %s" % ("setting", "fit s", "NDCG@3 repeat_then_als", "minus the default"))
    for s in settings:
        mine = np.concatenate(ndcg[s])
        e, d = bootstrap.estimate(mine), bootstrap.paired(mine, base, "default")["ndcg_difference"]
        print("%-28s %-10.1f %.4f [%.4f, %.4f]       %+.4f [%.4f, %.4f]" % ("rank %d reg %g alpha %g iter %d" % s, sum(seconds[s]), e["mean"], e["low"], e["high"], d["mean"], d["low"], d["high"]))
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
