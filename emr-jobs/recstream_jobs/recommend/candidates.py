"""The known users' purchases on the driver, and each user's candidate lists (own purchases, ALS,
popular, own categories) and how the ranking policies score on them.

Known users' purchases are a tenth of the rows on the real data (about 100,000 of 1M, a few MB):
recommend collects them once and does the windows, histories and popularity lists in plain Python
here, where a Spark job per list cost a scheduling round each (README "recommend" measures both).
Spark keeps the work that grows with the whole store: cleaning, the ALS fits, the writes.
"""
import calendar
import datetime
from collections import namedtuple

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from .. import metrics, ranking

# Popular products kept for baselines and top-ups (more than k: seen ones may be skipped).
POPULAR_CANDIDATES = 50
# The category fill: each category's most bought products over this many days before the cut.
CATEGORY_DAYS = 90
CATEGORY_CANDIDATES = 10

# One line item of a known user; `ts` is its time in epoch seconds, None when undated.
Purchase = namedtuple("Purchase", "user_id product_id ts quantity category_id")


def collect_purchases(curated: DataFrame):
    """Known users' line items as Purchase tuples: guests can be neither personalised nor evaluated."""
    rows = (
        curated.filter(F.col("user_id").isNotNull())
        .select("user_id", "product_id", F.unix_timestamp("event_time").alias("ts"), "quantity", "category_id")
        .collect()
    )
    return [Purchase(*r) for r in rows]


def epoch(moment: datetime.datetime) -> int:
    """A naive UTC datetime (as Spark hands them to a UTC driver) in epoch seconds."""
    return calendar.timegm(moment.timetuple())


def between(purchases, start, end):
    """Purchases in [start, end) (datetimes); undated ones never fall in a window."""
    lo, hi = epoch(start), epoch(end)
    return [p for p in purchases if p.ts is not None and lo <= p.ts < hi]


def before(purchases, moment):
    cut = epoch(moment)
    return [p for p in purchases if p.ts is not None and p.ts < cut]


def split_window(bought, start, end):
    """(training purchases before start, truth: user -> products bought in [start, end) by users
    who bought before it too)."""
    train = before(bought, start)
    known = {p.user_id for p in train}
    truth = {}
    for p in between(bought, start, end):
        if p.user_id in known:
            truth.setdefault(p.user_id, set()).add(p.product_id)
    return train, truth


def popular(bought, moment, days, n=POPULAR_CANDIDATES):
    """The n products bought by the most known users in the `days` before `moment`, as
    [(product_id, share of those users)]. Recent and known-user only, by measurement: on the
    real data the all-time list (guests included) is cheap guest-only items that no known
    user bought in the holdout (hit-rate 0), the 30-day known-user list hits 3%."""
    window = between(bought, moment - datetime.timedelta(days=days), moment)
    buyers = {}
    for p in window:
        buyers.setdefault(p.product_id, set()).add(p.user_id)
    everyone = len({p.user_id for p in window}) or 1
    ranked = sorted(buyers.items(), key=lambda pb: (-len(pb[1]), pb[0]))[:n]
    return [(product, round(len(users) / everyone, 6)) for product, users in ranked]


def category_popular(bought, moment, days=CATEGORY_DAYS, n=CATEGORY_CANDIDATES):
    """{category_id: [(product_id, line items by known users)] best n first} over the `days` before `moment`."""
    counts = {}
    for p in between(bought, moment - datetime.timedelta(days=days), moment):
        if p.category_id is not None:
            key = (p.category_id, p.product_id)
            counts[key] = counts.get(key, 0) + 1
    lists = {}
    for (category, product), count in sorted(counts.items(), key=lambda kc: (-kc[1], kc[0][1])):
        ranked = lists.setdefault(category, [])
        if len(ranked) < n:
            ranked.append((product, float(count)))
    return lists


def histories(bought, users=None):
    """user_id -> (seen: [(product_id, units)] most units first, then most recent, then id;
    categories: [(category_id, the user's line items in it)]), for `users` (None: everyone)."""
    per_item, per_category = {}, {}
    for p in bought:
        if users is not None and p.user_id not in users:
            continue
        units, last = per_item.get((p.user_id, p.product_id), (0, None))
        newest = last if p.ts is None or (last is not None and last >= p.ts) else p.ts
        per_item[(p.user_id, p.product_id)] = (units + p.quantity, newest)
        if p.category_id is not None:
            key = (p.user_id, p.category_id)
            per_category[key] = per_category.get(key, 0) + 1
    seen = {}
    for (user, product), (units, last) in per_item.items():
        seen.setdefault(user, []).append((-units, -last if last is not None else 0, product, units))
    categories = {}
    for (user, category), count in per_category.items():
        categories.setdefault(user, []).append((category, float(count)))
    return {user: ([(product, float(units)) for _, _, product, units in sorted(items)], categories.get(user, [])) for user, items in seen.items()}


def user_candidates(history, als, popular_list, by_category):
    """user_id -> ranking.Candidates from histories(), ALS lists ({} without a model) and the shared lists."""
    return {
        user: ranking.Candidates(seen, als.get(user, []), popular_list, ranking.category_affinity(categories, by_category, seen, CATEGORY_CANDIDATES))
        for user, (seen, categories) in history.items()
    }


def evaluate_policies(candidates, truth, policies, k):
    """policy -> metrics over the users in `truth`."""
    def lists(policy):
        return {u: [item.product_id for item in ranking.POLICIES[policy](c, k)] for u, c in candidates.items()}

    return {policy: metrics.evaluate(lists(policy), truth, k) for policy in policies}
