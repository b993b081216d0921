/**
 * Writes generated purchase rows as the Firehose objects their upload would land as, without a
 * broker: every CSV line goes through ingest's own row parsing (`toPurchaseEvent`: shifted rows
 * realigned, times and prices normalised) and record format (`toRecord`), the objects are cut at
 * Firehose's buffer size (FIREHOSE_BUFFER, counted uncompressed as Firehose counts) as gzip JSON
 * lines under `<lake>/raw/purchases/yyyy/MM/dd/HH/`, and the upload ends with ingest's completion
 * record (UploadCompleteV1), without which clean holds every row back as `incomplete_upload`.
 * Streamed: memory is bounded by the generator's catalogue and one ~64 KiB chunk, not by the rows.
 */
import { join } from 'node:path';
import { FIREHOSE_BUFFER, LAKE } from '../../contract';
import { completionRecord, sourceId, toRecord } from '../../lambdas/ingest/ingest';
import { splitCsvLine, toPurchaseEvent } from '../../lambdas/ingest/row';
import { firehoseFolder, writeGzipOrPlain } from './behaviour-write';
import { DEFAULT_SEED, generate, type GenerateOptions } from './generate';
import { seedOf } from './random';

/**
 * When the generated file is "uploaded": the day after its last purchase (the generator covers
 * 2020-01..07), fixed so the same seed writes the same bytes. Firehose folders by arrival, so
 * every object lands in this hour's folder.
 */
const UPLOADED_AT = new Date(Date.UTC(2020, 7, 1));

export interface PurchasesFirehose {
  /** `<bucket>/<key>@<etag>` of the upload the rows came from, as ingest names it. */
  source: string;
  objects: string[];
  /** Rows produced (what the completion record counts). */
  rows: number;
  /** Rows ingest would have quarantined instead (none from the generator; counted so none vanish). */
  rejected: number;
}

/** The Kafka record values ingest would produce for the generated CSV, then its completion record. */
function* recordValues(options: GenerateOptions, source: string, tally: PurchasesFirehose): Generator<string> {
  let line = 0;
  for (const text of generate(options)) {
    if (++line === 1) continue; // the header
    const fields = splitCsvLine(text.slice(0, -1));
    const outcome = Array.isArray(fields) ? toPurchaseEvent(fields, source, line) : { rejection: fields };
    if ('event' in outcome) {
      tally.rows++;
      yield toRecord(outcome.event).value;
    } else tally.rejected++;
  }
  yield completionRecord(source, tally.rows, UPLOADED_AT).value;
}

/** Writes `options.rows` generated rows under `lake` and resolves to what was written. */
export const writePurchasesFirehose = async (options: GenerateOptions, lake: string, objectBytes = FIREHOSE_BUFFER.sizeMiB * 1024 * 1024): Promise<PurchasesFirehose> => {
  const seed = options.seed ?? DEFAULT_SEED;
  // The same rows and seed are the same bytes: one identity, as an ETag is one per content.
  const etag = seedOf(`${options.rows}/${seed}`).toString(16).padStart(8, '0');
  const tally: PurchasesFirehose = { source: sourceId('generated', `purchases-${options.rows}-seed-${seed}.csv`, etag), objects: [], rows: 0, rejected: 0 };
  const values = recordValues(options, tally.source, tally);
  let next = values.next();
  for (let part = 0; !next.done; part++) {
    function* objectLines(): Generator<string> {
      // At least one record per object; the generated data is ASCII, so length is bytes.
      for (let bytes = 0; !next.done && (bytes === 0 || bytes + next.value.length <= objectBytes); next = values.next()) {
        bytes += next.value.length;
        yield next.value;
      }
    }
    const path = join(lake, LAKE.rawPrefix, firehoseFolder(UPLOADED_AT.getTime()), `recstream-purchases-1-${String(part).padStart(5, '0')}.gz`);
    await writeGzipOrPlain(objectLines(), path);
    tally.objects.push(path);
  }
  return tally;
};
