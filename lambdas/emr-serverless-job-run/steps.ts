/**
 * What the streaming job's custom resource does for each CloudFormation request, as plain decisions on what
 * EMR Serverless reports (handler.ts makes the calls). EMR Serverless refuses to delete or update a started
 * application ("An application has to be in a stopped or created state":
 * https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_DeleteApplication.html), and an application
 * stops only once its runs are done, so every delete cancels the runs, waits for them to end, stops the
 * application and waits for STOPPED before CloudFormation deletes it.
 */

/** Job-run states that still hold the application (JobRunSummary.state). */
const ENDED = new Set(['SUCCESS', 'FAILED', 'CANCELLED']);

export interface JobRunProperties {
  ApplicationId: string;
  /** The StartJobRun request (JSON) without applicationId and clientToken, which the handler adds. */
  StartJobRun: string;
}

export interface JobRunRequest {
  RequestType: 'Create' | 'Update' | 'Delete';
  RequestId: string;
  ResourceProperties: JobRunProperties;
  OldResourceProperties?: JobRunProperties;
}

export interface Plan {
  /** First end every run of this application, and stop it too when `stopApplication`. */
  quiesce?: { applicationId: string; stopApplication: boolean };
  /** Then start the job (a fresh run: it resumes from the checkpoint in the lake). */
  start: boolean;
}

/**
 * Create starts; Delete cancels and stops; Update cancels the running job first (two runs would share one
 * checkpoint), and when the application itself was replaced (its settings name it: lib/realtime.ts) also stops
 * the old one, which CloudFormation deletes afterwards.
 */
export function plan(request: JobRunRequest): Plan {
  const props = request.ResourceProperties;
  if (request.RequestType === 'Create') return { start: true };
  if (request.RequestType === 'Delete') return { quiesce: { applicationId: props.ApplicationId, stopApplication: true }, start: false };
  const old = request.OldResourceProperties ?? props;
  return { quiesce: { applicationId: old.ApplicationId, stopApplication: old.ApplicationId !== props.ApplicationId }, start: true };
}

/** Runs still holding the application, and which of them still need a CancelJobRun (not already cancelling). */
export function runsToEnd(runs: Array<{ id: string; state: string }>): { active: string[]; cancel: string[] } {
  const active = runs.filter((r) => !ENDED.has(r.state));
  return { active: active.map((r) => r.id), cancel: active.filter((r) => r.state !== 'CANCELLING').map((r) => r.id) };
}

/**
 * The next step towards a stopped application, from its state (undefined: it no longer exists). StopApplication
 * is valid only on a started application; one still starting or stopping is waited for.
 */
export function applicationStep(state: string | undefined): 'stop' | 'wait' | 'stopped' {
  if (state === 'STARTED') return 'stop';
  if (state === 'CREATING' || state === 'STARTING' || state === 'STOPPING') return 'wait';
  return 'stopped';
}
