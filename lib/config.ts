/**
 * Every deploy-time setting of the platform, in one typed object with sane
 * defaults. Override any part with cdk context, e.g.
 *
 *   npx cdk deploy -c recstream='{"emr":{"coreInstanceCount":4},"removal":"retain"}'
 *
 * or a `"recstream": {...}` object in cdk.json / ~/.cdk.json. Shared facts
 * (topic, Firehose buffer, key layout, ALS defaults) come from contract/. The
 * Firehose buffer is not settable at all: the twin's sink flushes at the same
 * size and the READMEs' object counts and latencies assume it, so a deploy that
 * differed would no longer be the platform those describe (contract/streaming.ts).
 */
import { ALS_DEFAULTS, RECOMMENDER_MODELS, type AlsSettings, type RecommenderModel } from '../contract';

export interface EmrConfig {
  /**
   * EMR 7.x release. emr-7.10.0 ships Spark 3.5.5-amzn-1 (the local twin runs
   * PySpark 3.5): https://docs.aws.amazon.com/emr/latest/ReleaseGuide/Spark-release-history.html
   */
  releaseLabel: string;
  primaryInstanceType: string;
  coreInstanceType: string;
  coreInstanceCount: number;
  /** EMR's own safety net: an idle cluster terminates itself even if the state machine was stopped. */
  idleTimeoutMinutes: number;
  /** A Spark step running longer than this fails, which terminates the cluster. */
  stepTimeoutMinutes: number;
  /**
   * Interpreter for PySpark. Unset keeps the release's default python3 (3.9 on
   * EMR 7, which has the numpy pyspark.ml needs); set e.g. `/usr/bin/python3.11`.
   */
  pysparkPython?: string;
}

/** Sign-in for the store's analysts (issue 7). */
export interface AuthConfig {
  /** `REQUIRED` (TOTP app) by default; `OPTIONAL` lets each analyst choose; `OFF` disables it. */
  mfa: 'REQUIRED' | 'OPTIONAL' | 'OFF';
  /** Hosted sign-in domain prefix (`<prefix>.auth.<region>.amazoncognito.com`); default `<name>-<account id>`. */
  domainPrefix: string | null;
  /** WAF rate-based rule on CloudFront: requests per client IP per 5 minutes before it is blocked. */
  requestsPer5MinutesPerIp: number;
}

/** The real-time path (issue 16): the streaming job on EMR Serverless, the collector route, their monitoring. */
export interface RealtimeConfig {
  /** Off by default: the streaming job runs around the clock (see README, cost) and needs the Kafka jars below. */
  enabled: boolean;
  /**
   * The EMR Serverless release of the streaming application, its own setting so that moving the batch
   * cluster's `emr.releaseLabel` never touches the running job. STREAMING job runs need 7.1+. A change
   * replaces the application (lib/realtime.ts): the job is cancelled, the old application stopped, the job
   * started on the new one. emr-7.10.0 ships Spark 3.5.5: https://docs.aws.amazon.com/emr/latest/EMR-Serverless-UserGuide/release-version-7100.html
   */
  releaseLabel: string;
  /**
   * Folder of the jars the job adds with `spark.jars`, relative to the repo root or absolute: Spark's Kafka
   * source (local/realtime/pom.xml resolves it into local/realtime/target/lib) and `aws-msk-iam-auth` (its
   * shaded `-all` jar), which the EMR Serverless image does not ship. Each `*.jar` becomes one asset.
   * `local/setup.sh` fills the default, `local/realtime/target/emr-lib` (local/realtime/pom.xml, profile `aws`).
   */
  jarsDir: string;
  /**
   * A packed Python environment (`venv-pack -o env.tar.gz`, built for Amazon Linux 2023 on ARM64 with the
   * image's Python) shipped with `spark.archives` and used as the job's interpreter; `null` keeps the image's
   * Python, enough when the job imports nothing beyond PySpark at load time (local/realtime/README.md).
   */
  pythonArchive: string | null;
  /** Upper bound of the application's capacity: what a runaway job can cost. */
  maximumCapacity: { cpu: string; memory: string };
  /**
   * Per-store write keys of `POST /events`, as `{ "<store id>": "<hex SHA-256 of the key>" }`. Only hashes:
   * `printf %s "$KEY" | sha256sum`. Empty: the route answers 403 to every key.
   */
  collectorWriteKeyHashes: Record<string, string>;
  /**
   * Instead of `collectorWriteKeyHashes`: the name of an SSM String parameter holding the same JSON, which
   * CloudFormation reads at deploy time, so no hash is in the context or the template
   * (`aws ssm put-parameter --type String --name <name> --value '{"<store>":"<hex SHA-256>"}'` first).
   * The stores then come from `collectorStores`.
   */
  collectorWriteKeyHashesParameter: string | null;
  /** Stores that get an API key and usage plan besides those `collectorWriteKeyHashes` names. */
  collectorStores: string[];
  /**
   * `POST /events` limits (lib/collector-api.ts): each store's usage plan (requests per second, burst, requests per
   * day), and the WAF rate-based rule per client IP (requests per 5 minutes).
   */
  collector: { rateLimit: number; burstLimit: number; requestsPerDay: number; requestsPer5MinutesPerIp: number };
}

export interface RecstreamConfig {
  /** Prefix of every physical name the stack sets (cluster, stream, state machine). */
  name: string;
  /** `destroy`: `cdk destroy` empties and deletes every bucket and table (dev). `retain`: data outlives the stack. */
  removal: 'destroy' | 'retain';
  logRetentionDays: number;
  producer: { memoryMiB: number };
  emr: EmrConfig;
  /** Passed to `main.py recommend` (emr-jobs/recstream_jobs/recommend/); defaults: ALS_DEFAULTS in contract/pipeline.ts. */
  als: AlsSettings;
  /**
   * Issue 21: `pin` serves one model (RECOMMENDER_MODELS: the ranker or a baseline policy) whatever the promotion
   * rule would choose, passed to the recommend step as `--pin`; null (the default) lets the rule choose.
   */
  recommender: { pin: RecommenderModel | null };
  /** EventBridge schedule expression for the Spark pipeline, or `null` for on-demand only. */
  schedule: string | null;
  api: { rateLimit: number; burstLimit: number };
  /** Built site, relative to the repo root or absolute; `cdk synth` builds it there when missing (and the default `web/dist` when stale). */
  webDist: string;
  /** Subscribed to the pipeline-failure topic when set. */
  alarmEmail: string | null;
  auth: AuthConfig;
  realtime: RealtimeConfig;
}

export const DEFAULT_CONFIG: RecstreamConfig = {
  name: 'recstream',
  removal: 'destroy',
  logRetentionDays: 30,
  // Lambda gives 1,769 MB one full vCPU, the share ingest's throughput and largest-file figures are measured on (lambdas/ingest/README.md).
  producer: { memoryMiB: 1769 },
  emr: {
    releaseLabel: 'emr-7.10.0',
    primaryInstanceType: 'm5.xlarge',
    coreInstanceType: 'm5.xlarge',
    coreInstanceCount: 2,
    idleTimeoutMinutes: 60,
    stepTimeoutMinutes: 90,
  },
  als: { ...ALS_DEFAULTS },
  recommender: { pin: null },
  schedule: 'cron(0 3 * * ? *)',
  api: { rateLimit: 50, burstLimit: 100 },
  webDist: 'web/dist',
  alarmEmail: null,
  auth: { mfa: 'REQUIRED', domainPrefix: null, requestsPer5MinutesPerIp: 1000 },
  realtime: {
    enabled: false,
    releaseLabel: 'emr-7.10.0',
    jarsDir: 'local/realtime/target/emr-lib',
    pythonArchive: null,
    maximumCapacity: { cpu: '8 vCPU', memory: '32 GB' },
    collectorWriteKeyHashes: {},
    collectorWriteKeyHashesParameter: null,
    collectorStores: [],
    collector: { rateLimit: 20, burstLimit: 40, requestsPerDay: 500_000, requestsPer5MinutesPerIp: 3000 },
  },
};

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object | null ? DeepPartial<T[K]> | T[K] : T[K] };

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Overrides replace leaves; nested objects merge; unknown keys are an error (typos must not pass silently). */
function merge<T>(base: T, override: unknown, path: string): T {
  if (!isPlainObject(override)) {
    if (isPlainObject(base)) throw new Error(`recstream config: ${path} must be an object`);
    return override as T;
  }
  if (!isPlainObject(base)) {
    throw new Error(`recstream config: ${path} must not be an object`);
  }
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const keyPath = path ? `${path}.${key}` : key;
    // Optional leaves, and the write keys' store ids, which no default can list.
    if (!(key in base) && !(path === 'emr' && key === 'pysparkPython') && path !== 'realtime.collectorWriteKeyHashes') {
      throw new Error(`recstream config: unknown setting "${keyPath}"`);
    }
    out[key] = key in base ? merge((base as Record<string, unknown>)[key], value, keyPath) : value;
  }
  return out as T;
}

const positiveInt = (value: number, what: string): void => {
  if (!Number.isInteger(value) || value < 1) throw new Error(`recstream config: ${what} must be a positive integer, got ${value}`);
};

/** Checks what CloudFormation would otherwise reject only at deploy time. */
export function validateConfig(config: RecstreamConfig): RecstreamConfig {
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(config.name)) {
    throw new Error(`recstream config: name must be lowercase letters, digits and dashes (max 20), got "${config.name}"`);
  }
  if (config.removal !== 'destroy' && config.removal !== 'retain') {
    throw new Error(`recstream config: removal must be "destroy" or "retain", got "${config.removal}"`);
  }
  if (!/^emr-7\.\d+\.\d+$/.test(config.emr.releaseLabel)) {
    throw new Error(`recstream config: emr.releaseLabel must be an EMR 7.x release (Spark 3.5), got "${config.emr.releaseLabel}"`);
  }
  positiveInt(config.emr.coreInstanceCount, 'emr.coreInstanceCount');
  positiveInt(config.emr.idleTimeoutMinutes, 'emr.idleTimeoutMinutes');
  positiveInt(config.emr.stepTimeoutMinutes, 'emr.stepTimeoutMinutes');
  positiveInt(config.logRetentionDays, 'logRetentionDays');
  for (const key of ['rank', 'maxIter', 'holdoutDays', 'validationDays', 'latestMonthsDays'] as const) positiveInt(config.als[key], `als.${key}`);
  const every = config.als.evaluateEveryDays;
  if (!Number.isInteger(every) || every < 0) throw new Error(`recstream config: als.evaluateEveryDays must be a whole number of days >= 0 (0 judges every run), got ${JSON.stringify(every)}`);
  const pin = config.recommender.pin;
  if (pin !== null && !RECOMMENDER_MODELS.includes(pin)) throw new Error(`recstream config: recommender.pin must be null or one of ${RECOMMENDER_MODELS.join(', ')}, got ${JSON.stringify(pin)}`);
  positiveInt(config.api.rateLimit, 'api.rateLimit');
  positiveInt(config.api.burstLimit, 'api.burstLimit');
  if (!['REQUIRED', 'OPTIONAL', 'OFF'].includes(config.auth.mfa)) throw new Error(`recstream config: auth.mfa must be REQUIRED, OPTIONAL or OFF, got "${config.auth.mfa}"`);
  // WAF's rate-based limit range: https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based-high-level-settings.html
  const rate = config.auth.requestsPer5MinutesPerIp;
  if (!Number.isInteger(rate) || rate < 10 || rate > 2_000_000_000) throw new Error(`recstream config: auth.requestsPer5MinutesPerIp must be 10-2e9, got ${rate}`);
  if (config.auth.domainPrefix !== null && !/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(config.auth.domainPrefix)) {
    throw new Error(`recstream config: auth.domainPrefix must be lowercase letters, digits and dashes, got "${config.auth.domainPrefix}"`);
  }
  if (config.producer.memoryMiB < 128 || config.producer.memoryMiB > 10240) {
    throw new Error(`recstream config: producer.memoryMiB must be 128-10240, got ${config.producer.memoryMiB}`);
  }
  const streaming = /^emr-7\.(\d+)\.\d+$/.exec(config.realtime.releaseLabel);
  if (!streaming || Number(streaming[1]) < 1) {
    throw new Error(`recstream config: realtime.releaseLabel must be emr-7.1.0 or later (STREAMING job runs), got "${config.realtime.releaseLabel}"`);
  }
  positiveInt(config.realtime.collector.rateLimit, 'realtime.collector.rateLimit');
  positiveInt(config.realtime.collector.requestsPerDay, 'realtime.collector.requestsPerDay');
  const perIp = config.realtime.collector.requestsPer5MinutesPerIp;
  if (!Number.isInteger(perIp) || perIp < 10 || perIp > 2_000_000_000) throw new Error(`recstream config: realtime.collector.requestsPer5MinutesPerIp must be 10-2e9, got ${perIp}`);
  positiveInt(config.realtime.collector.burstLimit, 'realtime.collector.burstLimit');
  const parameter = config.realtime.collectorWriteKeyHashesParameter;
  if (parameter !== null && !/^\/[A-Za-z0-9_.\-/]{1,1010}$/.test(parameter)) throw new Error(`recstream config: realtime.collectorWriteKeyHashesParameter must be an SSM parameter name starting with /, got "${parameter}"`);
  if (parameter !== null && Object.keys(config.realtime.collectorWriteKeyHashes).length > 0) {
    throw new Error('recstream config: realtime.collectorWriteKeyHashes and realtime.collectorWriteKeyHashesParameter both set: keep the hashes in one place (name the stores in realtime.collectorStores)');
  }
  for (const store of config.realtime.collectorStores) {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(store)) throw new Error(`recstream config: realtime.collectorStores: "${store}" must be 1-64 letters, digits, _ . or -`);
  }
  for (const [store, hash] of Object.entries(config.realtime.collectorWriteKeyHashes)) {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error(`recstream config: realtime.collectorWriteKeyHashes.${store} must be a lowercase hex SHA-256 (64 characters), not a key`);
  }
  return config;
}

/** The config for a deployment: defaults, then the `recstream` context value (an object or its JSON text). */
export function resolveConfig(context: unknown): RecstreamConfig {
  const override: unknown = typeof context === 'string' ? JSON.parse(context) : context;
  if (override !== undefined && !isPlainObject(override)) throw new Error('recstream config: context "recstream" must be an object');
  return validateConfig(merge(DEFAULT_CONFIG, (override ?? {}) as DeepPartial<RecstreamConfig>, ''));
}

/** The one context key every setting goes in. */
export const CONTEXT_KEY = 'recstream';

/** Keys the CDK CLI and aws-cdk-lib set themselves: feature flags (`@aws-cdk/...`), `aws:cdk:*`, lookups (`<kind>:account=...`). */
const isCdkContextKey = (key: string): boolean => key.startsWith('@') || key.includes(':') || key === 'acknowledged-issue-numbers';

/** `-c realtime.enabled=true` as the one way to say it: `{"realtime":{"enabled":true}}`. */
function asRecstreamValue(key: string, value: unknown): string {
  let leaf: unknown = value;
  try {
    leaf = typeof value === 'string' ? JSON.parse(value) : value;
  } catch {
    // A bare word stays a string.
  }
  const path = key.replace(new RegExp(`^${CONTEXT_KEY}\\.`), '').split('.');
  return JSON.stringify(path.reduceRight<unknown>((inner, name) => ({ [name]: inner }), leaf));
}

/**
 * Refuses any context key but `recstream` and CDK's own: `-c realtime.enabled=true` would otherwise be ignored
 * without a word, and the deployment would silently lack what was asked for.
 */
export function refuseUnknownContextKeys(context: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(context)) {
    if (key === CONTEXT_KEY || isCdkContextKey(key)) continue;
    throw new Error(`recstream config: unknown context key "${key}": every setting goes in the one key "${CONTEXT_KEY}", e.g. -c ${CONTEXT_KEY}='${asRecstreamValue(key, value)}'`);
  }
}
