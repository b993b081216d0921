// The live blend (lambdas/api/live-blend.ts), issue 24: what a customer did in their open session puts first the
// newest product they viewed or carted and have not bought, then candidates from the recommend job's item-to-item
// lists; at most REALTIME.liveRecommendations.liveSlots of the top-3 come from it, the batch list fills the rest.
// Every live card's reason is true: the customer did that (kind, product, time) in the session, and the card is
// that product or the item-to-item list relates it as stated (relation and count); what they just bought is in no
// card unless the batch list has it as a repeat; an item-to-item list does not propose back what they saw; a
// session that changes nothing leaves the batch list served as it is.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { liveReason, REALTIME, type LiveActivity, type LiveInteraction, type ProductSimilar, type RecommendedProduct, type SimilarProduct } from '../../contract';
import { blendLive } from '../../lambdas/api/live-blend';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const minutesAgo = (m: number) => new Date(NOW - m * 60_000).toISOString().slice(0, 19) + 'Z';
const interaction = (kind: LiveInteraction['kind'], product_id: string, m: number): LiveInteraction => ({ at: minutesAgo(m), kind, product_id, category_code: 'electronics.audio', brand: 'acme', price: '9.99' });
const activity = (...interactions: LiveInteraction[]): LiveActivity => ({ user_id: '7', session: 's', interactions, written_at: minutesAgo(0), expires_at: NOW / 1000 + 1800 });
const related = (product_id: string, relation: SimilarProduct['relation'], count: number): SimilarProduct => ({ product_id, category_code: null, brand: 'b', price: '1.00', relation, count });
const lists = (entries: Record<string, SimilarProduct[]>) =>
  new Map(Object.entries(entries).map(([id, similar]) => [id, { product_id: id, category_code: null, brand: null, price: null, similar } satisfies ProductSimilar]));
const card = (product_id: string, source: RecommendedProduct['source'], extra: Partial<RecommendedProduct> = {}): RecommendedProduct => ({ product_id, score: 1, category_code: null, brand: null, price: null, source, ...extra });
const BATCH = [card('101', 'repeat', { times_bought: 4, last_bought: '2026-11-01' }), card('102', 'copurchase'), card('103', 'popular', { popular_rank: 1 })];

/** The checker: a live card's evidence is an interaction of the session and an entry of that product's list. */
const assertTrue = (cards: RecommendedProduct[], held: LiveActivity, similar: Map<string, ProductSimilar>) => {
  for (const c of cards.filter((c) => c.source === 'live')) {
    const e = c.live!;
    assert.ok(
      held.interactions.some((i) => i.kind === e.kind && i.product_id === e.product.product_id && i.at === e.at),
      `${c.product_id}: the customer did ${e.kind} ${e.product.product_id} at ${e.at}`,
    );
    if (e.relation === 'itself') {
      assert.equal(c.product_id, e.product.product_id, 'the product itself');
      assert.ok(!held.interactions.some((i) => i.kind === 'purchase' && i.product_id === c.product_id), `${c.product_id}: not bought yet`);
      continue;
    }
    const entry = similar.get(e.product.product_id)?.similar.find((s) => s.product_id === c.product_id);
    assert.deepEqual(entry && [entry.relation, entry.count], [e.relation, e.count], `${c.product_id}: the item-to-item list says so`);
  }
};

test('the newest product viewed or carted comes first, then item-to-item candidates of the newest products in turn, and the batch list fills the rest', () => {
  const held = activity(interaction('cart', '2', 1), interaction('view', '1', 3));
  const similar = lists({ '1': [related('11', 'bought_together', 5), related('12', 'also_bought', 2)], '2': [related('1', 'bought_together', 9), related('21', 'bought_together', 3)] });
  const cards = blendLive(BATCH, held, similar)!;
  assert.deepEqual(cards.map((c) => [c.product_id, c.source]), [['2', 'live'], ['21', 'live'], ['101', 'repeat']]);
  assert.equal(cards.filter((c) => c.source === 'live').length, REALTIME.liveRecommendations.liveSlots);
  assertTrue(cards, held, similar);
  // Product 1 is bought together with 2 nine times, but the customer viewed it in this session: not proposed back.
  assert.ok(!cards.some((c) => c.product_id === '1'));
  assert.equal(liveReason(cards[0].live!, NOW), 'Put in the cart 1 minute ago; not bought yet.');
  assert.equal(liveReason(cards[1].live!, NOW), 'Put in the cart 1 minute ago: product 2 (acme, electronics.audio). Bought together with it in 3 orders.');
  // With room for more, the second product's list takes its turn.
  const wider = blendLive([], held, similar, 4)!;
  assert.deepEqual(wider.map((c) => c.product_id), ['2', '21', '11', '12']);
  assert.equal(liveReason(wider[2].live!, NOW), 'Viewed 3 minutes ago: product 1 (acme, electronics.audio). Bought together with it in 5 orders.');
  assert.equal(liveReason(wider[3].live!, NOW + 60 * 60_000), 'Viewed 1 hour ago: product 1 (acme, electronics.audio). 2 customers who bought it also bought this.');
});

test('what the customer just bought is in no card, unless the batch list has it as a repeat', () => {
  const held = activity(interaction('purchase', '102', 0), interaction('purchase', '101', 2), interaction('view', '101', 4));
  const similar = lists({ '102': [related('101', 'bought_together', 7), related('31', 'also_bought', 2)], '101': [related('102', 'bought_together', 7)] });
  const cards = blendLive(BATCH, held, similar)!;
  // 102 was a co-purchase card: bought just now, so gone; 101 is a repeat the customer buys again: it stays.
  assert.deepEqual(cards.map((c) => c.product_id), ['31', '101', '103']);
  assertTrue(cards, held, similar);
  assert.equal(liveReason(cards[0].live!, NOW), 'Bought just now: product 102 (acme, electronics.audio). 2 customers who bought it also bought this.');
});

test('a session that only bought a product the batch list repeats, with nothing related, changes nothing: the batch list is served as it is', () => {
  assert.equal(blendLive(BATCH, activity(interaction('purchase', '101', 1)), lists({})), undefined);
  assert.equal(blendLive(BATCH, activity(interaction('purchase', '101', 1)), lists({ '101': [related('101', 'bought_together', 1)] })), undefined, 'only itself: nothing new');
  // One view is enough to change it: the product viewed comes first.
  assert.deepEqual(blendLive(BATCH, activity(interaction('view', '9', 1)), lists({}))!.map((c) => c.product_id), ['9', '101', '102']);
});

test('on many random sessions every live card is true, no product is listed twice, the top-3 is full whenever the batch list is', () => {
  let seed = 24;
  const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  for (let run = 0; run < 500; run++) {
    const products = Array.from({ length: 12 }, (_, i) => String(100 + i));
    const similar = lists(Object.fromEntries(products.map((p) => [p, Array.from({ length: random(5) }, () => related(products[random(12)], random(2) ? 'bought_together' : 'also_bought', 1 + random(9)))])));
    // The recommend job lists a product once per list; duplicates of the random draw are dropped as it would.
    for (const list of similar.values()) list.similar = list.similar.filter((s, i, all) => s.product_id !== list.product_id && all.findIndex((t) => t.product_id === s.product_id) === i);
    const kinds: LiveInteraction['kind'][] = ['view', 'cart', 'purchase'];
    const held = activity(...Array.from({ length: 1 + random(6) }, (_, i) => interaction(kinds[random(3)], products[random(12)], i)));
    const batch = [card(products[random(12)], 'repeat'), card('900', 'category'), card('901', 'popular')].filter((c, i, all) => all.findIndex((d) => d.product_id === c.product_id) === i);
    const cards = blendLive(batch, held, similar) ?? batch;
    assertTrue(cards, held, similar);
    assert.equal(new Set(cards.map((c) => c.product_id)).size, cards.length);
    const repeats = new Set(batch.filter((c) => c.source === 'repeat').map((c) => c.product_id));
    const justBought = (id: string) => held.interactions.some((i) => i.kind === 'purchase' && i.product_id === id) && !repeats.has(id);
    for (const c of cards) assert.ok(!justBought(c.product_id), `${c.product_id} was just bought and is no repeat`);
    assert.ok(cards.length >= Math.min(3, batch.filter((c) => !justBought(c.product_id)).length), 'as full as the batch list allows');
  }
});
