// Step Functions: create EMR 7 cluster → pipeline (clean, recommend, analyse) → terminate → load; every step's failure terminates.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG } from '../../lib/config';
import { defaultStack, resourcesOfType, single, stateMachineDefinition } from './synth';

const s = defaultStack();
const [machineId, machine] = single(s, 'AWS::StepFunctions::StateMachine');
const { States } = stateMachineDefinition(machine);
const byResource = (fragment: string) => Object.entries(States).filter(([, st]) => String(st.Resource ?? '').includes(fragment));

test('the cluster is EMR 7 with Spark, in an isolated subnet, kept alive for steps and auto-terminating when idle', () => {
  assert.match(DEFAULT_CONFIG.emr.releaseLabel, /^emr-7\./);
  // After the look for purchases (pipeline-launches-no-cluster-before-the-first-upload.test.ts).
  const [[, create]] = byResource('createCluster');
  assert.match(create.Resource, /elasticmapreduce:createCluster\.sync$/);
  const p = create.Parameters;
  assert.equal(p.ReleaseLabel, DEFAULT_CONFIG.emr.releaseLabel);
  assert.deepEqual(p.Applications, [{ Name: 'Spark' }]);
  assert.equal(p.Instances.KeepJobFlowAliveWhenNoSteps, true);
  assert.equal(p.VisibleToAllUsers, true);
  assert.ok(p.Instances.Ec2SubnetId && p.Instances.ServiceAccessSecurityGroup && p.Instances.EmrManagedMasterSecurityGroup);
  assert.equal(p.AutoTerminationPolicy.IdleTimeout, DEFAULT_CONFIG.emr.idleTimeoutMinutes * 60);
  assert.match(p.LogUri, /^s3:\/\/.*\/emr-logs\/$/);
  assert.deepEqual(p.Tags, [
    { Key: 'for-use-with-amazon-emr-managed-policies', Value: 'true' },
    // The state machine's EMR rights are conditioned on it (roles-hold-only-what-they-call.test.ts).
    { Key: 'recstream-pipeline', Value: 'recstream' },
  ]);
});

test('clean, recommend and analyse run as one spark-submit step (main.py pipeline) with the job CLI of emr-jobs/main.py', () => {
  // The behaviour steps follow it: behaviour-steps-run-in-the-same-execution.test.ts.
  const [[name, st]] = byResource('addStep.sync').slice(0, 1);
  assert.equal(st.Parameters.Step.Name, 'pipeline');
  const args: string[] = st.Parameters.Step.HadoopJarStep.Args;
  assert.deepEqual(args.slice(0, 4), ['spark-submit', '--deploy-mode', 'cluster', '--py-files']);
  assert.equal(args[6], 'pipeline');
  assert.match(JSON.stringify(args[args.indexOf('--lake') + 1]), /^"s3:\/\/.*\/"$/, 'the lake root: the job finds every LAKE key under it');
  assert.equal(st.Parameters.Step.ActionOnFailure, 'CONTINUE');
  assert.equal(States[name].Next, 'Look for behaviour events');
  assert.equal(args[args.indexOf('--selection-windows') + 1], String(DEFAULT_CONFIG.als.selectionWindows));
  assert.equal(args[args.indexOf('--rank') + 1], String(DEFAULT_CONFIG.als.rank));
  assert.equal(args[args.indexOf('--evaluate-every-days') + 1], String(DEFAULT_CONFIG.als.evaluateEveryDays));
  assert.ok(!args.includes('--evaluate'), 'the nightly step keeps an evaluation younger than evaluateEveryDays');
});

test('every EMR step catches all errors into a terminate-then-fail path', () => {
  const steps = byResource('addStep.sync');
  assert.equal(steps.length, 2 + 2, 'pipeline (clean, recommend, analyse), then behaviour (sessions, funnel, intent, categories), each nightly or as a full rebuild');
  for (const [name, st] of steps) {
    assert.deepEqual(st.Catch.map((c: any) => c.ErrorEquals), [['States.ALL']], name);
    const target = States[st.Catch[0].Next];
    assert.match(target.Resource, /elasticmapreduce:terminateCluster/, `${name} must catch into a terminate`);
    assert.equal(target.Parameters['ClusterId.$'], '$.cluster.ClusterId');
    assert.equal(States[target.Next].Type, 'Fail');
    assert.ok(st.TimeoutSeconds > 0, `${name} has a timeout, so a hung step also terminates the cluster`);
  }
});

test('after success the cluster is terminated, then the recommendations are loaded', () => {
  const terminate = States.TerminateCluster;
  assert.match(terminate.Resource, /terminateCluster/);
  const load = States[terminate.Next];
  // payloadResponseOnly: the Task's resource is the loader's ARN and its input is the payload itself.
  assert.equal(load.Type, 'Task');
  assert.deepEqual(Object.keys(load.Parameters), ['bucket']);
  assert.deepEqual(load.Catch.map((c: any) => States[c.Next].Type), ['Fail']);
  assert.equal(States[load.Next].Type, 'Succeed');
});

test('the state machine logs everything with X-Ray, runs on a schedule, and raises an alarm on failure', () => {
  assert.equal(machine.Properties?.LoggingConfiguration.Level, 'ALL');
  assert.equal(machine.Properties?.TracingConfiguration.Enabled, true);
  const [, rule] = single(s, 'AWS::Events::Rule');
  assert.equal(rule.Properties?.ScheduleExpression, DEFAULT_CONFIG.schedule);
  assert.deepEqual(rule.Properties?.Targets[0].Arn, { Ref: machineId });
  const alarm = resourcesOfType(s, 'AWS::CloudWatch::Alarm').find(([, a]) => JSON.stringify(a.Properties?.Metrics ?? []).includes(machineId));
  assert.ok(alarm, 'an alarm watches the state machine');
  const metrics = alarm[1].Properties?.Metrics.map((m: any) => m.MetricStat?.Metric.MetricName).filter(Boolean).sort();
  assert.deepEqual(metrics, ['ExecutionsAborted', 'ExecutionsFailed', 'ExecutionsTimedOut']);
  const topicRef = alarm[1].Properties?.AlarmActions[0].Ref;
  assert.ok(s.resources[topicRef].Properties?.KmsMasterKeyId, 'the alarm topic is encrypted');
});

// How cdk destroy removes the rules EMR adds between its groups: destroy-revokes-only-the-emr-rules-that-exist.test.ts.
