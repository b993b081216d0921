/**
 * The handful of statistics that say whether a purchases CSV looks like the
 * real data: quirk rates, popularity concentration, repeat customers. Used to
 * compare the generator with ../shared's real file (test and README).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';

export interface CsvStatistics {
  rows: number;
  noUserShare: number;
  epochDateShare: number;
  emptyCategoryCodeShare: number;
  emptyBrandShare: number;
  /** Rows identical to the row before them (how a quantity > 1 appears). */
  duplicateRowShare: number;
  top1PercentProductShare: number;
  top10PercentProductShare: number;
  usersWithOneRowShare: number;
  /** Share of users with more than one order. */
  repeatCustomerShare: number;
  /** Share of users who bought the same product in two different orders. */
  rebuyingCustomerShare: number;
  rowsPerOrder: number;
  products: number;
  users: number;
}

const topShare = (counts: Iterable<number>, fraction: number, rows: number): number => {
  const sorted = [...counts].sort((a, b) => b - a);
  const k = Math.max(1, Math.floor(sorted.length * fraction));
  return sorted.slice(0, k).reduce((a, b) => a + b, 0) / rows;
};

/** Statistics of CSV lines (header first); plain split is enough: the schema has no quoted fields. */
export const csvStatistics = async (lines: AsyncIterable<string> | Iterable<string>): Promise<CsvStatistics> => {
  let rows = 0, noUser = 0, epoch = 0, noCode = 0, noBrand = 0, duplicates = 0;
  let previous = '';
  let header = true;
  const products = new Map<string, number>();
  const userRows = new Map<string, number>();
  const userOrders = new Map<string, Set<string>>();
  const userProductOrder = new Map<string, string>();
  const rebuyers = new Set<string>();
  const orders = new Set<string>();
  for await (const raw of lines) {
    const line = raw.endsWith('\n') ? raw.slice(0, -1) : raw;
    if (header) {
      header = false;
      continue;
    }
    if (!line) continue;
    rows++;
    const [time, order, product, , code, brand, , user] = line.split(',');
    if (line === previous) duplicates++;
    previous = line;
    if (time.startsWith('1970-01-01')) epoch++;
    if (!code) noCode++;
    if (!brand) noBrand++;
    products.set(product, (products.get(product) ?? 0) + 1);
    orders.add(order);
    if (!user) {
      noUser++;
      continue;
    }
    userRows.set(user, (userRows.get(user) ?? 0) + 1);
    const seen = userOrders.get(user) ?? new Set<string>();
    seen.add(order);
    userOrders.set(user, seen);
    const key = `${user}/${product}`;
    const firstOrder = userProductOrder.get(key);
    if (firstOrder === undefined) userProductOrder.set(key, order);
    else if (firstOrder !== order) rebuyers.add(user);
  }
  const share = (n: number) => (rows ? n / rows : 0);
  const perUser = (n: number) => (userRows.size ? n / userRows.size : 0);
  return {
    rows,
    noUserShare: share(noUser),
    epochDateShare: share(epoch),
    emptyCategoryCodeShare: share(noCode),
    emptyBrandShare: share(noBrand),
    duplicateRowShare: share(duplicates),
    top1PercentProductShare: topShare(products.values(), 0.01, rows),
    top10PercentProductShare: topShare(products.values(), 0.1, rows),
    usersWithOneRowShare: perUser([...userRows.values()].filter((n) => n === 1).length),
    repeatCustomerShare: perUser([...userOrders.values()].filter((s) => s.size > 1).length),
    rebuyingCustomerShare: perUser(rebuyers.size),
    rowsPerOrder: orders.size ? rows / orders.size : 0,
    products: products.size,
    users: userRows.size,
  };
};

/** Lines of a .csv or .csv.gz file, streamed. */
export const csvFileLines = (path: string): AsyncIterable<string> => {
  const file = createReadStream(path);
  return createInterface({ input: path.endsWith('.gz') ? file.pipe(createGunzip()) : file, crlfDelay: Infinity });
};
