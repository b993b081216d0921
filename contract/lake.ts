/** Where every object lives: uploads, quarantine, raw, curated, serving and analytics. */

/**
 * Object layout. The raw bucket (and the local twin's lake folder) holds what
 * Firehose lands plus everything the Spark jobs write; keys are relative.
 */
export const LAKE = {
  /** Firehose prefix; the twin's sink appends the same `yyyy/MM/dd/HH/` folders. */
  rawPrefix: 'raw/purchases/',
  rawErrorPrefix: 'raw-errors/',
  /** Curated line items as Parquet, one folder per month partition (CURATED_PARTITION): clean rewrites only the months that changed. */
  curatedPrefix: 'curated/purchases/',
  cleanReportKey: 'reports/clean-report.json',
  /** Rows the clean job refuses, as JSON lines with their `reject_reason` (codes in rules.ts). */
  quarantinePrefix: 'quarantine/purchases/',
  /** What the recommend job writes; the three keys below sit under it (a test checks). */
  servingPrefix: 'serving/',
  recommendationsPrefix: 'serving/recommendations/',
  fallbackKey: 'serving/fallback.json',
  metricsKey: 'serving/metrics.json',
  /** The recommender's run history (contract/recommender.ts RecommenderHistory) and one record per run. */
  recommenderHistoryKey: 'serving/recommender/history.json',
  recommenderRunsPrefix: 'serving/recommender/runs/',
  /** Item-to-item lists in shards (contract/recommender.ts similarShardFor). */
  similarPrefix: 'serving/similar/',
  analyticsPrefix: 'analytics/',
  /**
   * What the nightly run keeps to process only new raw objects (emr-jobs/README.md "Incremental runs"):
   * the manifest of processed raw objects with their size and time, the completion records and the lines
   * landed per upload and month (so upload verdicts see the whole history); the accepted rows with their
   * origin (source, line) by month, to de-duplicate a changed month's old and new rows; rule 8's
   * (product, category, code, brand) combinations by month, to decide fills on the whole history; and
   * analyse's per-month partial aggregates. A `--full` run deletes all of it and rebuilds from raw.
   */
  purchasesManifestKey: 'state/purchases/manifest.json',
  /** Months clean rewrote whose recommendations and documents are not yet rebuilt: a failed night's are redone by the next. */
  pendingMonthsKey: 'state/purchases/pending-months.json',
  purchaseRowsPrefix: 'state/purchases/rows/',
  purchaseCombosPrefix: 'state/purchases/combos/',
  /** What a clean run writes before the manifest commits it (`<run id>/`), swapped into the tables after. */
  purchaseRunsPrefix: 'state/purchases/runs/',
  analyticsPartialsPrefix: 'state/purchases/analytics/',
} as const;

/**
 * The month partitioning of every month-partitioned folder above (curated line items, rows, combos, partial
 * aggregates): `<prefix><column>=<yyyy-MM>/`, or `<column>=undated/` for line items without a time
 * (1970-01-01 or missing). A Glue/Athena catalog projects the same column and format.
 */
export const CURATED_PARTITION = { column: 'month', format: 'yyyy-MM', undated: 'undated' } as const;

/** Upload suffixes the ingest trigger accepts. */
export const UPLOAD_SUFFIXES = ['.csv', '.csv.gz'] as const;

/** Rejected rows of an upload are kept beside it, with the run's report. */
export const quarantineKeyFor = (uploadKey: string): string => `${uploadKey}.rejected.jsonl`;
export const ingestReportKeyFor = (uploadKey: string): string => `${uploadKey}.report.json`;

/** Analytics documents the clean data produces and the dashboard draws. */
export const ANALYTICS_DOCUMENTS = [
  'summary',
  'monthly_sales',
  'top_customers',
  'top_categories',
  'top_brands',
  'hour_weekday',
  'purchase_frequency',
] as const;
export type AnalyticsDocument = (typeof ANALYTICS_DOCUMENTS)[number];
export const analyticsKeyFor = (doc: AnalyticsDocument): string => `${LAKE.analyticsPrefix}${doc}.json`;
