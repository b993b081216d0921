/**
 * Bytes of an upload → physical lines, streamed: neither the file nor an
 * over-long line is ever held whole in memory.
 */
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** One physical line of the upload, without its `\n` / `\r\n`. */
export interface PhysicalLine {
  /** 1-based, counting the header as line 1. */
  line: number;
  /** The line's bytes; only the first `maxLineBytes` when `tooLong`. */
  bytes: Buffer;
  tooLong: boolean;
  /** The stream broke (a truncated or corrupt gzip, a failed read) inside this line: what arrived of it. */
  cut?: true;
}

/** Gzip by its magic bytes, not the key's suffix: uploads get misnamed. */
const isGzip = (head: Buffer): boolean => head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;

/** Gunzips the stream when it starts with the gzip magic, passes it through otherwise. */
export async function* decompressIfGzip(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const iterator = source[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  while (head.length < 2) {
    const next = await iterator.next();
    if (next.done) break;
    head = Buffer.concat([head, next.value]);
  }
  async function* whole(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  if (!isGzip(head)) return yield* whole();
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  // Errors of either side (read failure, corrupt or truncated gzip) surface in the loop below.
  pipeline(whole(), gunzip, () => undefined);
  for await (const chunk of gunzip) yield chunk as Buffer;
}

const CR = 0x0d;
const LF = 0x0a;
const withoutCr = (bytes: Buffer): Buffer => (bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.subarray(0, bytes.length - 1) : bytes);

/**
 * Splits a byte stream into physical lines, yielded per input chunk (arrays,
 * because one await per line would cost more than parsing it). A line longer
 * than `maxLineBytes` is cut to that prefix and flagged instead of growing a
 * buffer without bound. A final line without a newline still counts. When
 * the source fails mid-line, that line is yielded flagged `cut` before the
 * error is rethrown, so it is accounted for instead of vanishing.
 */
export async function* physicalLines(chunks: AsyncIterable<Buffer>, maxLineBytes: number): AsyncGenerator<PhysicalLine[]> {
  let line = 0;
  let carry: Buffer[] = [];
  let carried = 0;
  let tooLong = false;
  const keep = (piece: Buffer) => {
    const room = maxLineBytes + 1 - carried; // +1: a trailing CR must not make a maximal line "too long"
    if (piece.length > room) tooLong = true;
    const kept = piece.length > room ? piece.subarray(0, Math.max(room, 0)) : piece;
    if (kept.length > 0) {
      carry.push(Buffer.from(kept)); // a copy: the chunk it came from is released
      carried += kept.length;
    }
  };
  const take = (): PhysicalLine => {
    let bytes = withoutCr(carry.length === 1 ? carry[0] : Buffer.concat(carry, carried));
    const over = tooLong || bytes.length > maxLineBytes;
    if (over) bytes = bytes.subarray(0, maxLineBytes);
    carry = [];
    carried = 0;
    tooLong = false;
    return { line: ++line, bytes, tooLong: over };
  };

  async function* splitChunks(): AsyncGenerator<PhysicalLine[]> {
    for await (const chunk of chunks) {
      const lines: PhysicalLine[] = [];
      let start = 0;
      for (let end = chunk.indexOf(LF, start); end !== -1; end = chunk.indexOf(LF, start)) {
        if (carried === 0 && !tooLong) {
          const bytes = withoutCr(chunk.subarray(start, end));
          const over = bytes.length > maxLineBytes;
          lines.push({ line: ++line, bytes: over ? bytes.subarray(0, maxLineBytes) : bytes, tooLong: over });
        } else {
          keep(chunk.subarray(start, end));
          lines.push(take());
        }
        start = end + 1;
      }
      if (start < chunk.length) keep(chunk.subarray(start));
      if (lines.length > 0) yield lines;
    }
  }

  try {
    yield* splitChunks();
  } catch (error) {
    if (carried > 0 || tooLong) yield [{ ...take(), cut: true }];
    throw error;
  }
  if (carried > 0 || tooLong) yield [take()];
}
