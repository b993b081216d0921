/** The command-line options and small helpers bench:realtime and its --recommendations half share. */
export const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
export const RATE = arg('rate', 2000);
export const SECONDS = arg('seconds', 60);
export const JOB_LOG = process.argv.includes('--job-log') ? process.argv[process.argv.indexOf('--job-log') + 1] : undefined;
export const TICK_MS = 100;
export const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
