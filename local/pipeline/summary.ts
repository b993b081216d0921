/** The end-of-run summary: what went in, what landed, who got recommendations, how good they are. */
import { API_ROUTES } from '../../contract';
import type { LoadReport } from '../../lambdas/load-recommendations/load';
import { UPLOADS_PREFIX } from '../aws/servers';
import { formatBytes, formatCount, formatReasons, formatSeconds, plural } from './progress';
import type { TwinSummary } from './run';
import { behaviourSummaryLines } from './behaviour';

interface Scores {
  users?: number;
  precision?: number;
  recall?: number;
  ndcg?: number;
  hit_rate?: number;
}

/** What recommend's metrics.json says, the parts a person reads. */
export interface MetricsDocument {
  k?: number;
  chosen?: { policy?: string; rank?: number; reg_param?: number; alpha?: number };
  serving?: { users?: number; by_source?: Record<string, number> };
  holdout?: { holdout_users?: number; metrics?: Record<string, Scores> };
}

/** The loader's word on the best-seller list served to unknown ids. */
export const describeFallback = (fallback: LoadReport['fallback']): string =>
  typeof fallback === 'string' ? `best-seller list ${fallback}` : `best-seller list invalid (${fallback.invalid})`;

const score = (value: number | undefined) => (value === undefined ? '-' : value.toFixed(3));

/** Users per source, the fallback list (a row for unknown ids, not a user) named apart. */
const bySource = (sources: Record<string, number>): string =>
  Object.entries(sources)
    .filter(([source]) => source !== 'fallback')
    .sort(([, a], [, b]) => b - a)
    .map(([source, n]) => `${source} ${formatCount(n)}`)
    .join(', ');

export const describeMetrics = (metrics: MetricsDocument | undefined): string[] => {
  if (!metrics) return ['  recommendations: none (serving/metrics.json missing)'];
  const serving = metrics.serving ?? {};
  const sources = bySource(serving.by_source ?? {});
  const lines = [
    `  recommendations: ${plural(serving.users ?? 0, 'customer')}${sources ? ` (${sources})` : ''}; anyone else gets the best-seller list`,
  ];
  const { chosen } = metrics;
  if (chosen?.policy)
    lines.push(`  chosen policy: ${chosen.policy}${chosen.rank === undefined ? '' : ` (ALS rank ${chosen.rank}, reg ${chosen.reg_param}, alpha ${chosen.alpha})`}`);
  const holdout = metrics.holdout;
  const measured = Object.entries(holdout?.metrics ?? {}).filter(([, s]) => (s.users ?? 0) > 0);
  if (!holdout?.holdout_users || measured.length === 0) {
    lines.push('  holdout: nothing measured (no customer bought both before and during the last days held out)');
    return lines;
  }
  const k = metrics.k ?? 3;
  lines.push(`  holdout: ${plural(holdout.holdout_users, 'customer')} who bought before and during it; top ${k}:`);
  lines.push(`    ${'policy'.padEnd(22)} ${'ndcg'.padStart(6)} ${'hit rate'.padStart(8)} ${'precision'.padStart(9)} ${'recall'.padStart(6)}`);
  for (const [policy, s] of measured)
    lines.push(`    ${policy.padEnd(22)} ${score(s.ndcg).padStart(6)} ${score(s.hit_rate).padStart(8)} ${score(s.precision).padStart(9)} ${score(s.recall).padStart(6)}`);
  return lines;
};

/** The purchases data product's lines; none when only an events file ran. */
const purchasesLines = (summary: TwinSummary): string[] => {
  const { ingest, sink, upload, load } = summary;
  if (!ingest || !sink || !upload || !load) return [];
  const rejected = ingest.rejected > 0 ? `${formatCount(ingest.rejected)} rejected (${formatReasons(ingest.rejectedByReason)})` : 'none rejected';
  return [
    `  data: ${summary.csv}`,
    `  ingest: ${formatCount(ingest.read)} rows read, ${formatCount(ingest.produced)} produced, ${rejected}; report and rejected rows beside s3://${upload.bucket}/${upload.key} on ${upload.endpoint}`,
    `  lake: ${formatCount(sink.rows)} records (rows and completion records) in ${plural(sink.objects, 'object')}, ${formatBytes(sink.bytes)} (${formatBytes(sink.compressedBytes)} gz), ${summary.lake}`,
    `  serving table: ${plural(load.loaded, 'customer')} loaded${load.invalid ? `, ${plural(load.invalid, 'invalid line')} skipped` : ''}, ${describeFallback(load.fallback)}`,
    ...describeMetrics(summary.metrics as MetricsDocument | undefined),
  ];
};

export const summaryLines = (summary: TwinSummary, url?: string): string[] => {
  const total = summary.timings.reduce((s, t) => s + t.ms, 0);
  const upload = summary.upload ?? summary.behaviour!.upload;
  const lines = [
    '',
    '== recstream local twin: summary',
    ...purchasesLines(summary),
    ...(summary.behaviour ? behaviourSummaryLines(summary.behaviour) : []),
    `  time: ${formatSeconds(total)} (${summary.timings.map((t) => `${t.stage} ${formatSeconds(t.ms)}`).join(', ')})`,
  ];
  if (url) {
    lines.push(`  site: ${url}/`);
    lines.push(`  sign in as: ${summary.signIn.username}  password: ${summary.signIn.password}  (a fresh password each run)`);
    lines.push(`  API (needs the site's bearer token; who asked is logged in ${summary.signIn.accessLog}):`);
    lines.push(`        ${url}${API_ROUTES.analytics.replace('{name}', 'summary')}`);
    for (const user of summary.exampleUsers) lines.push(`        ${url}${API_ROUTES.recommendations.replace('{userId}', user)}`);
    if (summary.exampleUsers.length) lines.push(`  try user ids: ${summary.exampleUsers.join(', ')}`);
    const { collector } = summary;
    if (collector) {
      lines.push(`  storefront events (POST, no sign-in; store ${collector.store}'s write key, a fresh one each run): ${url}${collector.route}`);
      lines.push(`        curl -H '${collector.header}: ${collector.writeKey}' -H 'content-type: application/json' -d '{"events":[…]}' ${url}${collector.route}`);
    }
    lines.push(`  upload another CSV (ingested now; local/README.md#uploading-as-on-aws):`);
    lines.push(`        aws s3 cp --endpoint-url ${upload.endpoint} FILE.csv.gz s3://${upload.bucket}/${UPLOADS_PREFIX}FILE.csv.gz`);
  }
  return lines;
};
