// Issue 15.7: the behaviour jobs run in the pipeline's one Step Functions execution after the purchases jobs
// (one step, `main.py behaviour`: sessions, then funnel, intent, categories in one application), catching into terminate → fail, and only when
// raw/events/ holds an object (a purchases-only store keeps a green pipeline); EMR may write only
// their lake prefixes; the loader reads the session table and the API the behaviour documents, not the models.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BEHAVIOUR_LAKE, behaviourSteps, FULL_FLAG, sparkSteps } from '../../contract';
import { actionsOf, defaultStack, idStartingWith, single, stateMachineDefinition, statementsOfRole } from './synth';

const s = defaultStack();
const { States } = stateMachineDefinition(single(s, 'AWS::StepFunctions::StateMachine')[1]);
const steps = Object.entries(States).filter(([, st]) => String(st.Resource ?? '').includes('addStep.sync'));
const objectGrants = (roleId: string, action: string): string[] =>
  statementsOfRole(s, roleId)
    .filter((st) => actionsOf(st).includes(action))
    .flatMap((st) => [st.Resource].flat().map((r) => JSON.stringify(r).match(/"\/([^"]*)"/)?.[1]))
    .filter((r): r is string => r !== undefined);

test('the behaviour step (sessions → funnel → intent → categories in one application) follows the purchases steps in the same execution, on the lake root', () => {
  const names = steps.map(([, st]) => st.Parameters.Step.Name);
  const purchases = sparkSteps(() => '').map((p) => p.job);
  const behaviour = behaviourSteps(() => '').map((b) => b.job);
  assert.deepEqual(behaviour, ['behaviour'], 'one EMR step runs the four behaviour jobs (emr-jobs/README-behaviour.md "One step, not four")');
  // Each step twice: nightly and as a full rebuild (pipeline-rebuilds-everything-when-the-input-says-full.test.ts).
  assert.deepEqual([...new Set(names)].sort(), [...purchases, ...behaviour].sort());
  const nightly = steps.filter(([, st]) => !st.Parameters.Step.HadoopJarStep.Args.includes(FULL_FLAG));
  const byName = Object.fromEntries(nightly.map(([state, st]) => [st.Parameters.Step.Name, { state, st }]));
  // The purchases steps lead to the events check; when it finds an object, the behaviour steps run in order.
  const find = States[States[byName[purchases[purchases.length - 1]].state].Next];
  assert.match(find.Resource, /:states:::aws-sdk:s3:listObjectsV2$/);
  assert.equal(find.Parameters.Prefix, BEHAVIOUR_LAKE.rawPrefix);
  assert.equal(find.Parameters.MaxKeys, 1);
  assert.match(States[find.Catch[0].Next].Resource, /terminateCluster/);
  const choice = States[find.Next];
  assert.equal(choice.Type, 'Choice');
  // The first choice is the same with {"full": true} in the input (the full rebuild's behaviour step).
  assert.equal(choice.Choices.length, 2);
  assert.deepEqual(choice.Choices[1], { Variable: '$.events.count', NumericGreaterThan: 0, Next: byName[behaviour[0]].state });
  assert.equal(choice.Default, 'TerminateCluster', 'no events: the behaviour steps are skipped, not failed');
  behaviour.slice(1).forEach((job, i) => assert.equal(States[byName[behaviour[i]].state].Next, byName[job].state));
  assert.equal(States[byName[behaviour[behaviour.length - 1]].state].Next, 'TerminateCluster');
  for (const job of behaviour) {
    const { st } = byName[job];
    const args: string[] = st.Parameters.Step.HadoopJarStep.Args;
    assert.equal(args[6], job);
    assert.match(JSON.stringify(args[args.indexOf('--lake') + 1]), /^"s3:\/\/.*\/"$/, `${job} gets the lake root`);
    assert.match(States[st.Catch[0].Next].Resource, /terminateCluster/, `${job} catches into a terminate`);
  }
  const sessions: string[] = byName[behaviour[0]].st.Parameters.Step.HadoopJarStep.Args;
  assert.match(sessions[sessions.indexOf('--input') + 1], new RegExp(`/${BEHAVIOUR_LAKE.rawPrefix}$`));
});

test('the state machine may list the lake bucket (the events check), nothing more of S3', () => {
  const machineRole = JSON.stringify(single(s, 'AWS::StepFunctions::StateMachine')[1].Properties?.RoleArn).match(/"([A-Za-z0-9]+Role[A-Za-z0-9]*)"/)![1];
  const s3 = statementsOfRole(s, machineRole).filter((st) => actionsOf(st).some((a) => a.startsWith('s3:')));
  assert.deepEqual(s3.flatMap(actionsOf), ['s3:ListBucket']);
  assert.match(JSON.stringify(s3[0].Resource), /Lake/);
});

test('EMR nodes read raw/events/ and write the behaviour prefixes, not the Firehose error prefix', () => {
  const role = idStartingWith(s, 'AWS::IAM::Role', 'ProcessingCreateClusterInstanceRole');
  const written = objectGrants(role, 's3:PutObject');
  const readOnly = objectGrants(role, 's3:GetObject').filter((r) => !written.includes(r));
  assert.ok(readOnly.includes(`${BEHAVIOUR_LAKE.rawPrefix}*`), JSON.stringify(readOnly));
  const keys = [BEHAVIOUR_LAKE.eventsPrefix, BEHAVIOUR_LAKE.sessionsPrefix, BEHAVIOUR_LAKE.quarantinePrefix, BEHAVIOUR_LAKE.sessionsReportKey, BEHAVIOUR_LAKE.funnelKey, BEHAVIOUR_LAKE.intentHistoryKey, `${BEHAVIOUR_LAKE.intentModelsPrefix}r1/run.json`, `${BEHAVIOUR_LAKE.topCategoriesPrefix}part-0.json`];
  const covers = (pattern: string, key: string) => key.startsWith(pattern.replace(/\*$/, ''));
  for (const key of keys) assert.ok(written.some((p) => covers(p, key)), `EMR may write ${key}`);
  assert.ok(!written.some((p) => covers(p, 'raw-errors/processing-failed/x') || covers(p, 'raw/events/x')), JSON.stringify(written));
});

test('the loader reads the session table; the API reads the behaviour documents and run records, not the models', () => {
  const loader = objectGrants(idStartingWith(s, 'AWS::IAM::Role', 'ServingLoaderFnServiceRole'), 's3:GetObject');
  assert.ok(loader.includes(`${BEHAVIOUR_LAKE.sessionsPrefix}*`), JSON.stringify(loader));
  const api = objectGrants(idStartingWith(s, 'AWS::IAM::Role', 'ServingApiFnServiceRole'), 's3:GetObject');
  assert.ok(api.includes(BEHAVIOUR_LAKE.sessionsReportKey) && api.includes(BEHAVIOUR_LAKE.intentHistoryKey), JSON.stringify(api));
  assert.ok(api.includes(`${BEHAVIOUR_LAKE.intentModelsPrefix}*/run.json`));
  assert.ok(!api.some((r) => r === `${BEHAVIOUR_LAKE.intentModelsPrefix}*`), 'the API never reads model files');
});
