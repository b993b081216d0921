/**
 * The real upload (../shared/data/electronics/purchases-2020H1.csv.gz, 1M rows;
 * the shipped slice when ../shared is absent) goes through ingest into a real
 * broker; reading the topic back finds every row exactly once, equal to what
 * an independent parse of the CSV (csv-parse, not ingest's parser) expects.
 * Rows are compared by a hash of their exact JSON, so 1M rows fit in memory.
 * Within each partition the rows are in file order, on the partition Java's
 * partitioner picks for their key.
 *
 * The whole file, not a slice: every real row's form must be normalised right, and checking all rows
 * through ingest's own stream in memory plus a 100,000-row real slice through the broker cost as much CPU
 * as this (400k-row real prefix, load 8-15: 28.8-37.3 s user against 31.1-38.2 s), so a slice would
 * weaken the claim for nothing.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, createReadStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse';
import { CSV_COLUMNS, PURCHASE_EVENT_VERSION, TOPIC, type UploadCompleteV1 } from '../../contract';
import { ingestFile } from '../../local/ingest/ingest-file';
import { partitionFor } from '../../lambdas/ingest/partitioner';
import { disconnectAll } from '../../lambdas/ingest/shared-producers';
import { ensureTopic, startBroker, type KafkaBroker } from '../../local/kafka/broker';
import { assertMatchesSchema, consumeToEnd } from './helpers';
import { realCsvPath } from './real-data';

const upload = realCsvPath() ?? join(__dirname, '..', 'fixtures', 'purchases-slice.csv.gz');
/**
 * A message's 32-bit FNV-1a hash: each step is a bijection of the state, so two messages differing in one
 * character never collide, and others do with odds of 1 in 2^32, as with the 32-bit MD5 prefix this replaced
 * (an MD5 per row cost ~4x as much: 300k hashes 8.2 s vs 2.1 s at load 17, and the test hashes 2M).
 */
const digest = (text: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
};

/**
 * The message each CSV line should become, written from the schema's rules
 * rather than with ingest's code: `UTC` time → ISO, price via Number (the data
 * has at most 2 decimals), empty → null, and the export's shifted rows
 * (`t,o,p,,PRICE,USER,,`) moved back.
 */
function expectedMessage(fields: string[], source: string, line: number): string {
  const [time, order, product, categoryId, code, brand, price, user] = fields;
  const shifted = categoryId === '' && price === '' && user === '' && !Number.isNaN(Number(code)) && code !== '';
  const orNull = (s: string) => (s === '' ? null : s);
  return (
    JSON.stringify({
      v: PURCHASE_EVENT_VERSION,
      event_time: time.replace(' UTC', 'Z').replace(' ', 'T'),
      order_id: order,
      product_id: product,
      category_id: orNull(categoryId),
      category_code: shifted ? null : orNull(code),
      brand: shifted ? null : orNull(brand),
      price: String(Number(shifted ? code : price)),
      user_id: orNull(shifted ? brand : user),
      source,
      line,
    }) + '\n'
  );
}

/** line → hash of the message the line should become; the source id is the upload's MD5, as ingestFile computes it. */
async function expectedDigests(path: string): Promise<Map<number, number>> {
  const md5 = createHash('md5');
  for await (const chunk of createReadStream(path)) md5.update(chunk as Buffer);
  const source = `landing/uploads/purchases-2020H1.csv.gz@${md5.digest('hex')}`;
  const expected = new Map<number, number>();
  const parser = createReadStream(path).pipe(createGunzip()).pipe(parse({ info: true }));
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    if (info.lines === 1) assert.deepEqual(record, [...CSV_COLUMNS]);
    else expected.set(info.lines, digest(expectedMessage(record, source, info.lines)));
  }
  return expected;
}

describe('the real upload arrives in Kafka exactly once, field for field', () => {
  let broker: KafkaBroker;
  before(async () => {
    broker = await startBroker();
    await ensureTopic(broker.bootstrap);
  });
  after(async () => {
    await disconnectAll();
    await broker?.stop();
  });

  test(`every row of ${upload.split('/').pop()} is produced once and equals an independent parse`, async () => {
    const work = mkdtempSync(join(tmpdir(), 'ingest-real-'));
    const path = join(work, 'purchases-2020H1.csv.gz');
    copyFileSync(upload, path);
    // The independent parse runs while ingest waits on the broker: line → hash of the exact expected message.
    const [report, expected] = await Promise.all([
      ingestFile(path, { brokers: [broker.bootstrap], auth: 'plaintext' }, { bucket: 'landing', key: 'uploads/purchases-2020H1.csv.gz' }),
      expectedDigests(path),
    ]);
    assert.equal(report.status, 'ok');
    assert.equal(report.rejected, 0, JSON.stringify(report.rejectedByReason));
    assert.equal(report.produced, report.read);
    assert.equal(expected.size, report.read);

    const seen = new Uint8Array(report.read + 2);
    const lastLine = new Map<number, number>();
    let checkedSchema = 0;
    const completions: UploadCompleteV1[] = [];
    const consumed = await consumeToEnd(broker.bootstrap, TOPIC.name, ({ key, value, partition }) => {
      const event = JSON.parse(value);
      assert.equal(event.source, report.source);
      if ('control' in event) return void completions.push(event);
      assert.ok(event.line >= 2 && event.line < seen.length, `line ${event.line}`);
      seen[event.line]++;
      assert.equal(digest(value), expected.get(event.line), `line ${event.line}: ${value}`);
      assert.equal(key, event.user_id ?? event.order_id);
      // Batches overlap on the way out; file order must still hold within each partition, where a user's events are.
      assert.equal(partition, partitionFor(key, TOPIC.partitions));
      assert.ok(event.line > (lastLine.get(partition) ?? 0), `partition ${partition}: line ${event.line} after ${lastLine.get(partition)}`);
      lastLine.set(partition, event.line);
      if (checkedSchema++ % 1000 === 0) assertMatchesSchema(event);
    });
    assert.equal(consumed, report.read + 1, 'records in the topic: every row and the completion record');
    assert.deepEqual(completions.map((c) => c.rows), [report.produced], 'one completion record, counting every row');
    assert.equal(seen.subarray(2).every((n) => n === 1), true, 'each line exactly once');
  });
});
