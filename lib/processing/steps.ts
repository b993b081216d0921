/**
 * The Spark step plans on the lake bucket: contract/pipeline.ts's purchases plan (the twin and the jobs'
 * tests run the same one), then its behaviour plan in the same execution (state-machine.ts runs it when
 * events have landed).
 */
import { BEHAVIOUR_LAKE, behaviourSteps, sparkSteps, type AlsSettings, type BehaviourStep, type RecommenderModel, type SparkStep } from '../../contract';

/** `main.py <job>` arguments with the deployment's ALS settings and recommender pin; keys resolved by `lakeUrl`; `full`: rebuild from every raw object. */
export const sparkJobs = (lakeUrl: (key: string) => string, als: AlsSettings, pin: RecommenderModel | null, full = false): SparkStep[] => sparkSteps(lakeUrl, als, pin, full);

/** The behaviour jobs (nightly, and rebuilding from every raw object) and the raw prefix whose objects they need. */
export const behaviourJobs = (lakeUrl: (key: string) => string): { jobs: BehaviourStep[]; fullJobs: BehaviourStep[]; rawPrefix: string } => ({
  jobs: behaviourSteps(lakeUrl),
  fullJobs: behaviourSteps(lakeUrl, true),
  rawPrefix: BEHAVIOUR_LAKE.rawPrefix,
});
