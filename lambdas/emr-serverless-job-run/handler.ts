// CloudFormation custom resource (CDK Provider framework, outside the VPC: it calls the public EMR Serverless
// API): the streaming job's run. `onEvent` only names the resource; `isComplete`, polled by the framework,
// does the work of steps.ts until it is done (the framework's totalTimeout bounds the wait).
import { applicationStep, plan, runsToEnd, type JobRunRequest } from './steps';

/** The EMR Serverless calls used, as the runtime's AWS SDK v3 aggregated client offers them. */
interface EmrServerless {
  listJobRuns(input: { applicationId: string; nextToken?: string }): Promise<{ jobRuns?: Array<{ id: string; state: string }>; nextToken?: string }>;
  cancelJobRun(input: { applicationId: string; jobRunId: string }): Promise<unknown>;
  getApplication(input: { applicationId: string }): Promise<{ application?: { state?: string } }>;
  stopApplication(input: { applicationId: string }): Promise<unknown>;
  startJobRun(input: Record<string, unknown>): Promise<{ jobRunId?: string }>;
}

// The Lambda Node.js runtime ships AWS SDK v3 with this client; the repository does not depend on it, so it is
// loaded at run time (lib/realtime-job-run.ts keeps it out of the bundle).
const CLIENT = '@aws-sdk/client-emr-serverless';
const client = async (): Promise<EmrServerless> => {
  const { EMRServerless } = (await import(CLIENT)) as { EMRServerless: new () => EmrServerless };
  return new EMRServerless();
};

const notFound = (error: unknown): boolean => (error as { name?: string }).name === 'ResourceNotFoundException';

async function listRuns(emr: EmrServerless, applicationId: string): Promise<Array<{ id: string; state: string }>> {
  const runs: Array<{ id: string; state: string }> = [];
  let nextToken: string | undefined;
  do {
    const page = await emr.listJobRuns({ applicationId, nextToken });
    runs.push(...(page.jobRuns ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return runs;
}

/** One step towards "no run holds the application (and it is stopped)"; true once there. */
async function quiesce(emr: EmrServerless, applicationId: string, stopApplication: boolean): Promise<boolean> {
  let runs: Array<{ id: string; state: string }>;
  try {
    runs = await listRuns(emr, applicationId);
  } catch (error) {
    if (notFound(error)) return true;
    throw error;
  }
  const { active, cancel } = runsToEnd(runs);
  for (const jobRunId of cancel) {
    console.log(JSON.stringify({ applicationId, cancelling: jobRunId }));
    await emr.cancelJobRun({ applicationId, jobRunId });
  }
  if (active.length > 0 || !stopApplication) return active.length === 0;
  let state: string | undefined;
  try {
    state = (await emr.getApplication({ applicationId })).application?.state;
  } catch (error) {
    if (!notFound(error)) throw error;
  }
  const step = applicationStep(state);
  console.log(JSON.stringify({ applicationId, state, step }));
  if (step === 'stop') await emr.stopApplication({ applicationId });
  return step === 'stopped';
}

export const onEvent = async (event: JobRunRequest): Promise<{ PhysicalResourceId: string }> =>
  // The application's id: a replaced application gets a new one, and CloudFormation then deletes the old
  // resource, whose delete stops the old application before CloudFormation deletes it.
  ({ PhysicalResourceId: event.ResourceProperties.ApplicationId });

export const isComplete = async (event: JobRunRequest): Promise<{ IsComplete: boolean; Data?: Record<string, string> }> => {
  const emr = await client();
  const steps = plan(event);
  if (steps.quiesce && !(await quiesce(emr, steps.quiesce.applicationId, steps.quiesce.stopApplication))) return { IsComplete: false };
  if (!steps.start) return { IsComplete: true };
  const props = event.ResourceProperties;
  // The request id as the idempotency token: a repeated poll after a lost answer returns the same run.
  const { jobRunId } = await emr.startJobRun({ ...JSON.parse(props.StartJobRun), applicationId: props.ApplicationId, clientToken: event.RequestId });
  console.log(JSON.stringify({ applicationId: props.ApplicationId, started: jobRunId }));
  return { IsComplete: true, Data: { JobRunId: jobRunId ?? '' } };
};
