/** Writes generated rows to a file (.csv or .csv.gz) or stdout, with backpressure. */
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { generate, type GenerateOptions } from './generate';

/** Lines batched into ~64 KiB chunks: one stream write per line would dominate the run time. */
function* chunked(lines: Iterable<string>, onRows: (rows: number) => void): Generator<string> {
  let chunk = '';
  let rows = -1; // the header is not a row
  for (const line of lines) {
    chunk += line;
    rows++;
    if (chunk.length >= 65_536) {
      yield chunk;
      chunk = '';
      onRows(rows);
    }
  }
  if (chunk) yield chunk;
  onRows(Math.max(0, rows));
}

export const writeGenerated = async (
  options: GenerateOptions,
  out: string | Writable,
  onProgress: (rows: number) => void = () => {},
): Promise<void> => {
  const source = Readable.from(chunked(generate(options), onProgress));
  if (typeof out !== 'string') return pipeline(source, out, { end: false });
  await mkdir(dirname(out), { recursive: true });
  // A regular file appears whole or not at all; a device or pipe (/dev/null, a FIFO) is written in place.
  const special = existsSync(out) && !statSync(out).isFile();
  const target = special ? out : `${out}.tmp-${process.pid}`;
  await (out.endsWith('.gz') ? pipeline(source, createGzip(), createWriteStream(target)) : pipeline(source, createWriteStream(target)));
  if (!special) await rename(target, out);
};
