"""funnel: sessionized events -> view -> cart -> purchase funnel document (JSON).

A *unit* (a session, or a user; per category or brand: a session's/user's events in that
category or brand) reaches
- view     when it has a view,
- cart     when it has a cart at or after its first view,
- purchase when it has a purchase at or after that first cart.
Conversion at a step is reached(step) / reached(previous step); drop-off is 1 - conversion.
Units with any cart / any purchase are listed too (REES46 logs purchases without a cart).
Cart abandonment: units with any cart and no purchase at or after their first cart, over units
with any cart. Median times are exact medians (seconds) over the units that made the step.
By day and hour: a session counts on the day/hour it started; a user on each day/hour they were
active (unit = user x day, user x hour).
"""
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from recstream_jobs import io
from recstream_jobs.progress import progress

from . import funnel_days, night_state
from .common import at, plural, rounded
from .contract import LAKE

log = progress("funnel")
STEPS = ("view", "cart", "purchase")
TOP_GROUPS = 100


def _reached(column):
    return F.count(F.col(column)).cast("long")


def _started(fmt):
    return lambda: F.date_format(F.col("start").cast("timestamp"), fmt)


# Per document section: the unit kind (funnel_days.KINDS) its units are, and what groups them (None: nothing).
_GRP = lambda: F.col("grp")  # noqa: E731
SECTIONS = {
    ("session", "overall"): ("session", None),
    ("session", "by_day"): ("session", _started("yyyy-MM-dd")),
    ("session", "by_hour"): ("session", lambda: F.hour(F.col("start").cast("timestamp")).cast("string")),
    ("session", "by_category"): ("session_category", _GRP),
    ("session", "by_brand"): ("session_brand", _GRP),
    ("user", "overall"): ("user", None),
    ("user", "by_day"): ("user_day", _GRP),
    ("user", "by_hour"): ("user_hour", _GRP),
    ("user", "by_category"): ("user_category", _GRP),
    ("user", "by_brand"): ("user_brand", _GRP),
}
GROUP_NAMES = {"overall": None, "by_day": "day", "by_hour": "hour", "by_category": "category_id", "by_brand": "brand"}
STEP_COLUMNS = ("start", "viewed_at", "carted_at", "bought_at", "first_cart", "first_purchase", "abandoned")
NO_UNITS = {"group": None, "units": 0, "view": 0, "cart": 0, "purchase": 0, "with_cart": 0, "with_purchase": 0, "abandoned": None,
            "median_view_to_cart_seconds": None, "median_cart_to_purchase_seconds": None}


def section_rows(units: DataFrame) -> dict:
    """Funnel numbers of every section's groups, in one aggregation over the merged units:
    {(level, section): [row dict with `group`, counts and medians]}."""
    frames = [
        units.filter(F.col("kind") == kind).select(F.lit("%s/%s" % key).alias("section"), (group() if group else F.lit(None).cast("string")).alias("group"), *STEP_COLUMNS)
        for key, (kind, group) in SECTIONS.items()
    ]
    union = frames[0]
    for frame in frames[1:]:
        union = union.unionByName(frame)
    rows = union.groupBy("section", "group").agg(
        F.count(F.lit(1)).alias("units"),
        _reached("viewed_at").alias("view"),
        _reached("carted_at").alias("cart"),
        _reached("bought_at").alias("purchase"),
        _reached("first_cart").alias("with_cart"),
        _reached("first_purchase").alias("with_purchase"),
        F.sum(F.col("abandoned").cast("int")).alias("abandoned"),
        F.percentile(F.col("carted_at") - F.col("viewed_at"), 0.5).alias("median_view_to_cart_seconds"),
        F.percentile(F.col("bought_at") - F.col("carted_at"), 0.5).alias("median_cart_to_purchase_seconds"),
    ).collect()
    found = {key: [] for key in SECTIONS}
    for row in rows:
        found[tuple(row["section"].split("/"))].append(row.asDict())
    return found


def _ratio(a, b):
    return rounded(a / b) if b else None


def _document(row, group):
    counts = {step: int(row[step]) for step in STEPS}
    conversion = {"view_to_cart": _ratio(counts["cart"], counts["view"]), "cart_to_purchase": _ratio(counts["purchase"], counts["cart"]), "view_to_purchase": _ratio(counts["purchase"], counts["view"])}
    return {
        **({group: row["group"]} if group else {}),
        "units": int(row["units"]),
        "reached": counts,
        "conversion": conversion,
        "drop_off": {k: (None if v is None else rounded(1 - v)) for k, v in conversion.items()},
        # Purchases without a cart before them are common in REES46: the funnel's purchase step misses them.
        "with_any_cart": int(row["with_cart"]),
        "with_any_purchase": int(row["with_purchase"]),
        "cart_abandonment": _ratio(int(row["abandoned"] or 0), int(row["with_cart"])),
        "median_seconds": {"view_to_cart": rounded(row["median_view_to_cart_seconds"], 1), "cart_to_purchase": rounded(row["median_cart_to_purchase_seconds"], 1)},
    }


def level(sections: dict, name: str, top=TOP_GROUPS) -> dict:
    """One level's document ('session' or 'user') from section_rows: groups by most viewing units, then by
    group (the top `top` categories and brands), days and hours in their order."""
    rows = lambda section: [_document(r, GROUP_NAMES[section]) for r in sorted(sections[name, section], key=lambda r: (-r["view"], r["group"] or ""))]  # noqa: E731
    return {
        "overall": (rows("overall") or [_document(NO_UNITS, None)])[0],
        "by_category": rows("by_category")[:top],
        "by_brand": rows("by_brand")[:top],
        "by_day": sorted(rows("by_day"), key=lambda r: r["day"]),
        "by_hour": sorted(rows("by_hour"), key=lambda r: int(r["hour"])),
    }


def category_codes(partial: DataFrame) -> dict:
    rows = partial.filter((F.col("kind") == "session_category") & F.col("code").isNotNull()).groupBy("grp").agg(F.max("code").alias("code")).collect()
    return {r["grp"]: r["code"] for r in rows}


def document(partial: DataFrame, top=TOP_GROUPS) -> dict:
    """The funnel document from per-day partials (funnel_days.partials; None: no events)."""
    partial = partial.persist() if partial is not None else None
    sections = section_rows(funnel_days.merge(partial)) if partial is not None else {key: [] for key in SECTIONS}
    result = {"session": level(sections, "session", top), "user": level(sections, "user", top)}
    codes = category_codes(partial) if partial is not None else {}
    if partial is not None:
        partial.unpersist()
    for kind in result.values():
        for row in kind["by_category"]:
            row["category_code"] = codes.get(row["category_id"])
    result["definition"] = __doc__.split("\n\n", 1)[1].strip()
    result["groups_listed"] = "by_category and by_brand: the %d groups with most viewing units" % top
    return result


def funnel(events: DataFrame, top=TOP_GROUPS) -> dict:
    """The funnel document of `events`, through the same per-day partials a nightly run keeps."""
    return document(funnel_days.partials(events), top)


def night(spark: SparkSession, lake: str, days) -> dict:
    """The nightly funnel: the kept partials of event days `days` (funnel_days.pending: what the sessions runs
    changed) are recomputed, then every day's partials are merged into the document."""
    state = at(lake, LAKE["funnelStatePrefix"])
    starts = night_state.read_manifest(spark, at(lake, LAKE["eventsManifestKey"])).days
    funnel_days.update(spark, at(lake, LAKE["eventsPrefix"]), state, days, starts)
    log("partials of %s recomputed, every kept day merged" % plural(len(days), "event day"))
    written = _written(spark, lake, document(funnel_days.kept(spark, state)))
    funnel_days.done(spark, lake)
    return written


def run(spark: SparkSession, lake: str):
    """The funnel of every curated event, computed whole (no partials are kept: the nightly run's are `night`'s)."""
    return _written(spark, lake, funnel(spark.read.parquet(at(lake, LAKE["eventsPrefix"]))))


def _written(spark: SparkSession, lake: str, document: dict) -> dict:
    io.write_json(spark, at(lake, LAKE["funnelKey"]), document)
    for kind in ("session", "user"):
        o = document[kind]["overall"]
        log("%s funnel: view %d -> cart %d -> purchase %d (view->cart %s, cart->purchase %s, cart abandonment %s, median view->cart %ss, cart->purchase %ss)" % (
            kind, o["reached"]["view"], o["reached"]["cart"], o["reached"]["purchase"], o["conversion"]["view_to_cart"], o["conversion"]["cart_to_purchase"],
            o["cart_abandonment"], o["median_seconds"]["view_to_cart"], o["median_seconds"]["cart_to_purchase"]))
    return document


def add_arguments(parser):
    parser.add_argument("--lake", required=True, help="lake root; reads %s, writes %s" % (LAKE["eventsPrefix"], LAKE["funnelKey"]))


def main(spark: SparkSession, args):
    return run(spark, args.lake)
