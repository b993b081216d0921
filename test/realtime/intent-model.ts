/** A served intent model for the streaming job's lake: trained by the batch behaviour jobs, as the real job would have one. */
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BEHAVIOUR_LAKE } from '../../contract';
import { writeBehaviourFirehose } from '../../local/generator/behaviour-write';
import { runSparkJob } from '../../local/pipeline/spark';

/** The batch behaviour jobs' sessions and intent steps on generated events in their own lake; returns the served run. */
export const trainIntentModel = async (trainingLake: string, logFile: string): Promise<string> => {
  await writeBehaviourFirehose({ events: 6_000, seed: 15 }, trainingLake);
  await runSparkJob({ job: 'sessions', args: ['--lake', trainingLake], logFile, note: () => undefined });
  // 6,000 events are too few for a model to show skill over its baselines; the streaming job's tests need one served.
  await runSparkJob({ job: 'intent', args: ['--lake', trainingLake, '--grid', 'first', '--promote-anyway'], logFile, note: () => undefined });
  return (JSON.parse(readFileSync(join(trainingLake, BEHAVIOUR_LAKE.intentHistoryKey), 'utf8')) as { served_run: string }).served_run;
};

/** Serves the trained run in the job's lake: the model first, then the history naming it. */
export const serveIntentModel = (trainingLake: string, lake: string, run: string): void => {
  const runKey = `${BEHAVIOUR_LAKE.intentModelsPrefix}${run}`;
  cpSync(join(trainingLake, runKey), join(lake, runKey), { recursive: true });
  cpSync(join(trainingLake, BEHAVIOUR_LAKE.intentHistoryKey), join(lake, BEHAVIOUR_LAKE.intentHistoryKey));
};
