/**
 * Physical lines → CSV records. A record is usually one line, but a quoted
 * field may hold a line break (RFC 4180): a line that ends inside a quote is
 * joined with the next ones until the quote closes. Bounded, so a stray quote
 * cannot swallow the rows after it: if the quote is not soundly closed within
 * `maxBytes` (or by the end), only the first line is the broken record and the
 * lines after it are read again on their own.
 */
import type { PhysicalLine } from './lines';
import type { RowOutcome } from './row';

/** Validates one record's bytes (row.ts's parseLine with the upload's source). */
export type ParseRecord = (bytes: Buffer, tooLong: boolean, line: number) => RowOutcome;
/** Receives each record once: its first line's number, its bytes, and what it became. */
export type SettleRecord = (line: number, bytes: Buffer, outcome: RowOutcome) => void;

const NEWLINE = Buffer.from('\n');
const INCOMPLETE: RowOutcome = { rejection: { reason: 'incomplete_line', message: 'the upload stopped inside this line (truncated or corrupt gzip, or a failed read): its end is missing' } };

const opensQuote = (outcome: RowOutcome): boolean => 'rejection' in outcome && outcome.rejection.unclosed === true;

export class RecordAssembler {
  /** The lines of a record whose quoted field is still open, and their size joined. */
  private open: { parts: PhysicalLine[]; size: number } | undefined;

  constructor(
    private readonly parse: ParseRecord,
    private readonly settle: SettleRecord,
    private readonly maxBytes: number,
  ) {}

  /** One physical line: a record, or the start or continuation of a multi-line one. */
  take(physical: PhysicalLine): void {
    if (this.open) return this.continueRecord(physical);
    const { line, bytes, tooLong } = physical;
    const outcome = physical.cut ? INCOMPLETE : this.parse(bytes, tooLong, line);
    if (opensQuote(outcome)) this.open = { parts: [physical], size: bytes.length };
    else this.settle(line, bytes, outcome);
  }

  /** The input ended: a record still open is settled as its lines allow. */
  end(): void {
    if (this.open) this.abandon();
  }

  private continueRecord(physical: PhysicalLine): void {
    const record = this.open!;
    record.parts.push(physical);
    record.size += physical.bytes.length + 1;
    if (physical.cut || physical.tooLong || record.size > this.maxBytes) return this.abandon();
    const bytes = Buffer.concat(record.parts.flatMap((p, i) => (i === 0 ? [p.bytes] : [NEWLINE, p.bytes])));
    const outcome = this.parse(bytes, false, record.parts[0].line);
    if (opensQuote(outcome)) return;
    // Joined lines are one record only if their quoting is sound: a stray quote further down is not a closing one.
    if ('rejection' in outcome && outcome.rejection.reason === 'broken_quoting') return this.abandon();
    this.open = undefined;
    this.settle(record.parts[0].line, bytes, outcome);
  }

  private abandon(): void {
    const [first, ...rest] = this.open!.parts;
    this.open = undefined;
    this.settle(first.line, first.bytes, this.parse(first.bytes, first.tooLong, first.line));
    for (const physical of rest) this.take(physical);
  }
}
