/**
 * The pure parts of ingest, on strings and buffers: line splitting across any
 * chunking, gzip by magic bytes, CSV quoting, every normalisation rule, the
 * header check, the export's shifted-row repair, the partitioner, and the
 * connection settings for MSK IAM and the local broker.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, test } from 'node:test';
import { CSV_COLUMNS, EXAMPLE_ROW, LAMBDA_ENV, RULE_EXAMPLES } from '../../contract';
import { decompressIfGzip, physicalLines, type PhysicalLine } from '../../lambdas/ingest/lines';
import { headerProblem, normaliseEventTime, normalisePrice, parseLine, realignShiftedRow, splitCsvLine, toPurchaseEvent } from '../../lambdas/ingest/row';
import { clientOptions } from '../../lambdas/ingest/client';
import { RecordAssembler } from '../../lambdas/ingest/records';
import { partitionFor } from '../../lambdas/ingest/partitioner';
import { connectionFromEnv } from '../../lambdas/shared/kafka-connection';
import { assertMatchesSchema } from './helpers';

const SLICE = join(__dirname, '..', 'fixtures', 'purchases-slice.csv.gz');

async function* chunked(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}
async function collect(lines: AsyncIterable<PhysicalLine[]>): Promise<{ line: number; text: string; tooLong: boolean }[]> {
  const out = [];
  for await (const batch of lines) for (const l of batch) out.push({ line: l.line, text: l.bytes.toString('latin1'), tooLong: l.tooLong });
  return out;
}

describe('lines', () => {
  const text = Buffer.from('h1,h2\r\na,b\n\nlong-long-long\r\nlast');
  const expected = [
    { line: 1, text: 'h1,h2', tooLong: false },
    { line: 2, text: 'a,b', tooLong: false },
    { line: 3, text: '', tooLong: false },
    { line: 4, text: 'long-long-', tooLong: true },
    { line: 5, text: 'last', tooLong: false },
  ];
  for (const size of [1, 2, 3, 7, 1000])
    test(`physical lines are the same whatever the chunk size (${size} B)`, async () => {
      assert.deepEqual(await collect(physicalLines(chunked(text, size), 10)), expected);
    });

  test('a line of exactly the limit is kept whole even with CRLF split across chunks', async () => {
    const lines = await collect(physicalLines(chunked(Buffer.from('0123456789\r\nx'), 11), 10));
    assert.deepEqual(lines.map((l) => [l.text, l.tooLong]), [['0123456789', false], ['x', false]]);
  });

  test('a source failing mid-line yields what arrived of that line flagged cut, then the error', async () => {
    async function* broken(): AsyncGenerator<Buffer> {
      yield Buffer.from('h\nrow,1\nrow,2 but cu');
      throw Object.assign(new Error('unexpected end of file'), { code: 'Z_BUF_ERROR' });
    }
    const seen: PhysicalLine[] = [];
    await assert.rejects(async () => {
      for await (const lines of physicalLines(broken(), 100)) seen.push(...lines);
    }, /unexpected end of file/);
    assert.deepEqual(seen.map((l) => [l.line, l.bytes.toString(), l.cut ?? false]), [[1, 'h', false], [2, 'row,1', false], [3, 'row,2 but cu', true]]);
  });

  test('gzip is detected by its magic bytes, even one byte at a time; plain text passes through', async () => {
    const plain = Buffer.from('event_time\nrow\n');
    const unzip = async (data: Buffer) => {
      const out: Buffer[] = [];
      for await (const chunk of decompressIfGzip(chunked(data, 1))) out.push(chunk);
      return Buffer.concat(out);
    };
    assert.deepEqual(await unzip(gzipSync(plain)), plain);
    assert.deepEqual(await unzip(plain), plain);
    assert.deepEqual(await unzip(Buffer.from([0x1f])), Buffer.from([0x1f]));
  });
});

describe('CSV fields', () => {
  const cases: [string, string[] | string][] = [
    ['a,b,c', ['a', 'b', 'c']],
    ['a,,c,', ['a', '', 'c', '']],
    ['"a,b","say ""hi""",', ['a,b', 'say "hi"', '']],
    ['"",x', ['', 'x']],
    ['"open,b', 'broken_quoting'],
    ['a"b,c', 'broken_quoting'],
    ['"a"b,c', 'broken_quoting'],
  ];
  for (const [line, want] of cases)
    test(`${JSON.stringify(line)} → ${JSON.stringify(want)}`, () => {
      const got = splitCsvLine(line);
      if (typeof want === 'string') assert.equal((got as { reason: string }).reason, want);
      else assert.deepEqual(got, want);
    });
});

describe('normalisation', () => {
  test('event times become ISO-8601 UTC; impossible or zoned times are invalid, times outside the contract range out of range', () => {
    assert.equal(normaliseEventTime('2020-04-24 11:50:39 UTC'), '2020-04-24T11:50:39Z');
    assert.equal(normaliseEventTime('2020-04-24T11:50:39Z'), '2020-04-24T11:50:39Z');
    assert.equal(normaliseEventTime('2020-04-24T11:50:39.5+00:00'), '2020-04-24T11:50:39.5Z');
    assert.equal(normaliseEventTime('1970-01-01 00:00:00 UTC'), '1970-01-01T00:00:00Z');
    assert.equal(normaliseEventTime('2020-02-29 00:00:00 UTC'), '2020-02-29T00:00:00Z');
    assert.equal(normaliseEventTime('2000-02-29 23:59:59 UTC'), '2000-02-29T23:59:59Z');
    for (const outside of ['1900-02-29 00:00:00 UTC', '1969-12-31 23:59:59 UTC', '0000-01-01 00:00:00 UTC', '9999-12-31 23:59:59 UTC'])
      assert.equal(normaliseEventTime(outside), 'out_of_range', outside);
    for (const bad of ['2019-02-29 00:00:00 UTC', '2020-13-01 00:00:00 UTC', '2020-00-10 00:00:00 UTC', '2020-04-00 00:00:00 UTC', '2020-04-24 11:50:60 UTC', '2020-04-31 10:00:00 UTC', '2020-04-24 24:00:00 UTC', '2020-04-24 11:60:00 UTC', '2020-04-24 11:50:39', '2020-04-24 11:50:39 +02:00', 'yesterday'])
      assert.equal(normaliseEventTime(bad), 'invalid', bad);
  });

  test('prices become canonical non-negative decimals', () => {
    const cases: [string, string | null][] = [['162.01', '162.01'], ['0162.010', '162.01'], ['0', '0'], ['0.00', '0'], ['000', '0'], ['0000001.500000', '1.5'], ['0000000001.5', null], ['9999999999.999999', null], ['.5', null], ['7.', null], ['+3', null], ['-1', null], ['1e3', null], ['.', null], ['', null], ['1,5', null], ['NaN', null]];
    for (const [input, want] of cases) assert.equal(normalisePrice(input), want, input);
  });

  // The same table runs through the clean job's checks (emr-jobs/tests/test_rules_agree_with_ingest.py).
  for (const { field, value, reason } of RULE_EXAMPLES)
    test(`contract example: ${field} = ${JSON.stringify(value)} → ${reason ?? 'accepted'}`, () => {
      const fields = CSV_COLUMNS.map((column) => (column === field ? value : EXAMPLE_ROW[column]));
      const outcome = toPurchaseEvent(fields, 'rules', 2);
      assert.equal('rejection' in outcome ? outcome.rejection.reason : null, reason);
      if ('event' in outcome) assertMatchesSchema(outcome.event);
    });

  test('a real row becomes a schema-valid event; ids stay exact strings', () => {
    const fields = '2020-04-24 11:50:39 UTC,2294359932054536986,1515966223509089906,2268105426648170900,electronics.tablet,samsung,162.01,1515915625441993984'.split(',');
    const outcome = toPurchaseEvent(fields, 'b/k@e', 2);
    assert.ok('event' in outcome);
    assertMatchesSchema(outcome.event);
    assert.equal(outcome.event.order_id, '2294359932054536986');
    assert.equal(outcome.event.user_id, '1515915625441993984');
    assert.equal(outcome.realigned, false);
  });

  test('the export defect t,o,p,,PRICE,USER,, is moved back; nothing else is', () => {
    assert.deepEqual(realignShiftedRow(['t', 'o', 'p', '', '0.02', '1515915625453675584', '', '']), ['t', 'o', 'p', '', '', '', '0.02', '1515915625453675584']);
    assert.deepEqual(realignShiftedRow(['t', 'o', 'p', '', '38.17', '', '', '']), ['t', 'o', 'p', '', '', '', '38.17', '']);
    assert.equal(realignShiftedRow(['t', 'o', 'p', '', 'electronics.tablet', '', '', '']), null, 'no price to move: stays missing');
    assert.equal(realignShiftedRow(['t', 'o', 'p', '1', '0.02', '', '', '']), null, 'has a category id');
    assert.equal(realignShiftedRow(['t', 'o', 'p', '', '0.02', 'sony', '', '']), null, 'brand is not a user id');
    assert.equal(realignShiftedRow(['t', 'o', 'p', '', '0.02', '', '5', '']), null, 'has a price');
  });

  test('byte-level checks come first and name the problem', () => {
    const reason = (bytes: Buffer, tooLong = false) => {
      const outcome = parseLine(bytes, tooLong, 100, 's', 2);
      return 'rejection' in outcome ? outcome.rejection.reason : 'ok';
    };
    assert.equal(reason(Buffer.from('x'), true), 'line_too_long');
    assert.equal(reason(Buffer.from([0x61, 0xc3, 0x28])), 'invalid_utf8');
    assert.deepEqual(parseLine(Buffer.from('  '), false, 100, 's', 2), { blank: true }, 'a blank line is not a record, so not a rejection');
    assert.equal(reason(Buffer.from('a,b')), 'column_count');
  });

  test('a row with several bad fields names every one, in the contract order, in its errors and message', () => {
    const fields = CSV_COLUMNS.map((column) => EXAMPLE_ROW[column]);
    const bad = Object.assign([...fields], { 1: '00002294359932054536986', 5: 'sam\u0000sung', 6: '', 7: '000001515915625441993984' });
    const outcome = toPurchaseEvent(bad, 's', 2);
    assert.ok('rejection' in outcome);
    assert.deepEqual(outcome.rejection.errors, [
      { field: 'price', code: 'missing_price' },
      { field: 'order_id', code: 'invalid_order_id' },
      { field: 'user_id', code: 'invalid_user_id' },
      { field: 'brand', code: 'invalid_brand' },
    ]);
    assert.equal(outcome.rejection.reason, 'missing_price');
    for (const field of ['price', 'order_id', 'user_id', 'brand']) assert.match(outcome.rejection.message, new RegExp(`${field}: `));
  });

  test('every row of the shipped slice is accepted', () => {
    const [header, ...rows] = gunzipSync(readFileSync(SLICE)).toString('utf8').trimEnd().split('\n');
    assert.equal(headerProblem(Buffer.from(header)), null);
    for (const [i, row] of rows.entries()) {
      const outcome = parseLine(Buffer.from(row), false, 8192, 'slice', i + 2);
      assert.ok('event' in outcome, `line ${i + 2}: ${JSON.stringify(outcome)}`);
    }
  });
});

describe('records', () => {
  const assemble = (text: string) => {
    const out: [number, string][] = [];
    const records = new RecordAssembler(
      (bytes, tooLong, line) => parseLine(bytes, tooLong, 200, 's', line),
      (line, _bytes, outcome) => out.push([line, 'event' in outcome ? `ok ${outcome.event.brand}` : 'rejection' in outcome ? outcome.rejection.reason : 'blank']),
      200,
    );
    text.split('\n').forEach((t, i) => records.take({ line: i + 2, bytes: Buffer.from(t), tooLong: false }));
    records.end();
    return out;
  };
  const row = (brand: string) => `2020-04-24 11:50:39 UTC,1,2,3,electronics.tablet,${brand},1.00,4`;

  test('a quoted field spanning lines is one record, rejected once for its line break', () => {
    assert.deepEqual(assemble(['2020-04-24 11:50:39 UTC,1,2,3,electronics.tablet,"sam', 'sung",1.00,4', row('apple')].join('\n')), [
      [2, 'invalid_brand'],
      [4, 'ok apple'],
    ]);
  });
  test('a quote never soundly closed rejects its own line only; the lines after it are records again', () => {
    assert.deepEqual(assemble([row('"sam'), row('apple'), row('so"ny'), '', row('lg')].join('\n')), [
      [2, 'broken_quoting'],
      [3, 'ok apple'],
      [4, 'broken_quoting'],
      [5, 'blank'],
      [6, 'ok lg'],
    ]);
  });
});

describe('header', () => {
  test('the exact columns pass, with a BOM or padding', () => {
    assert.equal(headerProblem(Buffer.from(CSV_COLUMNS.join(','))), null);
    assert.equal(headerProblem(Buffer.from('\uFEFF' + CSV_COLUMNS.join(' , '))), null);
  });
  test('anything else is refused with the expected header in the message', () => {
    for (const bad of ['', 'a,b', CSV_COLUMNS.slice().reverse().join(','), '2020-04-24 11:50:39 UTC,1,2,3,,,1,'])
      assert.match(headerProblem(Buffer.from(bad))!, new RegExp(CSV_COLUMNS.join(',')));
  });
});

describe('Kafka settings', () => {
  test("partitions match Java's default partitioner (kafkajs's murmur2 port) on real keys", () => {
    const reference: (key: string) => number = require('kafkajs/src/producer/partitioners/default/murmur2');
    const keys = gunzipSync(readFileSync(SLICE)).toString('utf8').split('\n').slice(1, 2000).flatMap((l) => l.split(',').slice(1, 2).concat(l.split(',').slice(7)));
    for (const key of [...keys, '', 'a', 'ab', 'abc', 'héllo', '€𝄞', 'x'.repeat(400)])
      for (const partitions of [1, 6, 7]) assert.equal(partitionFor(key, partitions), (reference(key) & 0x7fffffff) % partitions, key);
  });

  test('the local broker is PLAINTEXT; MSK is TLS + OAUTHBEARER with a token signed for the region, same code', async () => {
    assert.deepEqual(connectionFromEnv({ [LAMBDA_ENV.kafkaBrokers]: 'a:9092, b:9092', [LAMBDA_ENV.kafkaAuth]: 'plaintext' }), { brokers: ['a:9092', 'b:9092'], auth: 'plaintext', region: undefined });
    const local = clientOptions({ brokers: ['127.0.0.1:1'], auth: 'plaintext' });
    assert.equal(local.tls, undefined);
    assert.equal(local.sasl, undefined);

    const iam = clientOptions(connectionFromEnv({ [LAMBDA_ENV.kafkaBrokers]: 'boot-x.kafka-serverless.eu-west-1.amazonaws.com:9098', AWS_REGION: 'eu-west-1' }));
    assert.deepEqual(iam.tls, {});
    assert.equal(iam.tlsServerName, true);
    assert.equal(iam.sasl?.mechanism, 'OAUTHBEARER');
    // Signing is local (SigV4 presign from the environment's credentials): no AWS call happens here.
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'session' });
    try {
      const value = await (iam.sasl!.token as () => Promise<string>)();
      const url = new URL(Buffer.from(value, 'base64url').toString('utf8'));
      assert.equal(url.hostname, 'kafka.eu-west-1.amazonaws.com');
      assert.equal(url.searchParams.get('Action'), 'kafka-cluster:Connect');
      assert.match(url.searchParams.get('X-Amz-Credential')!, /^AKIDEXAMPLE\/\d{8}\/eu-west-1\/kafka-cluster\/aws4_request$/);
    } finally {
      process.env = saved;
    }
  });

  test('missing or wrong settings fail with the variable name', () => {
    assert.throws(() => connectionFromEnv({}), new RegExp(LAMBDA_ENV.kafkaBrokers));
    assert.throws(() => connectionFromEnv({ [LAMBDA_ENV.kafkaBrokers]: 'a:1', [LAMBDA_ENV.kafkaAuth]: 'scram' }), new RegExp(LAMBDA_ENV.kafkaAuth));
    assert.throws(() => connectionFromEnv({ [LAMBDA_ENV.kafkaBrokers]: 'a:1' }), /AWS_REGION/);
  });
});
