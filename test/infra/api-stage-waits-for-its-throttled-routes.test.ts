// Issue 23.1: a stage's RouteSettings name routes by key, and API Gateway refuses settings for a route that does not
// exist yet (NotFoundException "Unable to find Route by key ... within the provided RouteSettings"). CloudFormation
// creates resources in parallel unless one depends on the other, so the stage must depend on every route it names.
// RouteSettings is a map keyed by route key: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigatewayv2-stage.html
// and the route-settings resource answers 404 for an unknown key: https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-stages-stagename-routesettings-routekey.html
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultStack, resourcesOfType, single, synthesizeRealtime, type Synthesized } from './synth';

function namedRoutesNotWaitedFor(s: Synthesized): string[] {
  const [, stage] = single(s, 'AWS::ApiGatewayV2::Stage');
  const dependsOn = [stage.DependsOn ?? []].flat();
  const routes = resourcesOfType(s, 'AWS::ApiGatewayV2::Route');
  return Object.keys(stage.Properties!.RouteSettings ?? {}).filter((key) => {
    const route = routes.find(([, r]) => r.Properties?.RouteKey === key);
    assert.ok(route, `RouteSettings names "${key}", which no route of the template has`);
    return !dependsOn.includes(route[0]);
  });
}

test('realtime on: every route the stage names is waited for (POST /events, once throttled here, moved to the collector REST API)', () => {
  const s = synthesizeRealtime();
  // Its per-store throttles are usage plans now, and that API's deployment waits for its method
  // (collector-is-keyed-metered-and-walled-per-store.test.ts).
  assert.equal(single(s, 'AWS::ApiGatewayV2::Stage')[1].Properties!.RouteSettings?.['POST /events'], undefined);
  assert.deepEqual(namedRoutesNotWaitedFor(s), []);
});

test('realtime off: no route settings, so nothing to wait for', () => {
  assert.deepEqual(namedRoutesNotWaitedFor(defaultStack()), []);
});
