/** The end-of-run summary: what went in, what landed, who got recommendations, how good they are. */
import { API_ROUTES, type Estimate, type RecommendationSource, type RecommenderRun } from '../../contract';
import { reasonFor, type Reason } from '../../web/src/reason';
import { GENERATED_DATA_NOTE } from '../../web/src/recommender-text';
import type { LoadReport } from '../../lambdas/load-recommendations/load';
import { UPLOADS_PREFIX } from '../aws/servers';
import { formatBytes, formatCount, formatReasons, formatSeconds, plural } from './progress';
import type { TwinSummary } from './run';
import { behaviourSummaryLines } from './behaviour';

/** What recommend's run record (serving/metrics.json) says, the parts a person reads. */
export type MetricsDocument = Partial<Pick<RecommenderRun, 'served' | 'serving' | 'holdout' | 'latest_months' | 'window_mean' | 'evaluation'>>;

/** The loader's word on the best-seller list served to unknown ids. */
export const describeFallback = (fallback: LoadReport['fallback']): string =>
  typeof fallback === 'string' ? `best-seller list ${fallback}` : `best-seller list invalid (${fallback.invalid})`;

const estimate = (e: Estimate | undefined, digits = 3) => (e === undefined ? '-' : `${e.mean.toFixed(digits)} [${e.low.toFixed(digits)}, ${e.high.toFixed(digits)}]`);

/** Cards per source, the fallback list (a row for unknown ids, not a customer's) named apart. */
const bySource = (sources: Record<string, number>): string =>
  Object.entries(sources)
    .filter(([source]) => source !== 'fallback')
    .sort(([, a], [, b]) => b - a)
    .map(([source, n]) => `${source} ${formatCount(n)}`)
    .join(', ');

export const describeMetrics = (metrics: MetricsDocument | undefined): string[] => {
  if (!metrics?.serving) return ['  recommendations: none (serving/metrics.json missing)'];
  const { serving, served, holdout } = metrics;
  const cards = bySource(serving.cards_by_source);
  const lines = [
    `  recommendations: ${plural(serving.users, 'customer')}${cards ? `, cards by source: ${cards}` : ''}; anyone else gets the best-seller list`,
  ];
  if (served) lines.push(`  served model: ${served.model} — ${served.reason}`);
  if (metrics.evaluation) lines.push(`  judged: ${metrics.evaluation.reason}`);
  const measured = Object.entries(holdout?.models ?? {});
  if (!holdout?.users || measured.length === 0) {
    lines.push('  holdout: nothing measured (no customer bought both before and during the last days held out)');
  } else {
    lines.push(`  holdout ${holdout.start.slice(0, 10)} to ${holdout.end.slice(0, 10)}: ${plural(holdout.users, 'customer')} who bought before and during it; top 3, 95 % intervals:`);
    lines.push(`    ${'model'.padEnd(22)} ${'ndcg@3'.padEnd(22)} recall@3`);
    for (const [model, s] of measured) lines.push(`    ${model.padEnd(22)} ${estimate(s?.ndcg).padEnd(22)} ${estimate(s?.recall)}`);
  }
  return [...lines, ...describeLatestMonths(metrics.latest_months)];
};

/** A paired difference, signed, to 4 decimals: differences of NDCG@3 are a few thousandths. */
const difference = (e: Estimate) => `${e.mean >= 0 ? '+' : ''}${estimate(e, 4)}`;

/** The ranker against just repeats on the latest months, in one line; nothing when no customer was judged there. */
const describeLatestMonths = (latest: MetricsDocument['latest_months']): string[] => {
  const vsRepeat = latest?.ranker_vs.find((v) => v.rival === 'repeat');
  if (!latest?.users || !vsRepeat) return [];
  const verdict = vsRepeat.wins ? 'the ranker wins' : 'inside the interval: no clear winner';
  return [
    `  latest months ${latest.start.slice(0, 10)} to ${latest.end.slice(0, 10)} (models built before them): ${plural(latest.users, 'customer')}; ranker minus just repeats, ndcg@3 ${difference(vsRepeat.ndcg_difference)}, ${verdict}`,
  ];
};

/** The parts of the clean report (emr-jobs/recstream_jobs/incremental.py) that say what this run processed. */
export interface CleanRun {
  mode: 'full' | 'incremental';
  new_objects: number;
  new_uploads: number;
  input_rows: number;
  months_rewritten: string[];
  output?: { line_items: number };
}

/** `processed 1 new upload, 12,345 rows; 3 month partitions rewritten`, or that nothing was new. */
export const describeClean = (clean: CleanRun | undefined): string[] => {
  if (!clean) return [];
  if (clean.new_objects === 0) return ['  clean: no new raw objects; curated data, recommendations and documents unchanged'];
  const months = clean.months_rewritten.length;
  const which = months > 0 && months <= 6 ? ` (${clean.months_rewritten.join(', ')})` : '';
  const total = clean.output ? `; the lake holds ${plural(clean.output.line_items, 'line item')}` : '';
  return [
    `  clean: processed ${plural(clean.new_uploads, 'new upload')}, ${plural(clean.input_rows, 'row')}; ${plural(months, 'month partition')} rewritten${which}${total}` +
      (clean.mode === 'full' ? ' (full run: every raw object)' : ''),
  ];
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
    ...describeClean(summary.clean as CleanRun | undefined),
    `  serving table: ${plural(load.loaded, 'customer')} loaded${load.invalid ? `, ${plural(load.invalid, 'invalid line')} skipped` : ''}, ${describeFallback(load.fallback)}`,
    ...describeMetrics(summary.metrics as MetricsDocument | undefined),
    ...(summary.generated && summary.metrics ? [`  ${GENERATED_DATA_NOTE}`] : []),
  ];
};

/** A card source as the site's badge words it (web/src/reason.ts), for the console's `try user ids` line. */
const badgeOf = (source: string): string =>
  // A source newer than the site's wording (reasonFor has no case for it) is printed as it is.
  (reasonFor({ product_id: '0', score: 0, category_code: null, brand: null, price: null, source: source as RecommendationSource }) as Reason | undefined)?.badge ?? source;

/** One storefront event stamped `nowMs`, as a store's page would send it to `POST /events`. */
export const storefrontEvent = (nowMs: number, userId: string, productId: string) => ({
  event_time: new Date(Math.floor(nowMs / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
  event_type: 'view',
  product_id: productId,
  price: '1.00',
  user_id: userId,
  user_session: `try-${userId}`,
});

/** A complete, runnable `curl` posting one event with the store's write key. */
export const storefrontCurl = (url: string, collector: NonNullable<TwinSummary['collector']>, event: object): string =>
  `curl -H '${collector.header}: ${collector.writeKey}' -H 'content-type: application/json' -d '${JSON.stringify({ events: [event] })}' ${url}${collector.route}`;

/** Lines only a served run prints: where the site is, how to sign in, what to try. */
const servedLines = (summary: TwinSummary, url: string, nowMs: number): string[] => {
  const upload = summary.upload ?? summary.behaviour!.upload;
  const { users, sources, product } = summary.exampleUsers;
  const lines = [`  site: ${url}/`];
  if (summary.signIn) {
    lines.push(`  sign in as: ${summary.signIn.username}  password: ${summary.signIn.password}  (a fresh password each run)`);
    lines.push(`  API (needs the site's bearer token; who asked is logged in ${summary.signIn.accessLog}):`);
  }
  lines.push(`        ${url}${API_ROUTES.analytics.replace('{name}', 'summary')}`);
  for (const user of users) lines.push(`        ${url}${API_ROUTES.recommendations.replace('{userId}', user)}`);
  if (users.length) lines.push(`  try user ids: ${users.join(', ')} (their cards say: ${sources.map(badgeOf).join(', ')})`);
  const { collector } = summary;
  if (collector) {
    lines.push(`  storefront events (POST, no sign-in; store ${collector.store}'s write key, a fresh one each run), one view stamped now:`);
    lines.push(`        ${storefrontCurl(url, collector, storefrontEvent(nowMs, users[0] ?? '1', product ?? '1'))}`);
    const replayed = summary.behaviour?.csv ?? summary.csv;
    if (replayed) {
      lines.push(`  replay a CSV to the broker in event-time order (the Live page moves; --speed max sends at once):`);
      lines.push(`        npx tsx local/bin/recstream.ts replay ${replayed} --brokers ${collector.brokers} --speed 60`);
    }
  }
  lines.push(`  upload another CSV (ingested now; docs/user-guide.md#uploading-files):`);
  lines.push(`        aws s3 cp --endpoint-url ${upload.endpoint} FILE.csv.gz s3://${upload.bucket}/${UPLOADS_PREFIX}FILE.csv.gz`);
  return lines;
};

/** The end of a run: what each data product did, the stage times, and, when served, how to use it. */
export const summaryLines = (summary: TwinSummary, url?: string, nowMs = Date.now()): string[] => {
  const total = summary.timings.reduce((s, t) => s + t.ms, 0);
  return [
    '',
    '== recstream local twin: summary',
    ...purchasesLines(summary),
    ...(summary.behaviour ? behaviourSummaryLines(summary.behaviour) : []),
    `  time: ${formatSeconds(total)} (${summary.timings.map((t) => `${t.stage} ${formatSeconds(t.ms)}`).join(', ')})`,
    ...(url ? servedLines(summary, url, nowMs) : []),
  ];
};
