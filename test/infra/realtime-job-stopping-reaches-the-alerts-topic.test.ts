// Issue 23.4: a stopped streaming job must alarm. EMR Serverless 7.10+ no longer updates its older metrics
// ("We are restructuring our metrics display to add ApplicationName and JobName as dimensions. For release 7.10
// and later, the older metrics will no longer be updated": https://docs.aws.amazon.com/emr/latest/EMR-Serverless-UserGuide/app-job-metrics.html),
// so RunningJobs by ApplicationId alone would sit in ALARM for ever; the lag alarm cannot see a dead job (the lag
// reporter keeps publishing the last view's lag). Instead: EventBridge's job-run state changes (FAILED, CANCELLED:
// https://docs.aws.amazon.com/emr/latest/EMR-Serverless-UserGuide/using-eventbridge.html, detail-type and source:
// https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-emr-serverless.html) to the alerts topic, and an
// alarm on the live view's age.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultStack, resourcesOfType, single, synthesizeRealtime } from './synth';

const on = synthesizeRealtime();
const alertsTopic = single(on, 'AWS::SNS::Topic')[0];
const jobRunRules = (s: typeof on) => resourcesOfType(s, 'AWS::Events::Rule').filter(([, r]) => JSON.stringify(r.Properties?.EventPattern ?? {}).includes('aws.emr-serverless'));

test('no alarm watches RunningJobs by application id alone (a metric 7.10+ no longer updates)', () => {
  for (const [id, alarm] of resourcesOfType(on, 'AWS::CloudWatch::Alarm')) {
    if (alarm.Properties!.MetricName !== 'RunningJobs') continue;
    const names = (alarm.Properties!.Dimensions ?? []).map((d: { Name: string }) => d.Name);
    assert.ok(names.includes('ApplicationName'), `${id} watches RunningJobs by ${names.join(', ')}`);
  }
});

test('a FAILED or CANCELLED run of this application notifies the alerts topic through EventBridge, which may use its key', () => {
  const rules = jobRunRules(on);
  assert.equal(rules.length, 1);
  const [, rule] = rules[0];
  const pattern = rule.Properties!.EventPattern;
  assert.deepEqual(pattern.source, ['aws.emr-serverless']);
  assert.deepEqual(pattern['detail-type'], ['EMR Serverless Job Run State Change']);
  assert.deepEqual([...pattern.detail.state].sort(), ['CANCELLED', 'FAILED']);
  const [appId] = single(on, 'AWS::EMRServerless::Application');
  assert.deepEqual(pattern.detail.applicationId, [{ 'Fn::GetAtt': [appId, 'ApplicationId'] }]);
  assert.deepEqual(rule.Properties!.Targets.map((t: { Arn: unknown }) => t.Arn), [{ Ref: alertsTopic }]);
  // The topic is encrypted with a customer key: EventBridge must be allowed to use it, or the publish fails
  // (https://repost.aws/knowledge-center/sns-not-getting-eventbridge-notification).
  const [, key] = single(on, 'AWS::KMS::Key');
  const forEvents = key.Properties!.KeyPolicy.Statement.filter((st: any) => JSON.stringify(st.Principal ?? {}).includes('events.amazonaws.com'));
  assert.ok(forEvents.some((st: any) => [st.Action].flat().includes('kms:GenerateDataKey*') && [st.Action].flat().includes('kms:Decrypt')));
});

test('a live view older than 30 minutes alarms (the job stopped, hung, or no events came), to the alerts topic', () => {
  const [, age] = resourcesOfType(on, 'AWS::CloudWatch::Alarm').find(([, a]) => a.Properties!.MetricName === 'LiveViewAgeSeconds')!;
  assert.equal(age.Properties!.Namespace, 'recstream/Realtime');
  assert.equal(age.Properties!.Threshold, 1800);
  assert.deepEqual(age.Properties!.AlarmActions, [{ Ref: alertsTopic }]);
  assert.match(age.Properties!.AlarmDescription, /no events/);
});

test('the dashboard graphs running jobs by the application name (the current dimension), found by a search', () => {
  const [, dashboard] = single(on, 'AWS::CloudWatch::Dashboard');
  const body = JSON.stringify(dashboard.Properties!.DashboardBody);
  const [, app] = single(on, 'AWS::EMRServerless::Application');
  assert.ok(body.includes(`SEARCH(' Namespace=\\\\\\"AWS/EMRServerless\\\\\\" MetricName=\\\\\\"RunningJobs\\\\\\" ApplicationName=\\\\\\"${app.Properties!.Name}\\\\\\"`), body.slice(0, 400));
});

test('realtime off: no job-run rule', () => {
  assert.equal(jobRunRules(defaultStack()).length, 0);
});
