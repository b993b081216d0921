/**
 * The malformed-events corpus (test/fixtures/malformed-events/, outcomes in expected.json), shared by
 * the ingest suite (each file on a real broker) and the twin suite (the files through the real CLI).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ExpectedEvents {
  status: 'ok' | 'file_rejected';
  error?: string;
  produced: number[];
  quarantined: Record<string, string>;
  /** line → the Kafka key its event must have. */
  keys?: Record<string, string>;
  /** line → the brand its event must have. */
  brands?: Record<string, string>;
  blankLines?: number;
  /** A truncated gzip: the rows decoded before the damage were produced; which ones depends on zlib's buffering. */
  partial?: boolean;
  /** The file ends inside a line: that line, right after the last produced one, is quarantined `incomplete_line`. */
  incompleteLine?: boolean;
  /** What `npm run local -- --events FILE --once` exits with. */
  exit: number;
}

export const CORPUS = join(__dirname, '..', 'fixtures', 'malformed-events');
export const expectedEvents: Record<string, ExpectedEvents> = JSON.parse(readFileSync(join(CORPUS, 'expected.json'), 'utf8'));

/** A run on the file ends at ingest: a whole-file rejection, every row rejected, or no data rows. */
export const endsAtIngest = (want: ExpectedEvents): boolean => want.exit !== 0 || want.produced.length === 0;

/** How a run on the file ends at ingest, by the report's verdict. */
export const endingKind = (want: ExpectedEvents): 'file rejected' | 'every row rejected' | 'nothing to process' =>
  want.status === 'file_rejected' ? 'file rejected' : want.exit === 0 ? 'nothing to process' : 'every row rejected';

export const byReasonOf = (quarantined: Record<string, string>): Record<string, number> =>
  Object.values(quarantined).reduce<Record<string, number>>((acc, reason) => ({ ...acc, [reason]: (acc[reason] ?? 0) + 1 }), {});

/** The run's exit code and the one line it ends with (stderr for exit 3, stdout for 0) say what expected.json says; `context` explains a failure. */
export function assertEndedAtIngest(name: string, want: ExpectedEvents, code: number | null, line: string, context = line): void {
  assert.equal(code, want.exit, context);
  const kind = endingKind(want);
  if (kind === 'nothing to process') assert.match(line, /nothing to process/, context);
  else if (kind === 'file rejected') assert.ok(line.startsWith(`ingest: ${name} rejected: `) && line.includes(want.error!), context);
  else {
    const rejected = Object.keys(want.quarantined).length;
    assert.match(line, new RegExp(`^ingest: ${name.replace('.', '\\.')} rejected: all ${rejected} rows were rejected \\(`), context);
    for (const [reason, n] of Object.entries(byReasonOf(want.quarantined))) assert.ok(line.includes(`${reason} ${n}`), context);
  }
}
