// Issue 21: GET /model/recommendations and GET /products/{productId}/similar are JWT-scoped routes of the HTTP API,
// the API Lambda may read the recommender's documents and the item-to-item shards (nothing else new under serving/),
// and the `recommender.pin` context setting reaches the EMR step as `--pin <model>` (absent by default).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { API_ROUTES, API_SCOPE, LAKE, RECOMMENDER_MODELS } from '../../contract';
import { resolveConfig } from '../../lib/config';
import { actionsOf, defaultStack, idStartingWith, resourcesOfType, single, stateMachineDefinition, statementsOfRole, synthesize, type Synthesized } from './synth';

const s = defaultStack();

/** The pipeline step's spark-submit arguments (its Args array of the EMR AddStep task). */
const pipelineArgs = (synth: Synthesized): string[] => {
  const { States } = stateMachineDefinition(single(synth, 'AWS::StepFunctions::StateMachine')[1]);
  const step = Object.values(States).find((st: any) => String(st.Resource ?? '').includes('addStep.sync') && st.Parameters.Step.Name === 'pipeline');
  return step.Parameters.Step.HadoopJarStep.Args;
};

test('both routes are GET routes behind the JWT authorizer with the API scope, like every data route', () => {
  // HTTP API route authorization: AuthorizationType JWT with AuthorizationScopes
  // (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigatewayv2-route.html).
  const routes = resourcesOfType(s, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties!);
  for (const path of [API_ROUTES.recommenderModel, API_ROUTES.similarProducts]) {
    const route = routes.find((r) => r.RouteKey === `GET ${path}`);
    assert.ok(route, `GET ${path} is a route`);
    assert.equal(route.AuthorizationType, 'JWT', path);
    assert.deepEqual(route.AuthorizationScopes, [API_SCOPE.scope], path);
  }
});

test('the API Lambda reads the recommender history, its run records and the similar-products shards', () => {
  const statements = statementsOfRole(s, idStartingWith(s, 'AWS::IAM::Role', 'ServingApiFnServiceRole'));
  const reads = statements.filter((st) => actionsOf(st).includes('s3:GetObject')).flatMap((st) => [st.Resource].flat().map((r) => JSON.stringify(r)));
  for (const key of [LAKE.recommenderHistoryKey, `${LAKE.recommenderRunsPrefix}*`, `${LAKE.similarPrefix}*`]) {
    assert.ok(reads.some((r) => r.includes(`/${key}"`)), `s3:GetObject on ${key}: ${reads.join(' ')}`);
  }
  // Still nothing else of serving/: the recommendations and fallback are the loader's (the API reads DynamoDB).
  assert.ok(!reads.some((r) => r.includes(`/${LAKE.servingPrefix}*"`)), 'no grant on the whole serving/ prefix');
  assert.ok(!reads.some((r) => r.includes(LAKE.recommendationsPrefix)), 'no grant on the recommend output the loader reads');
});

test('by default the step carries no --pin: the promotion rule chooses', () => {
  assert.equal(resolveConfig(undefined).recommender.pin, null);
  assert.ok(!pipelineArgs(s).includes('--pin'), pipelineArgs(s).join(' '));
});

test('recommender.pin from the context reaches the EMR step as --pin <model>', () => {
  const pinned = synthesize({ context: { recommender: { pin: 'repeat_then_als' } } });
  const args = pipelineArgs(pinned);
  assert.equal(args[args.indexOf('--pin') + 1], 'repeat_then_als');
  assert.equal(args.filter((a) => a === '--pin').length, 1);
});

test('a pin that is not a model fails synth naming the setting and the models', () => {
  assert.throws(() => resolveConfig({ recommender: { pin: 'als' } }), new RegExp(`recommender.pin must be null or one of ${RECOMMENDER_MODELS.join(', ')}, got "als"`));
  assert.throws(() => resolveConfig({ recommender: { pinned: 'ranker' } }), /unknown setting "recommender.pinned"/);
  for (const model of RECOMMENDER_MODELS) assert.equal(resolveConfig({ recommender: { pin: model } }).recommender.pin, model);
});
