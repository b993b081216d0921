/** The Spark pipeline's step plan, shared by the CDK state machine, the local twin and the jobs' tests. */
import { BEHAVIOUR_LAKE } from './behaviour-event';
import { LAKE } from './lake';

/** The jobs of emr-jobs/main.py the pipeline runs, in the order sparkSteps() gives them. */
/**
 * The Python packages the steps import, shipped together as the jobs zip on EMR (`--py-files`):
 * one per data product, so the zip and main.py's imports cannot drift apart.
 */
export const SPARK_PACKAGES = ['recstream_jobs', 'behaviour_jobs'] as const;

export type SparkJob = 'clean' | 'recommend' | 'analyse';

/** ALS settings of the recommend step; `grid: 'small'` searches rank/regParam/alpha itself and ignores those three. */
export interface AlsSettings {
  grid: 'small' | 'none';
  rank: number;
  regParam: number;
  alpha: number;
  maxIter: number;
  /** Last days held out for the reported metrics. */
  holdoutDays: number;
  /** Days of each rolling selection window (the windows choose the policy and the ALS setting). */
  validationDays: number;
  /** Selection windows, back to back before the holdout: the choice must hold on each, not on one. */
  selectionWindows: number;
}

/** What a deployment runs unless its config says otherwise, and recommend's own defaults (its argparse reads them). */
export const ALS_DEFAULTS: Readonly<AlsSettings> = {
  grid: 'small',
  rank: 16,
  regParam: 0.1,
  alpha: 40,
  maxIter: 10,
  holdoutDays: 30,
  validationDays: 30,
  selectionWindows: 3,
};

export interface SparkStep {
  job: SparkJob;
  /** `main.py <job>` arguments (emr-jobs/recstream_jobs/{clean,recommend,analyse}). */
  args: string[];
}

/** clean → recommend → analyse on one lake; `lakeUrl` turns a LAKE key into an s3:// URL or a local path. */
export function sparkSteps(lakeUrl: (key: string) => string, als: AlsSettings = ALS_DEFAULTS): SparkStep[] {
  return [
    {
      job: 'clean',
      args: [
        '--input', lakeUrl(LAKE.rawPrefix),
        '--output', lakeUrl(LAKE.curatedPrefix),
        '--report', lakeUrl(LAKE.cleanReportKey),
        '--quarantine', lakeUrl(LAKE.quarantinePrefix),
      ],
    },
    {
      job: 'recommend',
      args: [
        '--input', lakeUrl(LAKE.curatedPrefix),
        '--output', lakeUrl(LAKE.servingPrefix),
        '--grid', als.grid,
        '--rank', String(als.rank),
        '--reg-param', String(als.regParam),
        '--alpha', String(als.alpha),
        '--max-iter', String(als.maxIter),
        '--holdout-days', String(als.holdoutDays),
        '--validation-days', String(als.validationDays),
        '--selection-windows', String(als.selectionWindows),
      ],
    },
    { job: 'analyse', args: ['--input', lakeUrl(LAKE.curatedPrefix), '--output', lakeUrl(LAKE.analyticsPrefix)] },
  ];
}

/** The behaviour jobs of emr-jobs/main.py (emr-jobs/README-behaviour.md), in the order behaviourSteps() gives them. */
export type BehaviourJob = 'sessions' | 'funnel' | 'intent' | 'categories';

export interface BehaviourStep {
  job: BehaviourJob;
  /** `main.py <job>` arguments: the lake root; each job finds its BEHAVIOUR_LAKE keys under it. */
  args: string[];
}

/**
 * sessions (raw events → clean events + sessions) first, then the three jobs that read its output.
 * A separate list from sparkSteps(): the deployed pipeline runs both in one execution, while the
 * twin and the purchases jobs' tests run the purchases plan alone until events reach them.
 */
export function behaviourSteps(lakeUrl: (key: string) => string): BehaviourStep[] {
  const lake = ['--lake', lakeUrl('')];
  return [
    { job: 'sessions', args: [...lake, '--input', lakeUrl(BEHAVIOUR_LAKE.rawPrefix)] },
    { job: 'funnel', args: lake },
    { job: 'intent', args: lake },
    { job: 'categories', args: lake },
  ];
}

/** The placeholder the JSON copy of the plan puts where the lake root goes (the Spark tests substitute a folder). */
export const LAKE_ROOT_PLACEHOLDER = '{lake}';
