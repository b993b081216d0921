// The streaming job's custom resource (lambdas/emr-serverless-job-run/steps.ts): which runs it cancels, when it
// stops the application, and what each CloudFormation request does. EMR Serverless cannot run here; these are
// the decisions the handler takes on what the service reports (run states: https://docs.aws.amazon.com/emr/latest/EMR-Serverless-UserGuide/job-states.html,
// application states: https://docs.aws.amazon.com/emr/latest/EMR-Serverless-UserGuide/applications.html).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applicationStep, plan, runsToEnd, type JobRunRequest } from '../../lambdas/emr-serverless-job-run/steps';

const props = (ApplicationId: string) => ({ ApplicationId, StartJobRun: '{}' });
const request = (RequestType: JobRunRequest['RequestType'], app = 'app2', oldApp?: string): JobRunRequest => ({
  RequestType,
  RequestId: 'r-1',
  ResourceProperties: props(app),
  ...(oldApp ? { OldResourceProperties: props(oldApp) } : {}),
});

test('create starts; delete ends the runs and stops the application; an update ends the old run before starting', () => {
  assert.deepEqual(plan(request('Create')), { start: true });
  assert.deepEqual(plan(request('Delete')), { quiesce: { applicationId: 'app2', stopApplication: true }, start: false });
  // Changed code on the same application: the running job is cancelled, the application keeps running.
  assert.deepEqual(plan(request('Update', 'app2', 'app2')), { quiesce: { applicationId: 'app2', stopApplication: false }, start: true });
  // A replaced application (a setting changed): the old one is stopped, so CloudFormation can delete it.
  assert.deepEqual(plan(request('Update', 'app2', 'app1')), { quiesce: { applicationId: 'app1', stopApplication: true }, start: true });
});

test('every run that has not ended holds the application; only those not already cancelling get a CancelJobRun', () => {
  const runs = ['SUBMITTED', 'PENDING', 'SCHEDULED', 'RUNNING', 'QUEUED', 'CANCELLING', 'SUCCESS', 'FAILED', 'CANCELLED'].map((state, i) => ({ id: `r${i}`, state }));
  assert.deepEqual(runsToEnd(runs), { active: ['r0', 'r1', 'r2', 'r3', 'r4', 'r5'], cancel: ['r0', 'r1', 'r2', 'r3', 'r4'] });
  assert.deepEqual(runsToEnd([{ id: 'old', state: 'CANCELLED' }]), { active: [], cancel: [] });
});

test('a started application is stopped, one in transition waited for, a stopped, created or deleted one is done', () => {
  assert.equal(applicationStep('STARTED'), 'stop');
  for (const state of ['CREATING', 'STARTING', 'STOPPING']) assert.equal(applicationStep(state), 'wait', state);
  for (const state of ['CREATED', 'STOPPED', 'TERMINATED', undefined]) assert.equal(applicationStep(state), 'stopped', String(state));
});
