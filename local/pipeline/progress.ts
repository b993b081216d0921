/** Stage-by-stage progress lines and the timings the final summary reports. */

export const formatCount = (n: number): string => Math.round(n).toLocaleString('en-US');
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

export interface StageTiming {
  stage: string;
  ms: number;
}

export interface Stages {
  /** Runs one stage, printing its start and end with the elapsed time and what it says it did. */
  run<T>(stage: string, work: () => Promise<T>, describe?: (result: T) => string): Promise<T>;
  /** A progress line inside the current stage. */
  note(line: string): void;
  timings(): StageTiming[];
}

export const createStages = (print: (line: string) => void = (line) => console.log(line)): Stages => {
  const timings: StageTiming[] = [];
  const startedAt = Date.now();
  let current = '';
  const clock = () => `[${formatSeconds(Date.now() - startedAt).padStart(7)}]`;
  return {
    async run(stage, work, describe) {
      current = stage;
      print(`${clock()} ${stage} ...`);
      const started = Date.now();
      const result = await work();
      const ms = Date.now() - started;
      timings.push({ stage, ms });
      print(`${clock()} ${stage} done in ${formatSeconds(ms)}${describe ? `: ${describe(result)}` : ''}`);
      return result;
    },
    note: (line) => print(`${clock()}   ${current}: ${line}`),
    timings: () => [...timings],
  };
};

/** Rows per second, for progress lines. */
export const rate = (rows: number, ms: number): string => `${formatCount(rows / Math.max(ms / 1000, 0.001))} rows/s`;
