/** Stage-by-stage progress lines and the timings the final summary reports. */

export const formatCount = (n: number): string => Math.round(n).toLocaleString('en-US');
/** `1 object`, `13 objects`. */
export const plural = (n: number, noun: string): string => `${formatCount(n)} ${noun}${Math.round(n) === 1 ? '' : 's'}`;
export const formatBytes = (bytes: number): string =>
  bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(2)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
export const formatSeconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;
/** Reject counts by reason, largest first: `bad_price 3, missing_field 1`, or `none`. */
export const formatReasons = (byReason: Partial<Record<string, number>>): string =>
  Object.entries(byReason)
    .filter((entry): entry is [string, number] => (entry[1] ?? 0) > 0)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([reason, n]) => `${reason} ${formatCount(n)}`)
    .join(', ') || 'none';

/**
 * The Spark jobs' progress lines carry Python dict reprs
 * (`chosen {'rank': 16, 'alpha': 10.0, 'by': 'mean ndcg@3'}`); a person reads
 * `chosen rank 16, alpha 10, by mean ndcg@3`, fractions to 3 decimals.
 */
export const plainDicts = (line: string): string =>
  line.replace(/\{('[^{}]*)\}/g, (_, body: string) =>
    body
      .split(/,\s*(?=')/)
      .map((pair) => {
        const match = /^'([^']+)':\s*(.*)$/.exec(pair.trim());
        if (!match) return pair.trim();
        const value = match[2].replace(/^'(.*)'$/, '$1');
        const n = Number(value);
        return `${match[1]} ${value !== '' && Number.isFinite(n) ? String(Number.isInteger(n) ? n : Number(n.toFixed(3))) : value}`;
      })
      .join(', '),
  );

export interface StageTiming {
  stage: string;
  ms: number;
}

export interface Stages {
  /** Runs one stage: one line when it ends, with its time and what it says it did (and one when it starts, if it runs long). */
  run<T>(stage: string, work: () => Promise<T>, describe?: (result: T) => string): Promise<T>;
  /** A progress line inside the current stage. */
  note(line: string): void;
  timings(): StageTiming[];
}

/** A stage still running after this long gets a start line, so a long one is never silent. */
const ANNOUNCE_AFTER_MS = 3_000;

export const createStages = (print: (line: string) => void = (line) => console.log(line)): Stages => {
  const timings: StageTiming[] = [];
  const startedAt = Date.now();
  let current = '';
  const clock = () => `[${formatSeconds(Date.now() - startedAt).padStart(7)}]`;
  return {
    async run(stage, work, describe) {
      current = stage;
      const started = Date.now();
      const announce = setTimeout(() => print(`${clock()} ${stage} ...`), ANNOUNCE_AFTER_MS);
      try {
        const result = await work();
        const ms = Date.now() - started;
        timings.push({ stage, ms });
        print(`${clock()} ${stage.padEnd(16)} ${formatSeconds(ms).padStart(7)}${describe ? `  ${describe(result)}` : ''}`);
        return result;
      } finally {
        clearTimeout(announce);
      }
    },
    note: (line) => print(`${clock()}   ${current}: ${plainDicts(line)}`),
    timings: () => [...timings],
  };
};

/** Rows per second, for progress lines. */
export const rate = (rows: number, ms: number): string => `${formatCount(rows / Math.max(ms / 1000, 0.001))} rows/s`;
