/**
 * The real upload (../shared/data/electronics/purchases-2020H1.csv.gz, 1M rows; the shipped slice when
 * ../shared is absent) is ingested field for field: every row becomes the message an independent parse
 * of the CSV (csv-parse, not ingest's parser) expects, exactly once and in file order. Rows are compared
 * by a hash of their exact JSON, so 1M rows fit in memory.
 *
 * Two halves, each proving what its size is needed for:
 * - every one of the 1M real rows through ingest's own stream (parse, normalise, batch; the batches kept
 *   in memory instead of sent): the real file's every row form is normalised right. The rows' text does
 *   not depend on the broker, so reading 1M records back out of Kafka would prove nothing more about it.
 * - the real file's first 100,000 rows (as their own upload) through ingest into a real broker, read back
 *   from the topic: every row arrives exactly once, with the completion record counting them, on the
 *   partition Java's partitioner picks for its key, in file order within each partition. 100k rows are
 *   ~35 sends of 900 kB with two in flight, so sends overlap dozens of times on the way out; the broker
 *   path is the same code for every send, so the whole file only repeats it.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGunzip, gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse';
import { CSV_COLUMNS, PURCHASE_EVENT_VERSION, TOPIC, type UploadCompleteV1 } from '../../contract';
import { ingestStream, sourceId } from '../../lambdas/ingest/ingest';
import { ingestFile } from '../../local/ingest/ingest-file';
import { partitionFor } from '../../lambdas/ingest/partitioner';
import { disconnectAll } from '../../lambdas/ingest/shared-producers';
import { ensureTopic, startBroker, type KafkaBroker } from '../../local/kafka/broker';
import { assertMatchesSchema, consumeToEnd } from './helpers';
import { realCsvPath } from './real-data';

const real = realCsvPath();
const upload = real ?? join(__dirname, '..', 'fixtures', 'purchases-slice.csv.gz');
/** The rows of the real file that go through the broker (see above); the shipped slice goes whole. */
const BROKER_ROWS = 100_000;
/**
 * A message's 32-bit FNV-1a hash: each step is a bijection of the state, so two messages differing in one
 * character never collide, and others do with odds of 1 in 2^32 (as the 32-bit MD5 prefix this replaced;
 * an MD5 per row cost ~4x as much, a minute over 2M messages on a busy machine).
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

/** The upload's source id as ingestFile computes it: the object's key and the MD5 of its bytes (its ETag). */
async function sourceOf(path: string, key: string): Promise<string> {
  const md5 = createHash('md5');
  for await (const chunk of createReadStream(path)) md5.update(chunk as Buffer);
  return sourceId('landing', key, md5.digest('hex'));
}

/** line → hash of the message the line should become. */
async function expectedDigests(path: string, source: string): Promise<Map<number, number>> {
  const expected = new Map<number, number>();
  const parser = createReadStream(path).pipe(createGunzip()).pipe(parse({ info: true }));
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    if (info.lines === 1) assert.deepEqual(record, [...CSV_COLUMNS]);
    else expected.set(info.lines, digest(expectedMessage(record, source, info.lines)));
  }
  return expected;
}

/** The header and the first `rows` lines of a gzip CSV, gzipped as `path`: a real upload's beginning as its own upload. */
async function firstRows(from: string, rows: number, path: string): Promise<string> {
  const lines: string[] = [];
  let rest = '';
  for await (const chunk of createReadStream(from).pipe(createGunzip())) {
    const parts = (rest + (chunk as Buffer).toString('utf8')).split('\n');
    rest = parts.pop()!;
    lines.push(...parts);
    if (lines.length > rows) break;
  }
  writeFileSync(path, gzipSync(lines.slice(0, rows + 1).join('\n') + '\n'));
  return path;
}

describe('the real upload arrives in Kafka exactly once, field for field', () => {
  let broker: KafkaBroker;
  const work = mkdtempSync(join(tmpdir(), 'ingest-real-'));
  before(async () => {
    broker = await startBroker();
    await ensureTopic(broker.bootstrap);
  });
  after(async () => {
    await disconnectAll();
    await broker?.stop();
  });

  test(`every row of ${upload.split('/').pop()} becomes the message an independent parse expects, once, in file order`, async () => {
    const key = 'uploads/purchases-2020H1.csv.gz';
    const source = await sourceOf(upload, key);
    const seen = new Set<number>();
    let lastLine = 0;
    let completion: UploadCompleteV1 | undefined;
    let checkedSchema = 0;
    // One JS thread does both, so the independent parse goes first and each batch is checked as ingest sends it.
    const expected = await expectedDigests(upload, source);
    const check = ({ key: recordKey, value }: { key: string; value: string }) => {
      assert.equal(completion, undefined, 'the completion record comes last');
      const event = JSON.parse(value);
      assert.equal(event.source, source);
      if ('control' in event) return void (completion = event);
      assert.ok(!seen.has(event.line) && event.line > lastLine, `line ${event.line} after ${lastLine}`);
      seen.add(event.line);
      lastLine = event.line;
      assert.equal(digest(value), expected.get(event.line), `line ${event.line}: ${value}`);
      assert.equal(recordKey, event.user_id ?? event.order_id);
      if (checkedSchema++ % 1000 === 0) assertMatchesSchema(event);
    };
    const report = await ingestStream(createReadStream(upload), source, async (batch) => batch.forEach(check), { write: async () => undefined, close: async () => undefined });
    assert.equal(report.status, 'ok');
    assert.equal(report.rejected, 0, JSON.stringify(report.rejectedByReason));
    assert.equal(report.produced, report.read);
    assert.equal(expected.size, report.read);
    assert.equal(seen.size, report.read, 'each line exactly once');
    assert.equal(completion?.rows, report.produced, 'the completion record counts every row');
  });

  test(`${real ? `the first ${BROKER_ROWS.toLocaleString('en')} rows of ${upload.split('/').pop()} reach` : `every row of ${upload.split('/').pop()} reaches`} the topic exactly once, on their key's partition, in file order`, async () => {
    const path = real ? await firstRows(real, BROKER_ROWS, join(work, 'purchases-2020H1-first-rows.csv.gz')) : join(work, 'purchases-slice.csv.gz');
    if (!real) copyFileSync(upload, path);
    const key = `uploads/${path.split('/').pop()}`;
    // The independent parse runs while ingest waits on the broker: line → hash of the exact expected message.
    const [report, expected] = await Promise.all([
      ingestFile(path, { brokers: [broker.bootstrap], auth: 'plaintext' }, { bucket: 'landing', key }),
      sourceOf(path, key).then((source) => expectedDigests(path, source)),
    ]);
    assert.equal(report.status, 'ok');
    assert.equal(report.rejected, 0, JSON.stringify(report.rejectedByReason));
    assert.equal(report.produced, report.read);
    assert.equal(expected.size, report.read);
    if (real) assert.equal(report.read, BROKER_ROWS);

    const seen = new Uint8Array(report.read + 2);
    const lastLine = new Map<number, number>();
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
    });
    assert.equal(consumed, report.read + 1, 'records in the topic: every row and the completion record');
    assert.deepEqual(completions.map((c) => c.rows), [report.produced], 'one completion record, counting every row');
    assert.equal(seen.subarray(2).every((n) => n === 1), true, 'each line exactly once');
  });
});
