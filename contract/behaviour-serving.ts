/**
 * How the behaviour data product is served (issue 15): what the loader puts in the serving table
 * for a customer, the key rule that keeps those items apart from the recommendations, and what the
 * API's behaviour routes answer.
 */
import { SERVING_TABLE } from './serving';

/**
 * A customer's behaviour lives in the recommendations table (one lookup, milliseconds) under its own
 * key, `behaviour#<user id>`: a user id is digits only, so it can never collide with a recommendations
 * item, and the recommendations loader's full-item writes never overwrite it.
 */
export const BEHAVIOUR_SERVING = {
  keyPrefix: 'behaviour#',
  /** The loader's session metrics (over every session), one item under a key no user id can take. */
  sessionMetricsKey: 'behaviour#__session_metrics__',
  /** Sessions kept per customer, newest first. */
  recentSessions: 10,
  topCategories: SERVING_TABLE.topK,
} as const;

export const behaviourKeyFor = (userId: string): string => `${BEHAVIOUR_SERVING.keyPrefix}${userId}`;

/** One of a customer's top categories, as the categories job ranks them (`affinity` null: padded from the most popular). */
export interface CustomerCategory {
  category_id: string;
  category_code: string | null;
  affinity: number | null;
}

/** One session of a customer, from the sessions job's session table (times ISO-8601 UTC, money a decimal string). */
export interface CustomerSession {
  session_id: string;
  start: string;
  end: string;
  duration_seconds: number;
  events: number;
  views: number;
  carts: number;
  purchases: number;
  revenue: string;
}

/** The columns of `GET /users/{userId}/behaviour?format=csv`: one row per session, then one per category. */
export const CUSTOMER_SESSION_COLUMNS = ['session_id', 'start', 'end', 'duration_seconds', 'events', 'views', 'carts', 'purchases', 'revenue'] as const;

/** What `GET /users/{userId}/behaviour` answers (JSON). `known` false: no event of this customer in the data. */
export interface CustomerBehaviourResponse {
  user_id: string;
  known: boolean;
  top_categories: CustomerCategory[];
  recent_sessions: CustomerSession[];
  /** All sessions of the customer; `recent_sessions` holds the newest of them. */
  sessions_total: number;
}

/** Aggregates over every session of the session table, computed by the loader. */
export interface SessionMetrics {
  sessions: number;
  purchasing_sessions: number;
  duration_seconds: { median: number; p90: number; mean: number };
  events_per_session: { median: number; mean: number };
  /** Sessions by their number of events: `events` is the lower bound of the bucket (1, 2, 3-5, 6-10, 11+). */
  events_histogram: { events: string; sessions: number }[];
}

/** What `GET /behaviour/sessions` answers: the sessions job's report and the loader's metrics. */
export interface SessionMetricsResponse {
  report: Record<string, unknown>;
  metrics: SessionMetrics | null;
}

/**
 * What `GET /behaviour/intent` answers: the served run's record, the latest run's (served or not: the page says
 * why), every run of the history, the served abandonment run, and the top-categories evaluation.
 */
export interface IntentResponse {
  served_run: string | null;
  run: IntentRun | null;
  latest_run: IntentRun | null;
  served_abandonment_run: string | null;
  runs: IntentHistoryEntry[];
  categories: CategoriesMetrics | null;
}

/** One funnel row of `analytics/behaviour/funnel.json` (emr-jobs/behaviour_jobs/funnel.py); rates are 0-1, null when undefined. */
export interface FunnelRow {
  units: number;
  reached: { view: number; cart: number; purchase: number };
  conversion: { view_to_cart: number | null; cart_to_purchase: number | null; view_to_purchase: number | null };
  drop_off: { view_to_cart: number | null; cart_to_purchase: number | null; view_to_purchase: number | null };
  with_any_cart: number;
  with_any_purchase: number;
  cart_abandonment: number | null;
  median_seconds: { view_to_cart: number | null; cart_to_purchase: number | null };
  category_id?: string;
  category_code?: string | null;
  brand?: string;
  day?: string;
  hour?: number | string;
}

export interface FunnelLevel {
  overall: FunnelRow;
  by_category: FunnelRow[];
  by_brand: FunnelRow[];
  by_day: FunnelRow[];
  by_hour: FunnelRow[];
}

/** The funnel document for both unit kinds: sessions and users. */
export interface FunnelDocument {
  session: FunnelLevel;
  user: FunnelLevel;
  definition: string;
  groups_listed: string;
}

/** Test-window metrics of one classifier in an intent run record (emr-jobs/behaviour_jobs/intent_metrics.py). */
export interface IntentMetrics {
  rows: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  auc_roc: number;
  auc_pr: number;
  threshold?: number;
  /** Counts at the threshold; absent in runs recorded before the counts were kept. */
  confusion?: { tp: number; fp: number; fn: number; tn: number };
  positive_rate?: number;
}

/** A figure with its bootstrap interval (`level`, e.g. 0.95, over `resampled` sessions or users). */
export interface FigureWithInterval {
  name: string;
  auc_pr?: number;
  recall_at_3?: number;
  interval: [number, number];
}

/**
 * How a model did on its test window against its baselines (emr-jobs/behaviour_jobs/intent.py `quality`,
 * categories.py `judged`): skill = the paired difference to the best baseline has an interval above 0.
 */
export interface ModelQuality {
  metric: 'auc_pr' | 'recall_at_3';
  resamples: number;
  level: number;
  resampled: string;
  users?: number;
  model: FigureWithInterval & { weights?: number[] };
  baselines: FigureWithInterval[];
  best_baseline: string;
  difference: { value: number; interval: [number, number] };
  skill: boolean;
  /** Intent and abandonment: the other fitted families' test AUC-PR with their intervals (not baselines). */
  families?: FigureWithInterval[];
}

/** Sessions and buying sessions of each time window of a task (earliest 70 % train, 15 % validate, last 15 % test). */
export interface TaskWindow {
  sessions: number;
  buyers: number;
  by_split: Record<'train' | 'validation' | 'test', { sessions: number; buyers: number }>;
  split: string;
  first_session_start?: string;
  validation_start?: string;
  test_start?: string;
  last_session_start?: string;
}

/** One task of a run (intent at the top level; `abandonment`, `abandonment_24h` inside it). Untrained: `reason` says why. */
export interface TaskRecord {
  task: 'intent' | 'abandonment' | 'abandonment_24h';
  trained: boolean;
  features: string[];
  data_window: TaskWindow;
  /** Served tasks only: whether this run's model is served, and why (or why not). */
  promoted?: boolean;
  reason?: string | null;
  family?: string;
  params?: Record<string, unknown>;
  threshold?: number;
  feature_importances?: { kind: 'impurity_importance' | 'absolute_coefficient'; by_feature: { feature: string; value: number }[] };
  test?: { chosen: IntentMetrics; by_family: Record<string, IntentMetrics>; majority_baseline: IntentMetrics };
  quality?: ModelQuality;
}

/** `models/intent/<run id>/run.json`: the intent task at the top level, the abandonment tasks beside it. */
export interface IntentRun extends TaskRecord {
  run_id: string;
  created: string;
  code_version: string;
  abandonment?: TaskRecord;
  abandonment_24h?: TaskRecord;
}

/** `serving/top-categories-metrics.json` (emr-jobs/behaviour_jobs/categories.py), the parts the page shows. */
export interface CategoriesMetrics {
  k: number;
  split_rule?: string;
  split: Record<string, { cut: string | null; until: string | null }>;
  quality?: ModelQuality | { enough: false; reason: string };
  served?: { weights: number[]; own_most_viewed: boolean; reason: string };
  served_users: number;
}

/** One entry of `models/intent/history.json`'s runs. */
export interface IntentHistoryEntry {
  run_id: string;
  created: string;
  code_version: string;
  /** Null when the run could not train (too little data: `reason` says so). */
  family: string | null;
  params: Record<string, unknown> | null;
  promoted: boolean;
  reason: string | null;
  test_auc_pr: number | null;
  skill?: boolean | null;
  abandonment?: { family: string | null; promoted: boolean; reason: string | null; test_auc_pr: number | null; skill: boolean | null };
}
