/** The Spark pipeline's step plan, shared by the CDK state machine, the local twin and the jobs' tests. */
import { BEHAVIOUR_LAKE } from './behaviour-event';
import type { RecommenderModel } from './recommender';

/** The jobs of emr-jobs/main.py the pipeline runs, in the order sparkSteps() gives them. */
/**
 * The Python packages the steps import, shipped together as the jobs zip on EMR (`--py-files`):
 * one per data product, so the zip and main.py's imports cannot drift apart.
 */
export const SPARK_PACKAGES = ['recstream_jobs', 'behaviour_jobs', 'realtime_jobs'] as const;

/** `pipeline` = clean, recommend and analyse in one application (the step plan); the others run one part. */
export type SparkJob = 'pipeline' | 'clean' | 'recommend' | 'analyse';

/** Settings of the recommend step: its ALS generator and the time split that judges every model. */
export interface AlsSettings {
  rank: number;
  regParam: number;
  alpha: number;
  maxIter: number;
  /** Last days held out for the reported metrics. */
  holdoutDays: number;
  /** Days of each rolling window. */
  validationDays: number;
  /**
   * Last days of the second unseen split, the latest months: models trained on what was bought before them, judged
   * on what customers bought in them, as a store meets the months after a run (reported, never used to choose).
   */
  latestMonthsDays: number;
  /** Rolling windows, back to back before the holdout; the first only trains the ranker, the others judge every model. */
  selectionWindows: number;
  /**
   * Days of new purchases a run may serve with the last run's evaluation (its chosen model and fitted ranker) instead
   * of judging every model again: the windows, splits and fits of an evaluation are most of a night's work, and a
   * week of new data barely moves them. 0 judges every run. A full rebuild and `--evaluate` always judge.
   */
  evaluateEveryDays: number;
}

/**
 * What a deployment runs unless its config says otherwise, and recommend's own defaults (its argparse reads them).
 * One ALS setting: every setting costs one fit per window; emr-jobs/bench/tune_als.py searches others on the
 * rolling windows and prints each fit's time beside its gain (emr-jobs/README.md "Tuning").
 */
export const ALS_DEFAULTS: Readonly<AlsSettings> = {
  rank: 48,
  regParam: 0.5,
  alpha: 40,
  maxIter: 5,
  holdoutDays: 30,
  validationDays: 30,
  latestMonthsDays: 90,
  selectionWindows: 4,
  evaluateEveryDays: 7,
};

/** The pipeline's flag that deletes what incremental runs keep and rebuilds everything from the raw objects. */
export const FULL_FLAG = '--full';

/** The recommend step's flag that judges every model tonight whatever AlsSettings.evaluateEveryDays allows. */
export const EVALUATE_FLAG = '--evaluate';

export interface SparkStep {
  job: SparkJob;
  /** `main.py <job>` arguments (emr-jobs/recstream_jobs/{pipeline,clean,recommend,analyse}.py). */
  args: string[];
}

/**
 * clean → recommend → analyse on one lake as ONE step (`main.py pipeline`, one Spark application:
 * one JVM and driver start-up instead of three, the curated Parquet read once; emr-jobs/README.md
 * "One EMR step, not three" says why). `lakeUrl('')` is the lake root; the
 * job finds every LAKE key under it. The single jobs stay in main.py for re-running one part by hand.
 * `full`: rebuild from every raw object instead of only the new ones (the twin's --full, the state machine's `full`
 * input); `evaluate` (always with `full`): judge every recommender model tonight (the twin's --evaluate).
 */
export function sparkSteps(
  lakeUrl: (key: string) => string,
  als: AlsSettings = ALS_DEFAULTS,
  pin: RecommenderModel | null = null,
  full = false,
  evaluate = full,
): SparkStep[] {
  return [
    {
      job: 'pipeline',
      args: [
        '--lake', lakeUrl(''),
        '--rank', String(als.rank),
        '--reg-param', String(als.regParam),
        '--alpha', String(als.alpha),
        '--max-iter', String(als.maxIter),
        '--holdout-days', String(als.holdoutDays),
        '--validation-days', String(als.validationDays),
        '--latest-months-days', String(als.latestMonthsDays),
        '--selection-windows', String(als.selectionWindows),
        '--evaluate-every-days', String(als.evaluateEveryDays),
        // An operator's pin serves that model whatever the promotion rule says (CDK recommender.pin, the twin's --pin).
        ...(pin === null ? [] : ['--pin', pin]),
        // Without it the step processes only the raw objects its manifest has not seen (LAKE.purchasesManifestKey).
        ...(full ? [FULL_FLAG] : []),
        // Without it a run within als.evaluateEveryDays of the last evaluation keeps it; a rebuild always judges.
        ...(evaluate ? [EVALUATE_FLAG] : []),
      ],
    },
  ];
}

/** The behaviour jobs of emr-jobs/main.py (emr-jobs/README-behaviour.md): `behaviour` = sessions, funnel, intent and
 * categories in one application (the step plan); the others run one part. */
export type BehaviourJob = 'behaviour' | 'sessions' | 'funnel' | 'intent' | 'categories';

export interface BehaviourStep {
  job: BehaviourJob;
  /** `main.py <job>` arguments: the lake root; each job finds its BEHAVIOUR_LAKE keys under it. */
  args: string[];
}

/**
 * sessions (raw events → clean events + sessions), then funnel, intent and categories on its output, as ONE
 * step (`main.py behaviour`, one Spark application: one JVM start-up instead of four, the curated events read
 * once and partitioned by user for the three jobs; emr-jobs/README-behaviour.md "One step, not four" says why).
 * A separate list from sparkSteps(): the deployed pipeline runs both in one execution, while the
 * twin and the purchases jobs' tests run the purchases plan alone until events reach them.
 * Nightly, sessions reads only new raw objects; `full`: every one (README-behaviour.md "Incremental runs").
 */
export function behaviourSteps(lakeUrl: (key: string) => string, full = false): BehaviourStep[] {
  return [{ job: 'behaviour', args: ['--lake', lakeUrl(''), '--input', lakeUrl(BEHAVIOUR_LAKE.rawPrefix), ...(full ? [FULL_FLAG] : [])] }];
}

/** The placeholder the JSON copy of the plan puts where the lake root goes (the Spark tests substitute a folder). */
export const LAKE_ROOT_PLACEHOLDER = '{lake}';
