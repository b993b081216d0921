/** The Spark step plan: which jobs run, in order, with which arguments. */
import type { AlsConfig } from '../config';
import { LAKE } from '../../contract';
import { SERVING_PREFIX } from './lake-paths';

/** `main.py <job>` arguments, matching emr-jobs/recstream_jobs/{clean,recommend,analyse}.py. */
export function sparkJobs(lakeUrl: (key: string) => string, als: AlsConfig): Array<{ job: 'clean' | 'recommend' | 'analyse'; args: string[] }> {
  return [
    {
      job: 'clean',
      args: ['--input', lakeUrl(LAKE.rawPrefix), '--output', lakeUrl(LAKE.curatedPrefix), '--report', lakeUrl(LAKE.cleanReportKey)],
    },
    {
      job: 'recommend',
      args: [
        '--input', lakeUrl(LAKE.curatedPrefix),
        '--output', lakeUrl(SERVING_PREFIX),
        '--grid', als.grid,
        '--rank', String(als.rank),
        '--reg-param', String(als.regParam),
        '--alpha', String(als.alpha),
        '--max-iter', String(als.maxIter),
        '--holdout-days', String(als.holdoutDays),
        '--validation-days', String(als.validationDays),
      ],
    },
    { job: 'analyse', args: ['--input', lakeUrl(LAKE.curatedPrefix), '--output', lakeUrl(LAKE.analyticsPrefix)] },
  ];
}
