/**
 * The Spark step plan on the lake bucket: contract/pipeline.ts's purchases plan (the twin and the jobs'
 * tests run the same one), then its behaviour plan, in one execution.
 */
import { behaviourSteps, sparkSteps, type AlsSettings, type BehaviourStep, type SparkStep } from '../../contract';

/** `main.py <job>` arguments with the deployment's ALS settings; keys resolved by `lakeUrl`. */
export const sparkJobs = (lakeUrl: (key: string) => string, als: AlsSettings): Array<SparkStep | BehaviourStep> => [
  ...sparkSteps(lakeUrl, als),
  ...behaviourSteps(lakeUrl),
];
