/**
 * Ingest writes Kafka record batches itself (lambdas/ingest/record-batch.ts).
 * Read back with code that is not ours — @platformatic/kafka's batch reader
 * and kafkajs's CRC-32C — every field must be what the broker and Firehose
 * will see: keys and values byte for byte (multi-byte UTF-8 included), offset
 * deltas, producer id, epoch, sequence, timestamps, codec and checksum.
 * The real-file and restart tests show a broker accepting them.
 */
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import { readRecordsBatch, Reader } from '@platformatic/kafka';
import { CODEC_ATTRIBUTE, encodeRecords, nextSequence, recordBatch, type KafkaRecord } from '../../lambdas/ingest/record-batch';

const kafkajsCrc32c: (buffer: Buffer) => number = require('kafkajs/src/protocol/recordBatch/crc32C');

const records: KafkaRecord[] = [
  { key: '2388440981134693944', value: '{"brand":"samsung","price":"162.01"}\n' },
  { key: '2294359932054536986', value: '{"brand":"ünïcödé €𝄞","price":"0"}\n' },
  { key: '', value: '' },
  // Long enough that its length varints take two and three bytes.
  { key: 'k'.repeat(200), value: 'v'.repeat(70_000) },
  ...Array.from({ length: 300 }, (_, i) => ({ key: String(i), value: `{"line":${i}}\n` })),
];
const id = { producerId: 4242n, producerEpoch: 3, baseSequence: 1_000, timestamp: Date.UTC(2026, 10, 22, 8, 0, 0) };

for (const codec of ['none', 'gzip'] as const)
  test(`a ${codec} batch reads back field for field, with a valid CRC-32C`, () => {
    const section = encodeRecords(records);
    const batch = recordBatch(codec === 'gzip' ? gzipSync(section) : section, records.length, CODEC_ATTRIBUTE[codec], id);
    const read = readRecordsBatch(Reader.from(batch));
    assert.equal(read.length, batch.length - 12);
    assert.equal(read.magic, 2);
    assert.equal(read.crc >>> 0, kafkajsCrc32c(batch.subarray(21)) >>> 0);
    assert.equal(read.attributes, CODEC_ATTRIBUTE[codec]);
    assert.equal(read.lastOffsetDelta, records.length - 1);
    assert.deepEqual([read.firstTimestamp, read.maxTimestamp], [BigInt(id.timestamp), BigInt(id.timestamp)]);
    assert.deepEqual([read.producerId, read.producerEpoch, read.firstSequence], [id.producerId, id.producerEpoch, id.baseSequence]);
    assert.equal(read.records.length, records.length);
    read.records.forEach((record, i) => {
      assert.equal(record.offsetDelta, i);
      assert.equal(record.timestampDelta, 0n);
      assert.equal(record.key?.toString('utf8'), records[i].key);
      assert.equal(record.value?.toString('utf8'), records[i].value);
      assert.equal(record.headers.length, 0);
    });
  });

test('sequence numbers wrap to 0 after 2^31 - 1, as Kafka expects', () => {
  assert.equal(nextSequence(0, 5), 5);
  assert.equal(nextSequence(2 ** 31 - 6, 5), 2 ** 31 - 1);
  assert.equal(nextSequence(2 ** 31 - 1, 1), 0);
  assert.equal(nextSequence(2 ** 31 - 3, 5), 2);
});
