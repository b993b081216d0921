// DynamoDB (on-demand, PITR, encrypted) + read-only API Lambda behind an HTTP API: throttled, CORS = the site, access-logged.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { API_ROUTES, LAMBDA_ENV, SERVING_TABLE } from '../../contract';
import { DEFAULT_CONFIG } from '../../lib/config';
import { defaultStack, resourcesOfType, single } from './synth';

const s = defaultStack();
const [distributionId] = single(s, 'AWS::CloudFront::Distribution');
const siteOrigin = JSON.stringify({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }]] });

test('the serving table is on-demand, point-in-time recoverable and encrypted, keyed by user_id', () => {
  const [, table] = single(s, 'AWS::DynamoDB::Table');
  assert.equal(table.Properties?.BillingMode, 'PAY_PER_REQUEST');
  assert.equal(table.Properties?.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled, true);
  assert.equal(table.Properties?.SSESpecification.SSEEnabled, true);
  assert.deepEqual(table.Properties?.KeySchema, [{ AttributeName: SERVING_TABLE.partitionKey, KeyType: 'HASH' }]);
  assert.deepEqual(table.Properties?.AttributeDefinitions, [{ AttributeName: SERVING_TABLE.partitionKey, AttributeType: 'S' }]);
});

test('the HTTP API has exactly the contract routes, GET only, all on the API Lambda', () => {
  const routes = resourcesOfType(s, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties?.RouteKey).sort();
  assert.deepEqual(routes, Object.values(API_ROUTES).map((path) => `GET ${path}`).sort());
  const [, api] = single(s, 'AWS::ApiGatewayV2::Api');
  assert.equal(api.Properties?.ProtocolType, 'HTTP');
});

test('CORS admits only the CloudFront origin and only GET', () => {
  const [, api] = single(s, 'AWS::ApiGatewayV2::Api');
  const cors = api.Properties?.CorsConfiguration;
  assert.equal(JSON.stringify(cors.AllowOrigins), `[${siteOrigin}]`);
  assert.deepEqual(cors.AllowMethods, ['GET']);
});

test('the default stage is throttled and writes access logs to a log group with retention', () => {
  const [, stage] = single(s, 'AWS::ApiGatewayV2::Stage');
  assert.equal(stage.Properties?.StageName, '$default');
  assert.deepEqual(stage.Properties?.DefaultRouteSettings, {
    ThrottlingRateLimit: DEFAULT_CONFIG.api.rateLimit,
    ThrottlingBurstLimit: DEFAULT_CONFIG.api.burstLimit,
  });
  const logGroupRef = stage.Properties?.AccessLogSettings.DestinationArn['Fn::GetAtt'][0];
  assert.equal(s.resources[logGroupRef].Properties?.RetentionInDays, DEFAULT_CONFIG.logRetentionDays);
  const format = JSON.parse(stage.Properties?.AccessLogSettings.Format);
  assert.equal(format.path, '$context.path');
  assert.ok(!/authorization/i.test(stage.Properties?.AccessLogSettings.Format), 'never log the Authorization header');
});

test('the API Lambda is read-only: GetItem on the table, GetObject on analytics/*, ListBucket (404 for a missing key), and knows the site origin', () => {
  const [, fn] = resourcesOfType(s, 'AWS::Lambda::Function').find(([id]) => id.startsWith('ServingApi'))!;
  const env = fn.Properties?.Environment.Variables;
  assert.equal(JSON.stringify(env[LAMBDA_ENV.allowedOrigin]), siteOrigin);
  assert.ok(env[LAMBDA_ENV.tableName] && env[LAMBDA_ENV.lakeBucket]);
  const roleRef = fn.Properties?.Role['Fn::GetAtt'][0];
  const statements = resourcesOfType(s, 'AWS::IAM::Policy')
    .filter(([, p]) => p.Properties?.Roles.some((r: { Ref: string }) => r.Ref === roleRef))
    .flatMap(([, p]) => p.Properties?.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>);
  assert.deepEqual(statements.map((st) => st.Action).flat().sort(), ['dynamodb:GetItem', 's3:GetObject', 's3:ListBucket']);
  assert.match(JSON.stringify(statements.find((st) => st.Action === 's3:GetObject')?.Resource), /"\/analytics\/\*"/);
});
