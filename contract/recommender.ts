/**
 * The recommender's model card, run history and item-to-item lists: what the recommend job writes under
 * `serving/` (lake.ts keys) and what `GET /model/recommendations` and `GET /products/{productId}/similar`
 * answer. The per-customer list is serving.ts's UserRecommendations.
 */

/** The candidate generators (emr-jobs/recstream_jobs/recommend/generators.py), one per source a card can carry. */
export const RECOMMENDER_GENERATORS = ['repeat', 'copurchase', 'als', 'category', 'popular'] as const;
export type RecommenderGenerator = (typeof RECOMMENDER_GENERATORS)[number];

/**
 * What can be served: the learned ranker over every generator's candidates, or one hand-written policy
 * (the baselines it must beat). An operator may pin one (`--pin` in the twin, `recommender.pin` in CDK context).
 */
export const RECOMMENDER_MODELS = ['ranker', 'repeat', 'repeat_then_als', 'repeat_then_category', 'popular'] as const;
export type RecommenderModel = (typeof RECOMMENDER_MODELS)[number];

/** A mean over customers with its 95 % bootstrap interval (resampling customers). */
export interface Estimate {
  mean: number;
  low: number;
  high: number;
}

/** One model's quality on one period: recall@3 and NDCG@3 over the customers who bought both before and in it. */
export interface ModelScore {
  users: number;
  recall: Estimate;
  ndcg: Estimate;
}

/** A paired comparison: the challenger's NDCG@3 minus the rival's, per customer, with its bootstrap interval. */
export interface PairedDifference {
  rival: RecommenderModel;
  ndcg_difference: Estimate;
  /** True when the whole interval lies above 0 (the promotion rule). */
  wins: boolean;
}

/** Per generator on the holdout: cards served and how many of them the customer then bought. */
export interface SourceCount {
  served: number;
  hits: number;
}

export interface EvaluationPeriod {
  start: string;
  end: string;
  users: number;
  models: Partial<Record<RecommenderModel, ModelScore>>;
}

/** A period no model saw: every model's score, the ranker against each rival, and the served model's cards by source. */
export type UnseenSplit = EvaluationPeriod & { ranker_vs: PairedDifference[]; by_source: Partial<Record<RecommenderGenerator, SourceCount>> };

/** Which run's evaluation a run serves with, and why it judged again or kept it. */
export interface Evaluation {
  run_id: string;
  /** The last dated purchase the judging run saw. */
  data_last: string | null;
  fresh: boolean;
  reason: string;
  /** The options the judgment rests on (ALS, time split, seed): a run with other settings judges again. */
  settings: Record<string, number>;
}

/** One run of the recommend job: `serving/recommender/runs/<run_id>.json`. */
export interface RecommenderRun {
  run_id: string;
  created: string;
  /** RECSTREAM_CODE_VERSION (a git commit) or a hash of the job's source. */
  code_version: string;
  /** The purchases the run saw: dated line items of known customers. */
  data_span: { first: string | null; last: string | null; customers: number; line_items: number };
  /** What this run serves and why, in one sentence that is true of the numbers below. */
  served: { model: RecommenderModel; reason: string; pinned: boolean };
  /**
   * Which run judged the models whose figures this record carries: this one (`fresh`), or an earlier one whose
   * evaluation, choice and ranker this run kept (AlsSettings.evaluateEveryDays); `reason` says why, true of the data.
   * Absent in runs older than it (each judged itself).
   */
  evaluation?: Evaluation;
  /** The promotion rule, stated once, as applied. */
  rule: string;
  /** Rolling windows (the ranker of each window is trained only on earlier windows) and their mean. */
  windows: EvaluationPeriod[];
  window_mean: Partial<Record<RecommenderModel, ModelScore>>;
  /** The latest period of the data, never used to train or choose. */
  holdout: UnseenSplit;
  /**
   * The latest months (AlsSettings.latestMonthsDays): every model trained on what was bought before them (the ranker
   * on the windows before them) and judged on what customers bought in them, as a store meets the months after a run.
   * It overlaps the holdout and the last windows; reported, never used to choose. Absent in runs older than it.
   */
  latest_months?: UnseenSplit;
  /** The ranker against each rival on the rolling windows (customers of every window pooled). */
  ranker_vs: PairedDifference[];
  als: { rank: number; reg_param: number; alpha: number; max_iter: number; fit_seconds: number[] };
  /** The served ranker: its coefficients over `features` and intercept, which a run keeping this evaluation scores with. */
  ranker: {
    family: string;
    params: Record<string, number | string>;
    features: string[];
    train_rows: number;
    fit_seconds: number;
    coefficients: number[];
    intercept: number;
  } | null;
  /** Served lists: customers, cards per generator, customers with at least one collaborative card (als or copurchase). */
  serving: { users: number; cards_by_source: Partial<Record<RecommenderGenerator | 'fallback', number>>; users_with_collaborative: number };
  seconds: number;
}

/** `serving/recommender/history.json`: every run, newest last. */
export interface RecommenderHistory {
  runs: Array<
    Pick<RecommenderRun, 'run_id' | 'created' | 'code_version' | 'served'> & {
      evaluation?: Omit<Evaluation, 'settings'>;
      holdout_ndcg: Partial<Record<RecommenderModel, number>>;
      users: number;
    }
  >;
}

/** What `GET /model/recommendations` answers: the latest run in full and the history. */
export interface RecommenderModelResponse {
  latest: RecommenderRun;
  history: RecommenderHistory['runs'];
}

/** How two products are related in the item-to-item lists. */
export type SimilarRelation = 'bought_together' | 'also_bought';

export interface SimilarProduct {
  product_id: string;
  category_code: string | null;
  brand: string | null;
  price: string | null;
  relation: SimilarRelation;
  /** bought_together: orders holding both products; also_bought: customers who bought both. */
  count: number;
}

/** One product's item-to-item list: bought together first, then customers who bought this also bought. */
export interface ProductSimilar {
  product_id: string;
  category_code: string | null;
  brand: string | null;
  price: string | null;
  similar: SimilarProduct[];
}

/** Similar products per product, at most this many. */
export const SIMILAR_PER_PRODUCT = 10;

/**
 * Item-to-item lists are written in 100 shards (`serving/similar/<shard>.json`, each a JSON object
 * product_id -> ProductSimilar), so the API reads one small object per lookup: the shard is the id's
 * last two digits (ids are decimal strings, possibly beyond 2^53).
 */
export const similarShardFor = (productId: string): string => productId.slice(-2).padStart(2, '0');

/** What the API answers (and the website shows) for a product id that is not a decimal id (rules.ts ID_PATTERN). */
export const PRODUCT_ID_RULE = 'A product id is 1 to 20 digits, e.g. 1515966223509089906.';
