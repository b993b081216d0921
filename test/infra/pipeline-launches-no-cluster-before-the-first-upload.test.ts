// Issue 23.11: before the first upload the nightly schedule started three m5.xlarge nodes and clean failed on a
// missing raw/purchases/. The execution now lists the prefix first (ListObjectsV2, MaxKeys 1, the Step Functions
// AWS SDK integration: https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html) and
// ends without a cluster when it holds nothing (KeyCount 0: https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LAKE } from '../../contract';
import { defaultStack, single, stateMachineDefinition } from './synth';

const { StartAt, States } = stateMachineDefinition(single(defaultStack(), 'AWS::StepFunctions::StateMachine')[1]);

test('the execution starts by looking for purchases, not by creating a cluster', () => {
  const first = States[StartAt];
  assert.match(first.Resource, /:states:::aws-sdk:s3:listObjectsV2$/);
  assert.equal(first.Parameters.Prefix, LAKE.rawPrefix);
  assert.equal(first.Parameters.MaxKeys, 1);
});

test('no purchases: the execution succeeds without a cluster; any: it creates the cluster', () => {
  const choice = States[States[StartAt].Next];
  assert.equal(choice.Type, 'Choice');
  const [rule] = choice.Choices;
  assert.equal(rule.NumericGreaterThan, 0);
  assert.match(States[rule.Next].Resource, /elasticmapreduce:createCluster\.sync$/);
  assert.equal(States[choice.Default].Type, 'Succeed');
});
