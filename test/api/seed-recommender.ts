/**
 * The recommend job's model card, run history and item-to-item shards as a seed lake holds them (shapes in
 * contract/recommender.ts): three runs (a hand-written policy served by a run older than the latest-months split,
 * then the ranker promoted, then a night keeping that evaluation) and the lists
 * of the products the seed users' cards show, so the API, the site and their tests read the job's layout.
 */
import {
  LAKE,
  similarShardFor,
  type Estimate,
  type ModelScore,
  type ProductSimilar,
  type RecommenderHistory,
  type RecommenderModel,
  type RecommenderRun,
} from '../../contract';

const estimate = (mean: number, half: number): Estimate => ({ mean, low: +(mean - half).toFixed(4), high: +(mean + half).toFixed(4) });
const score = (users: number, recall: number, ndcg: number): ModelScore => ({ users, recall: estimate(recall, 0.006), ndcg: estimate(ndcg, 0.005) });

const SCORES: Record<RecommenderModel, [number, number]> = {
  ranker: [0.0712, 0.0655],
  repeat: [0.0561, 0.0532],
  repeat_then_als: [0.0598, 0.0561],
  repeat_then_category: [0.0602, 0.0559],
  popular: [0.0124, 0.0101],
};
const scores = (users: number, shift = 0) =>
  Object.fromEntries(Object.entries(SCORES).map(([m, [r, n]]) => [m, score(users, +(r + shift).toFixed(4), +(n + shift).toFixed(4))])) as Record<RecommenderModel, ModelScore>;
const window = (start: string, end: string, users: number, shift: number) => ({ start, end, users, models: scores(users, shift) });

/** The ranker's paired NDCG@3 differences: every interval above 0 (wins) but the one noted. */
const rankerVs = (): RecommenderRun['ranker_vs'] =>
  (['repeat', 'repeat_then_als', 'repeat_then_category', 'popular'] as const).map((rival) => {
    const difference = +(SCORES.ranker[1] - SCORES[rival][1]).toFixed(4);
    return { rival, ndcg_difference: estimate(difference, 0.0031), wins: difference - 0.0031 > 0 };
  });

const RULE =
  'A challenger replaces the served model only when its mean NDCG@3 over the rolling windows beats the served one by more than the 95 % bootstrap interval of the paired difference (the whole interval above 0).';

const RANKER: NonNullable<RecommenderRun['ranker']> = {
  family: 'gbt',
  params: { maxDepth: 4, maxIter: 40, stepSize: 0.1 },
  features: ['times_bought', 'days_since_bought', 'als_score', 'als_rank', 'copurchase_score', 'category_affinity', 'popularity', 'trend', 'price_band'],
  train_rows: 48210,
  fit_seconds: 9.7,
  coefficients: [0.91, -0.42, 0.37, -0.18, 0.55, 0.29, 0.12, 0.08, -0.05],
  intercept: -4.2,
};
const SETTINGS = { rank: 48, reg_param: 0.5, alpha: 40, max_iter: 5, holdout_days: 30, validation_days: 30, latest_months_days: 90, selection_windows: 4, seed: 42 };
const judgedHere = (run_id: string, data_last: string, reason: string): NonNullable<RecommenderRun['evaluation']> => ({ run_id, data_last, fresh: true, reason, settings: SETTINGS });

export const SEED_RECOMMENDER_RUNS: RecommenderRun[] = [
  {
    run_id: '20200801T030000Z-5e1f0a',
    created: '2020-08-01T03:04:11Z',
    code_version: '934c3f0',
    data_span: { first: '2020-01-05', last: '2020-07-30', customers: 8114, line_items: 21873 },
    served: { model: 'repeat_then_category', reason: 'Pinned by the operator (recommender.pin).', pinned: true },
    evaluation: judgedHere('20200801T030000Z-5e1f0a', '2020-07-30T21:14:02Z', 'Judged tonight: the first run.'),
    rule: RULE,
    windows: [window('2020-05-01', '2020-05-31', 412, -0.004), window('2020-05-31', '2020-06-30', 455, -0.002)],
    window_mean: scores(867, -0.003),
    holdout: {
      ...window('2020-06-30', '2020-07-30', 498, -0.001),
      ranker_vs: rankerVs(),
      by_source: { repeat: { served: 720, hits: 31 }, category: { served: 510, hits: 9 }, popular: { served: 264, hits: 2 } },
    },
    ranker_vs: rankerVs(),
    als: { rank: 48, reg_param: 0.5, alpha: 40, max_iter: 5, fit_seconds: [6.1, 5.8, 6.3] },
    ranker: { ...RANKER, train_rows: 47122, fit_seconds: 9.4 },
    serving: { users: 8114, cards_by_source: { repeat: 11012, category: 9870, popular: 3460 }, users_with_collaborative: 0 },
    seconds: 61.2,
  },
  {
    run_id: '20200802T030000Z-a41c07',
    created: '2020-08-02T03:05:02Z',
    code_version: '14dc7ca',
    data_span: { first: '2020-01-05', last: '2020-07-31', customers: 8160, line_items: 22015 },
    served: {
      model: 'ranker',
      reason:
        'The learned ranker serves: its NDCG@3 on the mean of the rolling windows beats repeat, repeat then ALS, repeat then category and popular, each by more than the 95 % interval of the paired difference.',
      pinned: false,
    },
    evaluation: judgedHere('20200802T030000Z-a41c07', '2020-07-31T19:40:55Z', 'Judged tonight: the pin changed (none, was repeat_then_category).'),
    rule: RULE,
    windows: [window('2020-05-02', '2020-06-01', 420, -0.003), window('2020-06-01', '2020-07-01', 461, -0.001)],
    window_mean: scores(881, -0.002),
    holdout: {
      ...window('2020-07-01', '2020-07-31', 503, 0),
      ranker_vs: rankerVs(),
      by_source: { repeat: { served: 640, hits: 30 }, copurchase: { served: 212, hits: 6 }, als: { served: 318, hits: 7 }, category: { served: 220, hits: 3 }, popular: { served: 119, hits: 1 } },
    },
    latest_months: {
      ...window('2020-05-02', '2020-07-31', 1204, -0.012),
      ranker_vs: rankerVs(),
      by_source: { repeat: { served: 1830, hits: 58 }, copurchase: { served: 402, hits: 9 }, als: { served: 921, hits: 11 }, category: { served: 311, hits: 2 }, popular: { served: 148, hits: 1 } },
    },
    ranker_vs: rankerVs(),
    als: { rank: 48, reg_param: 0.5, alpha: 40, max_iter: 5, fit_seconds: [6.2, 5.9, 6.4] },
    ranker: RANKER,
    serving: { users: 8160, cards_by_source: { repeat: 9411, copurchase: 4120, als: 5873, category: 3102, popular: 1974 }, users_with_collaborative: 5402 },
    seconds: 88.4,
  },
];
// A night that kept the second run's evaluation (contract Evaluation): the same figures and choice, a new ALS fit.
SEED_RECOMMENDER_RUNS.push({
  ...SEED_RECOMMENDER_RUNS[1],
  run_id: '20200803T030000Z-c90b12',
  created: '2020-08-03T03:02:10Z',
  evaluation: {
    ...SEED_RECOMMENDER_RUNS[1].evaluation!,
    fresh: false,
    reason: "Kept run 20200802T030000Z-a41c07's evaluation, judged on purchases up to 2020-07-31: tonight's reach 0 days past them (at most 7 before the models are judged again).",
  },
  als: { rank: 48, reg_param: 0.5, alpha: 40, max_iter: 5, fit_seconds: [6.3] },
  seconds: 31.6,
});

export const SEED_RECOMMENDER_HISTORY: RecommenderHistory = {
  runs: SEED_RECOMMENDER_RUNS.map((r) => ({
    run_id: r.run_id,
    created: r.created,
    code_version: r.code_version,
    served: r.served,
    evaluation: { run_id: r.evaluation!.run_id, data_last: r.evaluation!.data_last, fresh: r.evaluation!.fresh, reason: r.evaluation!.reason },
    holdout_ndcg: Object.fromEntries(Object.entries(r.holdout.models).map(([m, s]) => [m, s!.ndcg.mean])),
    users: r.holdout.users,
  })),
};

/** Item-to-item lists of products on the seed users' cards: bought together first, then also bought. */
export const SEED_SIMILAR: ProductSimilar[] = [
  {
    product_id: '1515966223509089906',
    category_code: 'electronics.smartphone',
    brand: 'samsung',
    price: '162.01',
    similar: [
      { product_id: '1515966223509089282', category_code: 'appliances.kitchen.kettle', brand: 'tefal', price: '25.44', relation: 'bought_together', count: 4 },
      { product_id: '1515966223509106786', category_code: 'electronics.audio.headphone', brand: 'sony', price: '37.01', relation: 'also_bought', count: 7 },
      { product_id: '1515966223509088567', category_code: 'appliances.kitchen.refrigerators', brand: 'lg', price: '694.42', relation: 'also_bought', count: 1 },
    ],
  },
  {
    product_id: '1515966223509104892',
    category_code: 'stationery.cartrige',
    brand: 'canon',
    price: '27.75',
    similar: [{ product_id: '2273948184839454837', category_code: 'computers.notebook', brand: 'lenovo', price: '512.48', relation: 'bought_together', count: 1 }],
  },
];

/** A product whose shard exists (it shares the last two digits of SEED_SIMILAR[0]) but that has no list. */
export const PRODUCT_WITHOUT_LIST = '1515966223509089806';

/** Every object of the recommender's seed, by lake key. */
export const recommenderSeedObjects = (): Record<string, unknown> => {
  const shards: Record<string, Record<string, ProductSimilar>> = {};
  for (const list of SEED_SIMILAR) (shards[similarShardFor(list.product_id)] ??= {})[list.product_id] = list;
  return {
    [LAKE.recommenderHistoryKey]: SEED_RECOMMENDER_HISTORY,
    ...Object.fromEntries(SEED_RECOMMENDER_RUNS.map((r) => [`${LAKE.recommenderRunsPrefix}${r.run_id}.json`, r])),
    ...Object.fromEntries(Object.entries(shards).map(([shard, lists]) => [`${LAKE.similarPrefix}${shard}.json`, lists])),
  };
};
