// Issue 23.5: every EMR right of the pipeline's state machine holds only for clusters carrying the pipeline's tag.
// CDK's EmrAddStep and EmrTerminateCluster grant AddJobFlowSteps, CancelSteps, DescribeStep, DescribeCluster,
// TerminateJobFlows (and AddTags) on every cluster of the account (`cluster/*`, a cluster id exists only at run
// time); cdk-nag's IAM5 acknowledgement of that wildcard must never cover an unconditioned EMR action. EMR's tag
// condition keys (elasticmapreduce:ResourceTag/<key> on actions on a cluster, RequestTag on create):
// https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-fine-grained-cluster-access.html
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { actionsOf, resourcesOfType, statementsOfRole, synthesize, type Synthesized } from './synth';

const s = synthesize({ nag: true });

function unconditionedEmrGrants(synth: Synthesized): string[] {
  const found: string[] = [];
  for (const [roleId] of resourcesOfType(synth, 'AWS::IAM::Role')) {
    for (const st of statementsOfRole(synth, roleId) as Array<{ Effect?: string; Action: string | string[]; Condition?: Record<string, Record<string, string>> }>) {
      const emr = actionsOf(st).filter((a) => a.startsWith('elasticmapreduce:'));
      if (emr.length === 0 || st.Effect === 'Deny') continue;
      const keys = Object.values(st.Condition ?? {}).flatMap((c) => Object.keys(c));
      if (!keys.some((k) => /^elasticmapreduce:(Resource|Request)Tag\/recstream-pipeline$/.test(k))) found.push(`${roleId}: ${emr.join(', ')}`);
    }
  }
  return found;
}

test('every EMR action any role is granted is conditioned on the pipeline tag', () => {
  assert.deepEqual(unconditionedEmrGrants(s), []);
});

test('the state machine may still add, describe and cancel steps and terminate its own clusters', () => {
  const [roleId] = resourcesOfType(s, 'AWS::IAM::Role').find(([id]) => id.startsWith('ProcessingPipelineRole'))!;
  const statements = statementsOfRole(s, roleId);
  const onClusters = statements.filter((st) => JSON.stringify(st.Resource).includes(':cluster/*'));
  const granted = onClusters.flatMap(actionsOf);
  for (const action of ['elasticmapreduce:AddJobFlowSteps', 'elasticmapreduce:DescribeStep', 'elasticmapreduce:CancelSteps', 'elasticmapreduce:TerminateJobFlows']) assert.ok(granted.includes(action), action);
  for (const st of onClusters) assert.deepEqual(st.Condition, { StringEquals: { 'elasticmapreduce:ResourceTag/recstream-pipeline': 'recstream' } });
});

test("cdk-nag's acknowledgement of the cluster wildcard stands only over conditioned statements", () => {
  const assembly = s.app.synth();
  const report = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8'));
  const acknowledged = report.pluginReports[0].suppressedViolations.filter((v: { acknowledgedId: string }) => v.acknowledgedId.includes(':cluster/*'));
  assert.ok(acknowledged.length > 0, 'the wildcard is acknowledged (it remains: cluster ids exist only at run time)');
  assert.deepEqual(unconditionedEmrGrants(s), []);
});
