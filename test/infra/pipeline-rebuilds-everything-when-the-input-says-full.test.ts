// Issue 26.4: the nightly execution (the schedule starts it without input) processes only new raw objects; an
// execution started with the input {"full": true} runs the same purchases step with --full, which rebuilds the
// curated data, documents and recommendations from every raw object and judges every recommender model again
// (--evaluate; issue 21: nightly runs keep an evaluation younger than als.evaluateEveryDays). Both continue to the behaviour check,
// where the same input picks the behaviour step with or without --full (sessions from every raw event object).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EVALUATE_FLAG, FULL_FLAG } from '../../contract';
import { defaultStack, single, stateMachineDefinition } from './synth';

const { States } = stateMachineDefinition(single(defaultStack(), 'AWS::StepFunctions::StateMachine')[1]);
const [create] = Object.values(States).filter((st) => String(st.Resource ?? '').includes('createCluster'));
const choice = States[create.Next];
const argsOf = (state: string): string[] => States[state].Parameters.Step.HadoopJarStep.Args;

test('after the cluster starts, the execution input decides: {"full": true} runs the pipeline with --full', () => {
  assert.equal(choice.Type, 'Choice');
  const [rule] = choice.Choices;
  // Present and true: an absent or false `full` (the scheduled run) is a nightly run, never a failed comparison.
  assert.deepEqual(rule.And, [{ Variable: '$.full', IsPresent: true }, { Variable: '$.full', BooleanEquals: true }]);
  assert.ok(argsOf(rule.Next).includes(FULL_FLAG));
  assert.ok(!argsOf(choice.Default).includes(FULL_FLAG));
  assert.equal(States[rule.Next].Parameters.Step.Name, 'pipeline');
  assert.equal(States[choice.Default].Parameters.Step.Name, 'pipeline');
});

test('the two runs differ only by the rebuild and re-judge flags and lead to the same next state, each catching into terminate', () => {
  const [full, nightly] = [choice.Choices[0].Next, choice.Default];
  assert.ok(argsOf(full).includes(EVALUATE_FLAG));
  assert.deepEqual(argsOf(full).filter((a) => a !== FULL_FLAG && a !== EVALUATE_FLAG), argsOf(nightly));
  assert.equal(States[full].Next, States[nightly].Next);
  assert.equal(States[full].Next, 'Look for behaviour events');
  for (const state of [full, nightly]) assert.match(States[States[state].Catch[0].Next].Resource, /terminateCluster/);
});

test('the behaviour step runs with --full when the input says full and events have landed, else nightly', () => {
  const { Choices, Default } = States['Any behaviour events?'];
  const [fullRule, nightlyRule] = Choices;
  assert.deepEqual(fullRule.And, [{ Variable: '$.events.count', NumericGreaterThan: 0 }, { And: choice.Choices[0].And }]);
  assert.deepEqual(nightlyRule, { Variable: '$.events.count', NumericGreaterThan: 0, Next: nightlyRule.Next });
  assert.ok(argsOf(fullRule.Next).includes(FULL_FLAG));
  assert.deepEqual(argsOf(fullRule.Next).filter((a) => a !== FULL_FLAG), argsOf(nightlyRule.Next));
  assert.equal(States[fullRule.Next].Parameters.Step.Name, 'behaviour');
  assert.equal(States[fullRule.Next].Next, States[nightlyRule.Next].Next);
  assert.equal(States[Default].Type, States[States[nightlyRule.Next].Next].Type);
});
