/** A batch recount of replayed records (what was produced), independent of the streaming job's code. */
import type { ReplayFile } from '../../local/realtime/replay';

const SCALE = 6;
/** A decimal string as an integer of millionths: exact sums without floating point. */
const micros = (price: string): bigint => {
  const [whole, fraction = ''] = price.split('.');
  return BigInt(whole) * 10n ** BigInt(SCALE) + BigInt((fraction + '0'.repeat(SCALE)).slice(0, SCALE));
};

export interface Recount {
  events: Record<string, number>;
  purchaseRevenueMicros: bigint;
  orders: number;
  orderLines: number;
  orderRevenueMicros: bigint;
}

export const recount = (files: ReplayFile[]): Recount => {
  const result: Recount = { events: {}, purchaseRevenueMicros: 0n, orders: 0, orderLines: 0, orderRevenueMicros: 0n };
  const orders = new Set<string>();
  for (const file of files) {
    for (const { value } of file.records) {
      const row = JSON.parse(value) as { event_type?: string; order_id?: string; price: string };
      if (row.order_id !== undefined) {
        orders.add(row.order_id);
        result.orderLines++;
        result.orderRevenueMicros += micros(row.price);
      } else {
        result.events[row.event_type!] = (result.events[row.event_type!] ?? 0) + 1;
        if (row.event_type === 'purchase') result.purchaseRevenueMicros += micros(row.price);
      }
    }
  }
  result.orders = orders.size;
  return result;
};

export const toMicros = micros;
