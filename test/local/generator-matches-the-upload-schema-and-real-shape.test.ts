import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CSV_COLUMNS } from '../../contract';
import { splitCsvLine, toPurchaseEvent } from '../../lambdas/ingest/row';
import { EPOCH_DATE, generate } from '../../local/generator/generate';
import { REAL_STATISTICS } from '../../local/generator/profile';
import { csvFileLines, csvStatistics, type CsvStatistics } from '../../local/generator/statistics';

const REAL_CSV = join(__dirname, '..', '..', '..', 'shared', 'data', 'electronics', 'purchases-2020H1.csv.gz');
const ROWS = 100_000;
const TIME = /^2020-0[1-7]-\d{2} \d{2}:\d{2}:\d{2} UTC$/;
const ID = /^\d{19}$/;
const PRICE = /^\d+\.\d{2}$/;
const TWO_TO_53 = 2n ** 53n;

const lines = () => [...generate({ rows: ROWS, seed: 2020 })].map((l) => l.slice(0, -1));

test('rows are in the uploaded schema and format, and the real ingest accepts every one', () => {
  const [header, ...rows] = lines();
  assert.equal(header, CSV_COLUMNS.join(','));
  let shifted = 0;
  rows.forEach((row, i) => {
    const fields = row.split(',');
    assert.equal(fields.length, CSV_COLUMNS.length, `line ${i + 2}: ${row}`);
    const [time, order, product, category, code, brand, price, user] = fields;
    assert.ok(time === EPOCH_DATE || TIME.test(time), `line ${i + 2}: event_time ${time}`);
    for (const id of [order, product]) assert.ok(ID.test(id) && BigInt(id) > TWO_TO_53, `line ${i + 2}: id ${id}`);
    if (category === '') {
      // The real export's shifted shape for uncategorised products: t,order,product,,PRICE,USER?,,
      shifted++;
      assert.ok(PRICE.test(code) && price === '' && user === '' && (brand === '' || ID.test(brand)), `line ${i + 2}: ${row}`);
    } else {
      assert.ok(ID.test(category) && PRICE.test(price) && (user === '' || ID.test(user)), `line ${i + 2}: ${row}`);
    }
    const parsed = splitCsvLine(row);
    assert.ok(Array.isArray(parsed), `line ${i + 2}: ${JSON.stringify(parsed)}`);
    const outcome = toPurchaseEvent(parsed, 'test', i + 2);
    assert.ok('event' in outcome, `line ${i + 2} rejected by ingest: ${JSON.stringify(outcome)}`);
  });
  assert.ok(shifted > 0.15 * ROWS && shifted < 0.24 * ROWS, `shifted rows ${shifted}`);
});

const SHAPE_TOLERANCE: Partial<Record<keyof CsvStatistics, number>> = {
  noUserShare: 0.02,
  epochDateShare: 0.004,
  emptyCategoryCodeShare: 0.03,
  emptyBrandShare: 0.03,
  top1PercentProductShare: 0.08,
  top10PercentProductShare: 0.08,
  rowsPerOrder: 0.15,
};

const compare = (generated: CsvStatistics, real: Record<string, number>) =>
  Object.keys(real).map((key) => ({ statistic: key, generated: generated[key as keyof CsvStatistics], real: real[key] }));

test('quirk rates, popularity and repeat customers match the real data (side by side)', async () => {
  const generated = await csvStatistics(lines());
  console.table(compare(generated, REAL_STATISTICS));
  for (const [key, tolerance] of Object.entries(SHAPE_TOLERANCE)) {
    const actual = generated[key as keyof CsvStatistics];
    const wanted = REAL_STATISTICS[key as keyof typeof REAL_STATISTICS];
    assert.ok(Math.abs(actual - wanted) <= tolerance, `${key}: generated ${actual}, real ${wanted} (tolerance ${tolerance})`);
  }
  assert.ok(generated.duplicateRowShare > 0, 'duplicate rows (quantity > 1) exist');
  assert.ok(generated.repeatCustomerShare > 0.15, `repeat customers ${generated.repeatCustomerShare}`);
  assert.ok(generated.rebuyingCustomerShare > 0.03, `customers buying a product again ${generated.rebuyingCustomerShare}`);
  assert.ok(generated.usersWithOneRowShare > 0.35 && generated.usersWithOneRowShare < 0.7, `one-row users ${generated.usersWithOneRowShare}`);
});

test('REAL_STATISTICS are what the real file measures', { skip: !existsSync(REAL_CSV) && 'no ../shared real data' }, async () => {
  const real = await csvStatistics(csvFileLines(REAL_CSV));
  for (const [key, recorded] of Object.entries(REAL_STATISTICS)) {
    const measured = real[key as keyof CsvStatistics];
    assert.ok(Math.abs(measured - recorded) <= Math.max(0.001, recorded * 0.01), `${key}: measured ${measured}, recorded ${recorded}`);
  }
});
