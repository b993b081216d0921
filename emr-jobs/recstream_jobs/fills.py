"""clean's rule 8 decided on the driver: which missing category_id, category_code and brand get filled, and with what.

The modes come from the line items' distinct (product, category, code, brand) combinations with
their counts: a few percent of the rows, collected in one Spark job. Deciding them here costs that
one job where three Spark modes cost a shuffle and a scheduling round each (README "clean"
measures both); the rows then take their fills from one broadcast join (clean.fill_details), and
the report counts what was filled from the same combinations (counts).
"""
from collections import Counter, namedtuple

# One distinct combination of the fields rule 8 reads, and how many line items have it.
Combo = namedtuple("Combo", "product_id category_id category_code brand n")
# The fields rule 8 fills.
FILLED_FIELDS = ("category_id", "category_code", "brand")
# A combination that gets something filled, and its values after the fills (None: still missing).
Fill = namedtuple("Fill", Combo._fields[:-1] + tuple("to_" + f for f in FILLED_FIELDS))


def mode(pairs):
    """{key: its most frequent value} over [(key, value, n)], pairs with a missing key or value
    skipped; ties go to the smallest value, so runs are repeatable."""
    counts = {}
    for key, value, n in pairs:
        if key is not None and value is not None:
            counts[(key, value)] = counts.get((key, value), 0) + n
    best = {}
    for (key, value), n in counts.items():
        if key not in best or (-n, value) < best[key]:
            best[key] = (-n, value)
    return {key: value for key, (_, value) in best.items()}


def fills(combos):
    """[Fill] for every Combo with a value to fill: a missing category_id from the product's most
    frequent category, a missing code from the (filled) category's most frequent code, a missing
    brand from the product's most frequent brand."""
    product_category = mode((c.product_id, c.category_id, c.n) for c in combos)
    product_brand = mode((c.product_id, c.brand, c.n) for c in combos)
    # The code's mode is over categories after the product fill, as the rows will have them.
    def category(c):
        return c.category_id if c.category_id is not None else product_category.get(c.product_id)

    category_code = mode((category(c), c.category_code, c.n) for c in combos)
    table = []
    for c in combos:
        filled = Fill(
            *c[:4],
            category(c),
            c.category_code if c.category_code is not None else category_code.get(category(c)),
            c.brand if c.brand is not None else product_brand.get(c.product_id),
        )
        if filled[4:] != (c.category_id, c.category_code, c.brand):
            table.append(filled)
    return table


def counts(combos, table):
    """Line items per outcome, for clean's report: `filled_<field>` (a missing value filled) and
    `missing_<field>` (still missing after the fills), each combination counted `n` times."""
    filled = {fill[:4]: fill[4:] for fill in table}
    tally = Counter({"%s_%s" % (outcome, field): 0 for outcome in ("filled", "missing") for field in FILLED_FIELDS})
    for c in combos:
        after = filled.get(tuple(c[:4]), c[1:4])
        for field, before, now in zip(FILLED_FIELDS, c[1:4], after):
            tally["filled_" + field] += c.n if before is None and now is not None else 0
            tally["missing_" + field] += c.n if now is None else 0
    return dict(tally)
