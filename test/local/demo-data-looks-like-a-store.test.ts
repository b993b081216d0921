/**
 * The default demo data (what `npm run local` shows when no --csv is given)
 * reads like a store to a store analyst: its best sellers are products of the
 * real store's categories at the real store's prices and brands (no 0.90
 * washer, no Apple saw), weekends sell more than weekdays (the heatmap's rows
 * differ), and no month collapses without a story. The recorded store profile
 * is re-measured on the real file when ../shared is present.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_SEED, EPOCH_DATE, generate } from '../../local/generator/generate';
import { csvFileLines } from '../../local/generator/statistics';
import { STORE_CATEGORIES, WEEKDAY_ROWS } from '../../local/generator/store-profile';
import { BUNDLED_ROWS } from '../../local/pipeline/run';

const REAL_CSV = join(__dirname, '..', '..', '..', 'shared', 'data', 'electronics', 'purchases-2020H1.csv.gz');
const byCode = new Map(STORE_CATEGORIES.map((c) => [c.code, c]));

interface Line {
  time: string;
  product: string;
  code: string;
  brand: string;
  price: number;
  categorised: boolean;
}

const parse = (line: string): Line => {
  const [time, , product, category, code, brand, price] = line.trimEnd().split(',');
  // Uncategorised products' rows are shifted as in the real export: the price sits in category_code.
  return category ? { time, product, code, brand, price: Number(price), categorised: true } : { time, product, code: '', brand: '', price: Number(code), categorised: false };
};

const demo = (): Line[] => [...generate({ rows: BUNDLED_ROWS, seed: DEFAULT_SEED })].slice(1).map(parse);
const isoWeekday = (time: string) => ((new Date(`${time.slice(0, 10)}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
const shares = (counts: readonly number[]) => counts.map((n) => n / counts.reduce((a, b) => a + b, 0));

test('best sellers are real-store products: a code the store uses, one of its brands, a price in its real range', () => {
  const rows = demo();
  const sold = new Map<string, { line: Line; rows: number }>();
  for (const line of rows) {
    const seen = sold.get(line.product);
    if (seen) seen.rows++;
    else sold.set(line.product, { line, rows: 1 });
  }
  const best = [...sold.values()].sort((a, b) => b.rows - a.rows).slice(0, 20);
  const categorised = best.filter(({ line }) => line.categorised);
  assert.ok(categorised.filter(({ line }) => line.code).length >= 8, `most best sellers have a category: ${JSON.stringify(best.map((b) => b.line))}`);
  for (const { line } of categorised) {
    const category = byCode.get(line.code);
    assert.ok(category, `best seller ${line.product} in a code the real store uses: '${line.code}'`);
    const [p10, , p90] = category.price;
    assert.ok(line.price >= p10 && line.price <= 1.25 * p90, `${line.code || '(no code)'} ${line.brand} at ${line.price}: real p10..p90 ${p10}..${p90}`);
    assert.ok(line.brand === '' || category.brands.some(([brand]) => brand === line.brand), `${line.brand} sells ${line.code || '(no code)'} in the real store`);
  }
});

test('every row: the brand is one the real store sells in that category (no Apple saw)', () => {
  const odd = demo().filter((l) => l.categorised && l.brand !== '' && !byCode.get(l.code)?.brands.some(([brand]) => brand === l.brand));
  assert.deepEqual(odd.slice(0, 5), []);
});

test('weekends sell more than weekdays, as in the real store (the heatmap rows differ)', () => {
  const perWeekday = new Array<number>(7).fill(0);
  for (const line of demo()) if (line.time !== EPOCH_DATE) perWeekday[isoWeekday(line.time) - 1]++;
  const weekday = perWeekday.slice(0, 4).reduce((a, b) => a + b, 0) / 4;
  assert.ok(perWeekday[5] > 1.4 * weekday && perWeekday[6] > 1.4 * weekday, `Mon..Sun ${perWeekday.join(', ')}`);
  shares(perWeekday).forEach((share, i) => assert.ok(Math.abs(share - shares(WEEKDAY_ROWS)[i]) < 0.01, `weekday ${i + 1}: ${share} vs real ${shares(WEEKDAY_ROWS)[i]}`));
});

test('no month falls below 80% of the median month', () => {
  const perMonth = new Map<string, number>();
  for (const line of demo()) if (line.time !== EPOCH_DATE) perMonth.set(line.time.slice(0, 7), (perMonth.get(line.time.slice(0, 7)) ?? 0) + 1);
  assert.deepEqual([...perMonth.keys()].sort(), ['2020-01', '2020-02', '2020-03', '2020-04', '2020-05', '2020-06', '2020-07']);
  const counts = [...perMonth.values()].sort((a, b) => a - b);
  const median = counts[3];
  assert.ok(counts[0] >= 0.8 * median, JSON.stringify([...perMonth]));
});

test('the recorded store profile is the real file\'s (skipped without ../shared)', { skip: !existsSync(REAL_CSV) && 'no ../shared data' }, async () => {
  const rows = new Map<string, number>();
  const brands = new Map<string, Map<string, number>>();
  const perWeekday = new Array<number>(7).fill(0);
  let header = true;
  for await (const text of csvFileLines(REAL_CSV)) {
    if (header) {
      header = false;
      continue;
    }
    const line = parse(text);
    if (!line.categorised) continue;
    rows.set(line.code, (rows.get(line.code) ?? 0) + 1);
    const forCode = brands.get(line.code) ?? new Map<string, number>();
    brands.set(line.code, forCode.set(line.brand, (forCode.get(line.brand) ?? 0) + 1));
    const day = line.time.slice(0, 10);
    if (day >= '2020-01-06' && day <= '2020-03-29') perWeekday[isoWeekday(line.time) - 1]++;
  }
  assert.deepEqual(perWeekday, [...WEEKDAY_ROWS]);
  for (const category of STORE_CATEGORIES) {
    assert.equal(rows.get(category.code), category.rows, category.code);
    for (const [brand, n] of category.brands) assert.equal(brands.get(category.code)?.get(brand), n, `${category.code} ${brand}`);
  }
});
