"""clean: the nightly clean job. It reads only the raw objects no run has processed and rewrites only the month
partitions they change (emr-jobs/README.md "Incremental runs").

1. The raw prefix is listed; objects the manifest (manifest.py) holds are skipped. An object landing late,
   in the folder of an hour earlier runs already read, is still a key the manifest lacks: it is read.
2. Its rows are checked by clean's rules 1-4 as always; good rows get their month.
3. For each month the new rows fall in, the month's stored rows (LAKE purchaseRowsPrefix, which keep source
   and line) and the new ones are de-duplicated together (rule 5: a re-delivery landing nights later is still
   dropped) and written back; the lines landed per upload and month go to the manifest.
4. The upload rule (5b, uploads.verdicts) judges the whole history from the manifest's completion records and
   landed lines. A month holding rows of an upload whose verdict changed tonight is recomputed too: an
   upload whose last rows or completion record landed tonight starts to count; an older upload of a key a
   complete re-upload replaced tonight stops counting, in whichever months its rows were.
5. The recomputed months' rows become line items (rules 6-7). Rule 8 decides fills on the combinations of
   every month (kept per month, LAKE purchaseCombosPrefix): a month whose line items would now be filled
   differently (a product's most frequent brand changed) is recomputed as well.
6. Only those months' curated partitions are replaced. Everything the run changes (curated months,
   combinations, stored rows, quarantine) is first written under LAKE purchaseRunsPrefix/<run id>/; the
   manifest naming the run is the commit; then the months are swapped in (manifest.py says why: a run dying
   at any point neither loses nor double-counts a row, and the next run finishes or discards it).

A `full` run empties everything the nightly runs keep, then runs the same code on every raw object: the
two cannot drift apart, and test_clean_incremental_equals_full checks that several nights give, partition
by partition, what one full run gives.
"""
import time
import uuid

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from . import clean, io, manifest, partitions, uploads
from .contract import LAKE
from .progress import progress
from .schema import CORRUPT

log = progress("clean")
NEW = "new_tonight"
# The state a full run deletes; the curated line items and the quarantine go with it.
KEPT = ("curatedPrefix", "purchaseRowsPrefix", "purchaseCombosPrefix", "analyticsPartialsPrefix", "quarantinePrefix", "purchasesManifestKey", "pendingMonthsKey", "purchaseRunsPrefix")
QUARANTINE = "quarantine"
COMBO_KEY = clean.COMBO_FIELDS
COMBO_COUNTS = ("n", "units", "undated", "guests")


def _plural(n, noun):
    return "{:,} {}{}".format(n, noun, "" if n == 1 else "s")


def _summed(combos: DataFrame):
    """Combination rows summed over months, collected."""
    return combos.groupBy(*COMBO_KEY).agg(*[F.sum(c).alias(c) for c in COMBO_COUNTS]).collect()


def _fill_changes(before, after):
    """Combinations (product, category, code, brand) whose fill differs between two rule-8 tables."""
    old = {tuple(f[:4]): tuple(f[4:]) for f in before}
    new = {tuple(f[:4]): tuple(f[4:]) for f in after}
    return sorted((k for k in set(old) | set(new) if old.get(k) != new.get(k)), key=repr)


def _months_with(spark: SparkSession, combos: DataFrame, keys) -> set:
    """The months whose stored combinations include one of `keys`."""
    if combos is None or not keys:
        return set()
    wanted = spark.createDataFrame(keys, ", ".join("k_%s string" % c for c in COMBO_KEY))
    match = [combos[c].eqNullSafe(wanted["k_" + c]) for c in COMBO_KEY]
    return {r[0] for r in combos.join(F.broadcast(wanted), match).select("month").distinct().collect()}


def counted_items(rows: DataFrame, held) -> DataFrame:
    """Line items (rules 6-7) of the stored rows whose upload counts."""
    return clean.merge_quantities(rows.filter(uploads.held_reason(held).isNull()))


def _publish(spark: SparkSession, paths: dict, publishing: dict) -> None:
    """Swap a committed run's staged months into the tables and move its quarantine files; then drop its folder.
    Each step is skipped when already done, so it can run again after dying half way."""
    folder = io.join(paths["purchaseRunsPrefix"], publishing["run"])
    for key, months in publishing["tables"].items():
        partitions.publish(spark, io.join(folder, key), paths[key], months)
    hpath, fs = io.filesystem(spark, io.join(folder, QUARANTINE))
    jvm_path = spark.sparkContext._jvm.org.apache.hadoop.fs.Path
    if fs.exists(hpath):
        fs.mkdirs(jvm_path(paths["quarantinePrefix"]))
        for status in fs.listStatus(hpath):
            if status.getPath().getName().startswith("part-"):
                fs.rename(status.getPath(), jvm_path(io.join(paths["quarantinePrefix"], status.getPath().getName())))
    fs.delete(jvm_path(folder), True)


def recover(spark: SparkSession, paths: dict, state: manifest.Manifest) -> list:
    """Before a run: finish the run the manifest commits if its folder is still there (it died while swapping
    months in), and delete every other run folder (runs that died before their manifest: their objects are
    not in the manifest, so this run reads them again). Returns the curated months the finished run replaced."""
    committed = state.publishing["run"] if state.publishing else None
    hpath, fs = io.filesystem(spark, paths["purchaseRunsPrefix"])
    left = [s.getPath().getName() for s in fs.listStatus(hpath)] if fs.exists(hpath) else []
    months = []
    for name in left:
        if name == committed:
            log("run %s died after its manifest: swapping its months in now" % name)
            _publish(spark, paths, state.publishing)
            months = state.publishing["tables"]["curatedPrefix"]
        else:
            log("run %s died before its manifest: its writes are discarded, its objects read again" % name)
            fs.delete(spark.sparkContext._jvm.org.apache.hadoop.fs.Path(io.join(paths["purchaseRunsPrefix"], name)), True)
    return months


def run(spark: SparkSession, raw_root: str, lake: str, full=False, report_path=None, quarantine_path=None, curated_path=None):
    """Cleans what is new under `raw_root` into the lake at `lake` (the curated line items, report and quarantine
    where given, else at their LAKE keys); returns the clean report, whose `months_rewritten` are the curated
    months this run replaced."""
    at = lambda key: io.join(lake, LAKE[key])  # noqa: E731
    paths = {key: at(key) for key in KEPT}
    paths.update({k: v for k, v in (("quarantinePrefix", quarantine_path), ("curatedPrefix", curated_path)) if v})
    report_path = report_path or at("cleanReportKey")
    state, mode = manifest.night_start(spark, paths.values(), lambda: manifest.read(spark, paths["purchasesManifestKey"]), manifest.EMPTY, full)
    recovered = recover(spark, paths, state)
    if state.publishing:
        state = state._replace(publishing=None)
        manifest.write(spark, paths["purchasesManifestKey"], state)
    listed = manifest.list_objects(spark, raw_root)
    new = sorted(k for k in listed if k not in state.objects)
    if not new:
        report = {**(io.read_json(spark, report_path) or {}), "mode": mode, "new_objects": 0, "new_uploads": 0, "input_rows": 0, "months_rewritten": recovered}
        io.write_json(spark, report_path, report)
        log("no new raw objects under %s: the curated data is unchanged" % raw_root)
        return report
    log("%s of %d raw objects are new (%s run)" % (_plural(len(new), "object"), len(listed), mode))

    checked = clean.with_reject_reason(clean.normalise(clean.read_raw(spark, [io.join(raw_root, k) for k in new]).withColumn(clean.COMPLETION, uploads.is_completion()))).persist()
    seen = clean.count_outcomes(checked)
    log("read %d rows, %d rejected by the row rules" % (seen.input_rows, sum(seen.quarantined.values())))
    rows = checked.filter(~F.col(clean.COMPLETION)).drop(clean.COMPLETION, *uploads.CONTROL_FIELDS)
    good = rows.filter(F.col("reject_reason").isNull()).drop("reject_reason", "repaired_shift", CORRUPT).withColumn("month", partitions.month_of("event_ts"))
    new_months = sorted(r[0] for r in good.select("month").distinct().collect())

    # Rule 5 across nights: the months' stored rows and tonight's, one row per (source, line).
    old = partitions.read_months(spark, paths["purchaseRowsPrefix"], new_months)
    tonight = good.withColumn(NEW, F.lit(True))
    stored = clean.drop_redeliveries(tonight if old is None else old.withColumn(NEW, F.lit(False)).unionByName(tonight)).persist()
    stored_tonight = stored.count() - (old.count() if old is not None else 0)
    lines = {s: {m: n for m, n in months.items() if m not in new_months} for s, months in state.lines.items()}
    for r in stored.filter(F.col("source").isNotNull()).groupBy("source", "month").count().collect():
        lines.setdefault(r["source"], {})[r["month"]] = r["count"]
    lines = {s: months for s, months in lines.items() if months}

    # Rule 5b over the whole history.
    completions = manifest.with_completions(state.completions, seen.completions)
    held_before = uploads.verdicts(manifest.landed(state.lines), state.completions)
    landed = manifest.landed(lines)
    held = uploads.verdicts(landed, completions)
    changed = {s for s in set(held_before) | set(held) if held_before.get(s) != held.get(s)}
    verdict_months = sorted({m for s in changed for m in lines.get(s, {})} - set(new_months))
    recomputed = sorted(set(new_months) | set(verdict_months))
    also = partitions.read_months(spark, paths["purchaseRowsPrefix"], verdict_months)
    judged = stored if also is None else stored.unionByName(also.withColumn(NEW, F.lit(False)))
    items = counted_items(judged, held).persist()

    # Rule 8 on every month's combinations.
    combos_path = paths["purchaseCombosPrefix"]
    stored_combos = partitions.read_months(spark, combos_path, partitions.existing_months(spark, combos_path))
    combos = clean.combinations(items, "month").persist()
    table_before, _ = clean.combo_stats(_summed(stored_combos) if stored_combos is not None else [])
    kept_combos = None if stored_combos is None else stored_combos.filter(~F.col("month").isin(*recomputed))
    table, stats = clean.combo_stats(_summed(combos if kept_combos is None else kept_combos.unionByName(combos)))
    fill_months = sorted(_months_with(spark, kept_combos, _fill_changes(table_before, table)))
    if fill_months:
        items = items.unionByName(counted_items(partitions.read_months(spark, paths["purchaseRowsPrefix"], fill_months), held))
    rewritten = sorted(set(recomputed) | set(fill_months))
    run_folder = io.join(paths["purchaseRunsPrefix"], "%d-%s" % (time.time(), uuid.uuid4().hex[:8]))
    tables = {"curatedPrefix": rewritten, "purchaseCombosPrefix": recomputed, "purchaseRowsPrefix": new_months}
    partitions.stage(spark, clean.apply_fills(spark, items, table).select(*clean.CURATED_COLUMNS), io.join(run_folder, "curatedPrefix"), rewritten)
    partitions.stage(spark, combos, io.join(run_folder, "purchaseCombosPrefix"), recomputed)
    log("%s of line items rewritten (%s): %s new, %s whose uploads' verdict changed, %s whose fills changed" % (
        _plural(len(rewritten), "month partition"), ", ".join(rewritten), len(new_months), len(verdict_months), len(fill_months)))

    # Quarantine: tonight's rejected rows, and the rows held back that are new tonight or whose upload's verdict changed.
    quarantined = dict(seen.quarantined)
    for source, reason in held.items():
        quarantined[reason] = quarantined.get(reason, 0) + landed[source]
    held_rows = judged.withColumn("reject_reason", uploads.held_reason(held)).filter(F.col("reject_reason").isNotNull() & (F.col(NEW) | F.col("source").isin(*sorted(changed))))
    rejects = rows.filter(F.col("reject_reason").isNotNull()).drop("repaired_shift").unionByName(held_rows, allowMissingColumns=True).drop(NEW, "event_ts", "month")
    if not quarantined:
        rejects = rejects.limit(0)
    rejects.coalesce(1).write.mode("overwrite").json(io.join(run_folder, QUARANTINE))
    partitions.stage(spark, stored.drop(NEW), io.join(run_folder, "purchaseRowsPrefix"), new_months)

    report = clean.build_report(seen.input_rows, quarantined, seen.repaired, stats["units"], stats)
    run_rows = seen.input_rows - sum(seen.quarantined.values())
    if mode == "incremental":
        report["dropped"]["redelivered_duplicate"] = run_rows - stored_tonight
        report["rule"] = (
            "this run: input_rows = its rows rejected by rules 1-4 + redelivered_duplicate + new_rows_stored; quarantined adds the "
            "rows of uploads held back anywhere in the lake; output, merged_into_quantity, undated, filled and still_missing "
            "describe the whole curated data"
        )
    new_uploads = {c[0] for c in seen.completions if c[0] is not None} - {c[0] for c in state.completions}
    rewritten = sorted(set(rewritten) | set(recovered))
    report.update(mode=mode, new_objects=len(new), new_uploads=len(new_uploads), new_rows_stored=stored_tonight, months_rewritten=rewritten, quarantine_path=paths["quarantinePrefix"])
    io.write_json(spark, report_path, report)
    # The commit: from here on the run counts, and a run after a failure finishes the swap (recover).
    publishing = {"run": run_folder.rstrip("/").rsplit("/", 1)[1], "tables": tables}
    committed = manifest.Manifest({**state.objects, **{k: listed[k] for k in new}}, completions, lines)
    manifest.write(spark, paths["purchasesManifestKey"], committed._replace(publishing=publishing))
    _publish(spark, paths, publishing)
    manifest.write(spark, paths["purchasesManifestKey"], committed)
    for frame in (checked, stored, items, combos):
        frame.unpersist()
    log("processed %s, %s; %s rewritten" % (_plural(len(new_uploads), "new upload"), _plural(seen.input_rows, "row"), _plural(len(rewritten), "month partition")))
    return report


def full_argument(parser):
    parser.add_argument("--full", action="store_true", help="forget what earlier runs processed and rebuild from every raw object (default: only objects no run has processed)")


def add_arguments(parser):
    parser.add_argument("--input", required=True, help="raw Firehose objects, read recursively (<lake>/raw/purchases/)")
    parser.add_argument("--output", required=True, help="curated Parquet (<lake>/%s); what the run keeps goes under <lake>/state/" % LAKE["curatedPrefix"])
    parser.add_argument("--report", help="clean report JSON (default <lake>/%s)" % LAKE["cleanReportKey"])
    parser.add_argument("--quarantine", help="rejected rows as JSON lines (default <lake>/%s)" % LAKE["quarantinePrefix"])
    full_argument(parser)


def main(spark: SparkSession, args):
    return run(spark, args.input, io.lake_root(args.output, LAKE["curatedPrefix"]), args.full, args.report, args.quarantine, args.output)
