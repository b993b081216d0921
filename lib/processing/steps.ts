/** The Spark step plan: contract/pipeline.ts's (the twin and the jobs' tests run the same one) on the lake bucket. */
import { sparkSteps, type AlsSettings, type SparkStep } from '../../contract';

/** `main.py <job>` arguments with the deployment's ALS settings; keys resolved by `lakeUrl`. */
export const sparkJobs = (lakeUrl: (key: string) => string, als: AlsSettings): SparkStep[] => sparkSteps(lakeUrl, als);
