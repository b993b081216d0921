/** The end-of-run summary: what went in, what landed, who got recommendations, how good they are. */
import { API_ROUTES } from '../../contract';
import { UPLOADS_PREFIX } from '../aws/servers';
import { formatBytes, formatCount, formatSeconds } from './progress';
import type { TwinSummary } from './run';

const describeMetrics = (metrics: Record<string, unknown> | undefined): string[] => {
  if (!metrics) return ['  metrics: none (serving/metrics.json missing)'];
  const serving = metrics.serving as { users?: number; by_source?: Record<string, number> } | undefined;
  const holdout = metrics.holdout as { holdout_users?: number; metrics?: Record<string, Record<string, number>> } | undefined;
  const lines = [`  recommendations: ${formatCount(serving?.users ?? 0)} users, by source ${JSON.stringify(serving?.by_source ?? {})}`];
  if (holdout?.metrics) {
    lines.push(`  holdout (${formatCount(holdout.holdout_users ?? 0)} users, k=${String(metrics.k)}):`);
    for (const [policy, values] of Object.entries(holdout.metrics)) {
      const shown = Object.entries(values)
        .map(([name, value]) => `${name}=${typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(4) : value}`)
        .join(' ');
      lines.push(`    ${policy.padEnd(20)} ${shown}`);
    }
  }
  return lines;
};

export const summaryLines = (summary: TwinSummary, url?: string): string[] => {
  const { ingest, sink } = summary;
  const total = summary.timings.reduce((s, t) => s + t.ms, 0);
  const lines = [
    '',
    '== recstream local twin: summary',
    `  csv: ${summary.csv}`,
    `  upload: s3://${summary.upload.bucket}/${summary.upload.key} on ${summary.upload.endpoint} (report and rejected rows beside it)`,
    `  ingest: ${formatCount(ingest.read)} rows read, ${formatCount(ingest.produced)} produced, ${formatCount(ingest.rejected)} rejected ${JSON.stringify(ingest.rejectedByReason)}`,
    `  lake: ${formatCount(sink.objects)} objects, ${formatCount(sink.rows)} rows, ${formatBytes(sink.bytes)} (${formatBytes(sink.compressedBytes)} gz) in ${summary.lake}`,
    `  serving table: ${formatCount(summary.load.loaded)} users loaded, ${summary.load.invalid} invalid lines, fallback ${JSON.stringify(summary.load.fallback)}`,
    ...describeMetrics(summary.metrics),
    `  stages: ${summary.timings.map((t) => `${t.stage} ${formatSeconds(t.ms)}`).join(', ')}; total ${formatSeconds(total)}`,
  ];
  if (url) {
    lines.push(`  site: ${url}/`);
    lines.push(`  sign in as: ${summary.signIn.username}  password: ${summary.signIn.password}  (a fresh password each run)`);
    lines.push(`  API (needs the site's bearer token; who asked is logged in ${summary.signIn.accessLog}):`);
    lines.push(`        ${url}${API_ROUTES.analytics.replace('{name}', 'summary')}`);
    for (const user of summary.exampleUsers) lines.push(`        ${url}${API_ROUTES.recommendations.replace('{userId}', user)}`);
    if (summary.exampleUsers.length) lines.push(`  try user ids: ${summary.exampleUsers.join(', ')}`);
    lines.push(`  upload another CSV (ingested now; local/README.md#uploading-as-on-aws):`);
    lines.push(`        aws s3 cp --endpoint-url ${summary.upload.endpoint} FILE.csv.gz s3://${summary.upload.bucket}/${UPLOADS_PREFIX}FILE.csv.gz`);
  }
  return lines;
};
