import type { PurchaseFrequencyBucket } from '../../contract';

/** Few customers order more than this often; the tail is one bar. */
const FREQUENCY_TAIL = 10;

export const frequencyBars = (buckets: PurchaseFrequencyBucket[]): { label: string; customers: number }[] => {
  const head = buckets.filter((b) => b.orders < FREQUENCY_TAIL).map((b) => ({ label: String(b.orders), customers: b.customers }));
  const tail = buckets.filter((b) => b.orders >= FREQUENCY_TAIL).reduce((n, b) => n + b.customers, 0);
  return tail > 0 ? [...head, { label: `${FREQUENCY_TAIL}+`, customers: tail }] : head;
};
