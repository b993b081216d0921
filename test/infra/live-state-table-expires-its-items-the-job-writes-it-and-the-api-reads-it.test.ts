// Issue 24 on AWS: with realtime on, the customers' live state is one on-demand DynamoDB table with TTL on the
// contract's attribute (expired items "continue to show in read and write operations until they are deleted by the
// background process", typically within 48 hours: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ttl-expired-items.html
// and howitworks-ttl.html, so the API checks expires_at too); the streaming job may only write it and is told its
// name and region; the API function may only read it and is told its name; off, none of it exists.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REALTIME } from '../../contract';
import { actionsOf, defaultStack, idStartingWith, jsonWithTokens, refsOf, resourcesOfType, single, statementsOfRole, synthesizeRealtime } from './synth';

const SETTINGS = REALTIME.liveRecommendations;
// cdk-nag and cfn-lint on the realtime template: realtime-is-a-switch-and-synthesizes-clean.test.ts.
const on = synthesizeRealtime();
const liveTableId = () => idStartingWith(on, 'AWS::DynamoDB::Table', 'RealtimeLiveState');
const grantsOn = (roleId: string, tableId: string) =>
  statementsOfRole(on, roleId)
    .filter((st) => refsOf(st.Resource).includes(tableId))
    .flatMap(actionsOf)
    .sort();

test('the live-state table: the contract key, on demand, items expire by TTL on the contract attribute', () => {
  const table = on.resources[liveTableId()].Properties!;
  assert.deepEqual(table.KeySchema, [{ AttributeName: SETTINGS.partitionKey, KeyType: 'HASH' }]);
  assert.equal(table.BillingMode, 'PAY_PER_REQUEST', 'nothing provisioned: no cost while nobody shops');
  assert.deepEqual(table.TimeToLiveSpecification, { AttributeName: SETTINGS.ttlAttribute, Enabled: true });
});

test('the streaming job may only write the table and is given its name and region; the API may only read it and is given its name', () => {
  const tableId = liveTableId();
  const [, run] = single(on, 'Custom::EmrServerlessJobRun');
  const request = jsonWithTokens(run.Properties!.StartJobRun);
  const args: string[] = request.jobDriver.sparkSubmit.entryPointArguments;
  assert.equal(args[args.indexOf('--live-table') + 1], '<token>');
  assert.ok(args.includes('--region'));
  assert.ok(refsOf(run.Properties!.StartJobRun).includes(tableId), 'the --live-table token is the live-state table');
  const jobRole = idStartingWith(on, 'AWS::IAM::Role', 'RealtimeJobRole');
  assert.deepEqual(grantsOn(jobRole, tableId), ['dynamodb:BatchWriteItem', 'dynamodb:PutItem']);
  const apiId = idStartingWith(on, 'AWS::Lambda::Function', 'ServingApi');
  const api = on.resources[apiId].Properties!;
  assert.deepEqual(refsOf(api.Environment.Variables[SETTINGS.tableEnv]), [tableId]);
  assert.deepEqual(grantsOn(api.Role['Fn::GetAtt'][0], tableId), ['dynamodb:GetItem']);
});

test('realtime off: no live-state table, and the API is told of none (it serves the batch list)', () => {
  const off = defaultStack();
  assert.equal(resourcesOfType(off, 'AWS::DynamoDB::Table').length, 1, 'the serving table only');
  const api = off.resources[idStartingWith(off, 'AWS::Lambda::Function', 'ServingApi')].Properties!;
  assert.equal(api.Environment.Variables[SETTINGS.tableEnv], undefined);
});
