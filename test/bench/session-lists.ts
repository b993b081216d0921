/** Item-to-item lists made from behaviour events' sessions, in the recommend job's ProductSimilar shape (bench only). */
import type { ProductSimilar } from '../../contract';

export interface Event {
  user_id: string;
  user_session: string;
  product_id: string;
  event_type: string;
  [field: string]: unknown;
}

/** Item-to-item lists from the events' sessions: per product, the products seen in the same sessions, most sessions first. */
export const sessionLists = (events: Event[]): Map<string, ProductSimilar> => {
  const bySession = new Map<string, Set<string>>();
  const details = new Map<string, Event>();
  for (const e of events) {
    (bySession.get(e.user_session) ?? bySession.set(e.user_session, new Set()).get(e.user_session)!).add(e.product_id);
    details.set(e.product_id, e);
  }
  const pairs = new Map<string, Map<string, number>>();
  for (const products of bySession.values())
    for (const a of products) for (const b of products) if (a !== b) (pairs.get(a) ?? pairs.set(a, new Map()).get(a)!).set(b, (pairs.get(a)?.get(b) ?? 0) + 1);
  const describe = (id: string) => {
    const e = details.get(id)!;
    return { product_id: id, category_code: (e.category_code as string) ?? null, brand: (e.brand as string) ?? null, price: (e.price as string) ?? null };
  };
  return new Map(
    [...pairs].map(([id, others]) => [
      id,
      { ...describe(id), similar: [...others].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0])).slice(0, 10).map(([o, n]) => ({ ...describe(o), relation: 'also_bought' as const, count: n })) },
    ]),
  );
};

