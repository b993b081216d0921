/**
 * Live recommendations (issue 24), the blend as one pure function: a customer's batch top-3 and what they did in
 * their open session -> the list served now. From what they did just now: first the newest product they viewed or
 * carted and have not bought (`resumeSlots`: on the real events every cart and purchase followed a view of that
 * product in its session), then candidates from the recommend job's item-to-item lists (bought together, then
 * customers who bought it also bought) of the products they viewed, carted or bought most recently. Each card
 * carries the interaction and the relation that put it there, so its reason (contract/realtime.ts liveReason) is
 * true by construction. Rules:
 * - at most `liveSlots` cards come from the session; the batch list, in its order, fills the rest;
 * - an item-to-item list does not propose a product the customer interacted with in the session (the resume card
 *   is the one place for those);
 * - a product they bought in the session is in no card, unless the batch list has it as a `repeat` card (the
 *   store's data shows this customer buying it again);
 * - no product twice.
 */
import { REALTIME, SERVING_TABLE, type LiveActivity, type ProductSimilar, type RecommendedProduct } from '../../contract';

const SETTINGS = REALTIME.liveRecommendations;

/** The products whose item-to-item lists propose candidates: the newest distinct ones the customer interacted with. */
export const anchorProducts = (activity: LiveActivity): string[] =>
  [...new Set(activity.interactions.map((i) => i.product_id))].slice(0, SETTINGS.productsLookedUp);

/**
 * The live top-k, or undefined when the session changes nothing (no candidate, nothing bought to leave out): then
 * the batch list is served as it is. `similar`: the item-to-item list of each anchor product that has one;
 * `liveSlots`: the contract's, or another for a measurement.
 */
export const blendLive = (
  batch: readonly RecommendedProduct[],
  activity: LiveActivity,
  similar: ReadonlyMap<string, ProductSimilar>,
  liveSlots: number = SETTINGS.liveSlots,
): RecommendedProduct[] | undefined => {
  const repeats = new Set(batch.filter((p) => p.source === 'repeat').map((p) => p.product_id));
  const bought = new Set(activity.interactions.filter((i) => i.kind === 'purchase').map((i) => i.product_id));
  const excluded = (productId: string) => bought.has(productId) && !repeats.has(productId);
  const seen = new Set(activity.interactions.map((i) => i.product_id));
  // Each anchor's newest interaction, and its candidates in the list's own order (strongest first).
  const queues = anchorProducts(activity).map((productId) => {
    const interaction = activity.interactions.find((i) => i.product_id === productId)!;
    const candidates = (similar.get(productId)?.similar ?? []).filter((c) => !seen.has(c.product_id) && !excluded(c.product_id));
    return { interaction, candidates };
  });
  const chosen: RecommendedProduct[] = [];
  const taken = new Set<string>();
  const resumed = activity.interactions.filter((i, n, all) => i.kind !== 'purchase' && !bought.has(i.product_id) && all.findIndex((j) => j.product_id === i.product_id) === n);
  for (const i of resumed.slice(0, Math.min(SETTINGS.resumeSlots, liveSlots))) {
    taken.add(i.product_id);
    const product = { product_id: i.product_id, category_code: i.category_code, brand: i.brand };
    chosen.push({ ...product, score: 0, price: i.price, source: 'live', live: { kind: i.kind, at: i.at, product, relation: 'itself', count: 0 } });
  }
  // Round robin over the anchors, newest first: one candidate of each before a second of any.
  for (let round = 0; chosen.length < liveSlots && queues.some((q) => q.candidates.length > round); round++) {
    for (const { interaction, candidates } of queues) {
      const c = candidates[round];
      if (chosen.length >= liveSlots || c === undefined || taken.has(c.product_id)) continue;
      taken.add(c.product_id);
      chosen.push({
        product_id: c.product_id,
        score: c.count,
        category_code: c.category_code,
        brand: c.brand,
        price: c.price,
        source: 'live',
        live: {
          kind: interaction.kind,
          at: interaction.at,
          product: { product_id: interaction.product_id, category_code: interaction.category_code, brand: interaction.brand },
          relation: c.relation,
          count: c.count,
        },
      });
    }
  }
  const kept = batch.filter((p) => !excluded(p.product_id));
  if (chosen.length === 0 && kept.length === batch.length) return undefined;
  for (const p of kept) {
    if (chosen.length >= SERVING_TABLE.topK) break;
    if (!taken.has(p.product_id)) {
      taken.add(p.product_id);
      chosen.push(p);
    }
  }
  return chosen;
};
