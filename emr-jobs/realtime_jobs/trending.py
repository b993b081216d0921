"""The live view's trending products and categories: view and cart counts per minute and product
(`state["products"]`), ranked over the last `trendingMinutes`. Pure Python, like live.py.

The window's totals per product are kept as the minutes enter and leave it, so a batch's view adds and subtracts
the minutes that moved instead of summing every product of every minute in the window again (that sum was the
view's biggest cost once the sessions were counted as they change: ~0.6 s of Python a batch at 2,000 events/s,
synthetic partials)."""
import heapq

from .contract import REALTIME

MINUTE_MS = 60_000
TRENDING_MS = REALTIME["trendingMinutes"] * MINUTE_MS


class Products(dict):
    """minute (ms, as a string: the state is JSON) -> {product: [views, carts]}, with the totals of the minutes in
    the trending window (`summed`: those minutes; the totals are rebuilt from the minutes on restore)."""

    def __init__(self, items=()):
        super().__init__(items)
        self.summed = set()
        self.totals = {}  # product -> [views, carts] over the summed minutes

    def add(self, minute, product, kind, count):
        counts = self.setdefault(str(minute), {}).setdefault(product, [0, 0])
        at = 0 if kind == "view" else 1
        counts[at] += count
        if str(minute) in self.summed:
            self.totals.setdefault(product, [0, 0])[at] += count

    def _sum(self, minute, sign):
        for product, (views, carts) in self[minute].items():
            total = self.totals.setdefault(product, [0, 0])
            total[0] += sign * views
            total[1] += sign * carts
            if total == [0, 0]:
                del self.totals[product]

    def evict(self, oldest):
        """Minutes before `oldest` leave."""
        for minute in [m for m in self if int(m) < oldest]:
            if minute in self.summed:
                self._sum(minute, -1)
                self.summed.discard(minute)
            del self[minute]

    def since(self, since):
        """product -> [views, carts] summed over the minutes after `since`."""
        for minute in [m for m in self.summed if int(m) <= since]:
            self._sum(minute, -1)
            self.summed.discard(minute)
        for minute in [m for m in self if int(m) > since and m not in self.summed]:
            self._sum(minute, 1)
            self.summed.add(minute)
        return self.totals


def held(state):
    """The state's products as Products (a restored or hand-made state holds a plain dict)."""
    if not isinstance(state.get("products"), Products):
        state["products"] = Products(state.get("products") or {})
    return state["products"]


def trending(state, as_of):
    """The live view's `trending`: the `trendingTop` products and categories by views, then carts, then key."""
    products, categories = held(state).since(as_of - TRENDING_MS), {}
    catalogue = state["catalogue"]
    for product, (views, carts) in products.items():
        code = catalogue[product][1]
        if code:
            total = categories.setdefault(code, [0, 0])
            total[0] += views
            total[1] += carts
    top = REALTIME["trendingTop"]
    ranked = lambda table: heapq.nsmallest(top, table.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))  # noqa: E731
    return {
        "products": [
            {"product_id": p, "brand": catalogue[p][0], "category_path": (catalogue[p][1] or "").split(".") if catalogue[p][1] else [], "views": v, "carts": c}
            for p, (v, c) in ranked(products)
        ],
        "categories": [{"category": k, "views": v, "carts": c} for k, (v, c) in ranked(categories)],
    }
