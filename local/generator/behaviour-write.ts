/**
 * Writes generated behaviour events either as a REES46 CSV (.csv / .csv.gz, what a store
 * would upload) or as Firehose objects (gzip JSON lines of BehaviourEventV1 under
 * `<lake>/raw/events/yyyy/MM/dd/HH/`, what the Spark jobs read), streamed with backpressure.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { BEHAVIOUR_LAKE } from '../../contract';
import { BEHAVIOUR_CSV_HEADER, type BehaviourEvent, type BehaviourOptions, behaviourCsvLine, behaviourEventV1, generateBehaviour, generateBehaviourCsv } from './behaviour';
import { generateStoreBehaviour, type StoreBehaviourOptions } from './store-behaviour';

/** Lines batched into ~64 KiB chunks: one stream write per line would dominate the run time. */
function* chunked(lines: Iterable<string>): Generator<string> {
  let chunk = '';
  for (const line of lines) {
    chunk += line;
    if (chunk.length >= 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** Lines to a file (gzip when it ends in .gz) that appears whole or not at all. */
export const writeGzipOrPlain = async (lines: Iterable<string>, path: string): Promise<void> => {
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.tmp-${process.pid}`;
  const source = Readable.from(chunked(lines));
  await (path.endsWith('.gz') ? pipeline(source, createGzip(), createWriteStream(partial)) : pipeline(source, createWriteStream(partial)));
  await rename(partial, path);
};

/** A REES46 CSV to a file (.csv / .csv.gz, appearing whole or not at all) or a stream (stdout). */
export const writeBehaviourCsv = (options: BehaviourOptions, out: string | Writable): Promise<void> =>
  typeof out === 'string' ? writeGzipOrPlain(generateBehaviourCsv(options), out) : pipeline(Readable.from(chunked(generateBehaviourCsv(options))), out, { end: false });

/** The demo store's clickstream (store-behaviour.ts) as a REES46 CSV file (.csv / .csv.gz) or to a stream. */
export const writeStoreBehaviourCsv = (options: StoreBehaviourOptions, out: string | Writable): Promise<void> => {
  function* lines(): Generator<string> {
    yield `${BEHAVIOUR_CSV_HEADER}\n`;
    for (const event of generateStoreBehaviour(options)) yield `${behaviourCsvLine(event)}\n`;
  }
  return typeof out === 'string' ? writeGzipOrPlain(lines(), out) : pipeline(Readable.from(chunked(lines())), out, { end: false });
};

/** Firehose's `yyyy/MM/dd/HH/` folder of a time (UTC). */
export const firehoseFolder = (ms: number): string => new Date(ms).toISOString().slice(0, 13).replace(/[-T]/g, '/') + '/';

/**
 * Firehose objects of `eventsPerObject` events each, named like Firehose names them, in the
 * folder of their first event's hour. `source` is the CSV the events would have come from.
 */
export const writeBehaviourFirehose = async (options: BehaviourOptions, lake: string, eventsPerObject = 500_000): Promise<string[]> => {
  const source = `generated/behaviour-${options.events}-seed-${options.seed ?? 'default'}.csv`;
  const events = generateBehaviour(options);
  const written: string[] = [];
  let line = 2;
  for (let part = 0; ; part++) {
    const first = events.next();
    if (first.done) return written;
    function* objectLines(head: BehaviourEvent): Generator<string> {
      yield `${JSON.stringify(behaviourEventV1(head, source, line++))}\n`;
      for (let n = 1; n < eventsPerObject; n++) {
        const next = events.next();
        if (next.done) return;
        yield `${JSON.stringify(behaviourEventV1(next.value, source, line++))}\n`;
      }
    }
    const path = join(lake, BEHAVIOUR_LAKE.rawPrefix, firehoseFolder(first.value.time), `recstream-events-1-${String(part).padStart(5, '0')}.gz`);
    await writeGzipOrPlain(objectLines(first.value), path);
    written.push(path);
  }
};
