// Issue 23.2, 23.3, 23.7 and the job run's half of 23.10: the streaming job's run is started without EMR Serverless's
// 12-hour default timeout, restarted by a provider that ends the old run first, and stopped (run cancelled,
// application STOPPED) before CloudFormation deletes the application; the application has its own release, and a
// changed setting replaces it instead of updating it while it runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveConfig } from '../../lib/config';
import { actionsOf, defaultStack, jsonWithTokens, resourcesOfType, single, statementsOfRole, synthesizeRealtime, type Synthesized, refsOf } from './synth';

const on = synthesizeRealtime();
const jobRun = (s: Synthesized) => {
  const found = resourcesOfType(s, 'Custom::EmrServerlessJobRun');
  assert.equal(found.length, 1, 'one job-run resource');
  return found[0];
};

test('realtime off: no application and no job run', () => {
  assert.equal(resourcesOfType(defaultStack(), 'AWS::EMRServerless::Application').length, 0);
  assert.equal(resourcesOfType(defaultStack(), 'Custom::EmrServerlessJobRun').length, 0);
});

test('the run never times out: executionTimeoutMinutes 0, in STREAMING mode with retries', () => {
  // "The default timeout for a job run is 12 hours ... set executionTimeoutMinutes to 0 ... for a streaming
  // application": https://docs.aws.amazon.com/emr/latest/EMR-Serverless-UserGuide/considerations.html
  const request = jsonWithTokens(jobRun(on)[1].Properties!.StartJobRun);
  assert.equal(request.executionTimeoutMinutes, 0);
  assert.equal(request.mode, 'STREAMING');
  assert.equal(request.retryPolicy.maxFailedAttemptsPerHour, 5);
  assert.deepEqual(request.jobDriver.sparkSubmit.entryPointArguments.slice(0, 4), ['--lake', 's3://<token>', '--auth', 'iam']);
});

test('delete stops the application first: the provider may list and cancel runs and stop and read the application', () => {
  // DeleteApplication: "An application has to be in a stopped or created state in order to be deleted", and
  // StopApplication needs every run ended: https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_DeleteApplication.html
  const [, run] = jobRun(on);
  const framework = refsOf(run.Properties!.ServiceToken)[0];
  const env = JSON.stringify(on.resources[framework].Properties!.Environment);
  const isComplete = resourcesOfType(on, 'AWS::Lambda::Function').find(([id]) => env.includes(`"${id}"`) && id.includes('IsComplete'));
  assert.ok(isComplete, 'the provider polls an isComplete function (it waits for CANCELLED and STOPPED)');
  const statements = statementsOfRole(on, isComplete[1].Properties!.Role['Fn::GetAtt'][0]);
  const granted = statements.flatMap(actionsOf);
  for (const action of ['emr-serverless:ListJobRuns', 'emr-serverless:CancelJobRun', 'emr-serverless:StopApplication', 'emr-serverless:GetApplication', 'emr-serverless:StartJobRun', 'iam:PassRole']) {
    assert.ok(granted.includes(action), action);
  }
  // The application-wide rights only on applications with this deployment's tag, which the application carries
  // (tag-based access control: https://docs.aws.amazon.com/emr/latest/EMR-Serverless-UserGuide/security-iam-TBAC.html).
  const onApps = statements.find((st) => actionsOf(st).includes('emr-serverless:StopApplication'))!;
  assert.deepEqual(onApps.Condition, { StringEquals: { 'aws:ResourceTag/recstream-realtime': 'recstream' } });
  const [, app] = single(on, 'AWS::EMRServerless::Application');
  assert.deepEqual(app.Properties!.Tags, [{ Key: 'recstream-realtime', Value: 'recstream' }]);
  // The provider framework polls within its total timeout (30 min); CloudFormation's own limit is past it.
  assert.ok(Number(run.Properties!.ServiceTimeout) > 30 * 60 && Number(run.Properties!.ServiceTimeout) <= 3600);
  assert.equal(resourcesOfType(on, 'Custom::AWS').filter(([id]) => id.startsWith('RealtimeJobRun')).length, 0, 'no cancel-only AwsCustomResource');
});

test('the job run is deleted before the topics, the 9098 and STS rules, the security groups and the endpoints it runs with', () => {
  const [id, run] = jobRun(on);
  const dependsOn = [run.DependsOn ?? []].flat();
  const topics = resourcesOfType(on, 'Custom::KafkaTopic').map(([t]) => t);
  const app = single(on, 'AWS::EMRServerless::Application')[1];
  const jobGroup = refsOf(app.Properties!.NetworkConfiguration.SecurityGroupIds)[0];
  const rules = [...resourcesOfType(on, 'AWS::EC2::SecurityGroupIngress'), ...resourcesOfType(on, 'AWS::EC2::SecurityGroupEgress')]
    .filter(([, rule]) => refsOf(rule.Properties).includes(jobGroup))
    .map(([ruleId]) => ruleId);
  const s3Endpoint = resourcesOfType(on, 'AWS::EC2::VPCEndpoint').find(([, e]) => JSON.stringify(e.Properties?.ServiceName).includes('.s3'))![0];
  assert.equal(topics.length, 2);
  assert.ok(rules.length >= 2, 'the ingress on the cluster group and the egress on the job group');
  for (const needed of [...topics, ...rules, jobGroup, s3Endpoint]) assert.ok(dependsOn.includes(needed), `${id} does not depend on ${needed}`);
});

test("the application has its own release: moving the batch cluster's emr.releaseLabel leaves it alone", () => {
  const moved = synthesizeRealtime({ context: { emr: { releaseLabel: 'emr-7.9.0' } } });
  assert.equal(single(moved, 'AWS::EMRServerless::Application')[1].Properties!.ReleaseLabel, 'emr-7.10.0');
  assert.equal(single(moved, 'AWS::EMRServerless::Application')[1].Properties!.Name, single(on, 'AWS::EMRServerless::Application')[1].Properties!.Name);
  assert.throws(() => resolveConfig({ realtime: { releaseLabel: 'emr-7.0.0' } }), /realtime.releaseLabel must be emr-7.1.0 or later/);
});

test('a changed application setting renames the application, which CloudFormation replaces rather than updates while the job runs', () => {
  // Name and ReleaseLabel require replacement, MaximumCapacity is an in-place UpdateApplication:
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-emrserverless-application.html
  // and UpdateApplication needs a stopped or created application: https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_UpdateApplication.html
  const bigger = synthesizeRealtime({ context: { realtime: { maximumCapacity: { cpu: '16 vCPU', memory: '64 GB' } } } });
  const [, before] = single(on, 'AWS::EMRServerless::Application');
  const [, after] = single(bigger, 'AWS::EMRServerless::Application');
  assert.notEqual(after.Properties!.Name, before.Properties!.Name);
  assert.match(after.Properties!.Name, /^recstream-realtime-[0-9a-f]{8}$/);
  // The job run names the application by id, so CloudFormation updates it (stop the old run, start on the new one).
  assert.deepEqual(refsOf(jobRun(bigger)[1].Properties!.ApplicationId), [single(bigger, 'AWS::EMRServerless::Application')[0]]);
});
