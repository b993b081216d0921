"""Item-to-item lists: for each product, the products bought in the same orders, then the products its
customers also bought (GET /products/{id}/similar, contract/recommender.ts).

Counted exactly from the known customers' line items: orders holding both products, and distinct
customers who bought both. Written in 100 shards so the API reads one small object per lookup.
"""
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor

from .. import io
from ..contract import CONTRACT, LAKE

PER_PRODUCT = CONTRACT["recommender"]["similar_per_product"]
SHARDS = 100


def shard_for(product_id):
    """contract/recommender.ts similarShardFor: the id's last two digits."""
    return product_id[-2:].rjust(2, "0")


def bought_together(bought):
    """product -> Counter(other product -> orders holding both)."""
    orders = defaultdict(set)
    for p in bought:
        if p.order_id is not None:
            orders[p.order_id].add(p.product_id)
    pairs = defaultdict(Counter)
    for products in orders.values():
        for a in products:
            for b in products:
                if a != b:
                    pairs[a][b] += 1
    return pairs


def also_bought(history, product, exclude):
    """[(other product, customers who bought both)] best first, from the customers of `product`."""
    counts = Counter()
    for user in history.buyers.get(product, ()):
        for other in history.own[user]:
            if other != product and other not in exclude:
                counts[other] += 1
    return sorted(counts.items(), key=lambda pc: (-pc[1], pc[0]))


def similar_lists(bought, history, details):
    """{shard: {product_id: ProductSimilar}} for every product with at least one related product."""
    together = bought_together(bought)
    shards = defaultdict(dict)
    for product in sorted(history.buyers):
        first = sorted(together.get(product, {}).items(), key=lambda pc: (-pc[1], pc[0]))[:PER_PRODUCT]
        rows = [(other, "bought_together", n) for other, n in first]
        taken = {other for other, _, _ in rows}
        rows += [(other, "also_bought", n) for other, n in also_bought(history, product, taken)[: PER_PRODUCT - len(rows)]]
        if rows:
            shards[shard_for(product)][product] = {**_product(product, details), "similar": [{**_product(o, details), "relation": r, "count": n} for o, r, n in rows]}
    return shards


def _product(product_id, details):
    category_code, brand, price = details.get(product_id, (None, None, None))
    return {"product_id": product_id, "category_code": category_code, "brand": brand, "price": price}


def write_similar(spark, output_folder, shards):
    """Every shard, empty ones too, so no list of an earlier run survives; writes overlap (S3 PUTs wait on the network)."""
    names = ["%02d" % n for n in range(SHARDS)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda name: io.write_json(spark, io.join(output_folder, name + ".json"), shards.get(name, {})), names))
    return sum(len(products) for products in shards.values())


assert LAKE["similarPrefix"].endswith("/")
