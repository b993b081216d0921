// Issue 7, AWS half: Cognito (admin-created analysts, strong passwords, MFA), code+PKCE client, JWT authorizer on
// every route but /health, audit-friendly access logs, WAF rate limit on CloudFront from a us-east-1 stack.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Template } from 'aws-cdk-lib/assertions';
import { DEFAULT_CONFIG } from '../../lib/config';
import { API_ROUTES, API_SCOPE } from '../../contract';
import { webAclParameterName } from '../../lib/edge';
import { defaultStack, resourcesOfType, single } from './synth';

const s = defaultStack();
const [poolId, pool] = single(s, 'AWS::Cognito::UserPool');
const [clientId, client] = single(s, 'AWS::Cognito::UserPoolClient');
const [distributionId, distribution] = single(s, 'AWS::CloudFront::Distribution');

test('every route but /health requires a JWT from the analysts pool for the site client', () => {
  const [authorizerId, authorizer] = single(s, 'AWS::ApiGatewayV2::Authorizer');
  assert.equal(authorizer.Properties?.AuthorizerType, 'JWT');
  assert.deepEqual(authorizer.Properties?.IdentitySource, ['$request.header.Authorization']);
  assert.deepEqual(authorizer.Properties?.JwtConfiguration.Audience, [{ Ref: clientId }]);
  assert.equal(
    JSON.stringify(authorizer.Properties?.JwtConfiguration.Issuer),
    JSON.stringify({ 'Fn::Join': ['', ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.amazonaws.com/', { Ref: poolId }]] }),
  );
  const routes = resourcesOfType(s, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties!);
  assert.equal(routes.length, Object.keys(API_ROUTES).length);
  for (const route of routes) {
    if (route.RouteKey === `GET ${API_ROUTES.health}`) {
      assert.ok(route.AuthorizationType === undefined || route.AuthorizationType === 'NONE', '/health stays open');
    } else {
      assert.equal(route.AuthorizationType, 'JWT', route.RouteKey);
      assert.deepEqual(route.AuthorizerId, { Ref: authorizerId }, route.RouteKey);
    }
  }
});

test('nobody can sign up: an admin creates analysts, with a strong password policy and required TOTP MFA', () => {
  const p = pool.Properties!;
  assert.equal(p.AdminCreateUserConfig.AllowAdminCreateUserOnly, true);
  const policy = p.Policies.PasswordPolicy;
  assert.ok(policy.MinimumLength >= 12);
  for (const rule of ['RequireLowercase', 'RequireUppercase', 'RequireNumbers', 'RequireSymbols']) assert.equal(policy[rule], true, rule);
  assert.equal(p.MfaConfiguration, 'ON');
  assert.deepEqual(p.EnabledMfas, ['SOFTWARE_TOKEN_MFA']);
  assert.equal(p.UserPoolTier, 'PLUS');
  assert.equal(p.UserPoolAddOns.AdvancedSecurityMode, 'ENFORCED');
});
test('the site client is public and uses the authorization-code flow, returning only to the CloudFront origin', () => {
  const c = client.Properties!;
  assert.equal(c.GenerateSecret, false);
  assert.deepEqual(c.AllowedOAuthFlows, ['code']);
  assert.equal(c.AllowedOAuthFlowsUserPoolClient, true);
  assert.deepEqual([...c.AllowedOAuthScopes].sort(), [API_SCOPE.scope, 'email', 'openid', 'profile'].sort());
  const origin = JSON.stringify({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }]] });
  for (const url of [...c.CallbackURLs, ...c.LogoutURLs]) assert.ok(JSON.stringify(url).startsWith(origin.slice(0, -3)), JSON.stringify(url));
  const [, domain] = single(s, 'AWS::Cognito::UserPoolDomain');
  assert.deepEqual(domain.Properties?.UserPoolId, { Ref: poolId });
});

test("the API's access log records who asked for which path, never the token", () => {
  const format = single(s, 'AWS::ApiGatewayV2::Stage')[1].Properties?.AccessLogSettings.Format as string;
  const fields = JSON.parse(format);
  assert.equal(fields.sub, '$context.authorizer.claims.sub');
  assert.equal(fields.path, '$context.path');
  assert.ok(!/authorization|\$request\.header|token/i.test(format), format);
});

test('a us-east-1 stack holds a CLOUDFRONT web ACL with a per-IP rate rule, and the distribution uses it', () => {
  assert.equal(s.edge.region, 'us-east-1');
  const edge = Template.fromStack(s.edge);
  const acls = Object.values(edge.findResources('AWS::WAFv2::WebACL'));
  assert.equal(acls.length, 1);
  const acl = acls[0].Properties;
  assert.equal(acl.Scope, 'CLOUDFRONT');
  const [rule] = acl.Rules;
  assert.deepEqual(rule.Action, { Block: {} });
  assert.deepEqual(rule.Statement.RateBasedStatement, { Limit: DEFAULT_CONFIG.auth.requestsPer5MinutesPerIp, AggregateKeyType: 'IP', EvaluationWindowSec: 300 });
  edge.hasResourceProperties('AWS::SSM::Parameter', { Name: webAclParameterName(DEFAULT_CONFIG) });
  // The main stack reads that parameter in us-east-1 at deploy time and attaches the ACL.
  const webAclId = JSON.stringify(distribution.Properties?.DistributionConfig.WebACLId);
  const [readerId, reader] = resourcesOfType(s, 'Custom::AWS').find(([, r]) => JSON.stringify(r.Properties?.Create).includes('getParameter'))!;
  assert.match(webAclId, new RegExp(`"${readerId}","Parameter.Value"`));
  assert.match(JSON.stringify(reader.Properties?.Create), /us-east-1/);
  assert.ok(s.app.synth().getStackByName('Recstream').dependencies.some((d) => d.id === 'RecstreamEdge'), 'the edge stack deploys first');
});

test('the site learns the sign-in authority, client id and scopes from config.json', () => {
  const config = s.stack.auth.runtimeConfig();
  assert.equal(config.scopes, `openid email profile ${API_SCOPE.scope}`);
  assert.match(JSON.stringify(s.stack.resolve(config.authority)), /cognito-idp\./);
  assert.deepEqual(s.stack.resolve(config.clientId), { Ref: clientId });
});

test('issue 12.5: every data route requires the API scope, which the site client may ask for and does ask for', () => {
  for (const [, route] of resourcesOfType(s, 'AWS::ApiGatewayV2::Route')) {
    if (route.Properties?.RouteKey === `GET ${API_ROUTES.health}`) continue;
    assert.deepEqual(route.Properties?.AuthorizationScopes, [API_SCOPE.scope], route.Properties?.RouteKey);
  }
  const [, server] = single(s, 'AWS::Cognito::UserPoolResourceServer');
  assert.equal(server.Properties?.Identifier, API_SCOPE.resourceServer);
  assert.deepEqual(server.Properties?.Scopes.map((sc: { ScopeName: string }) => sc.ScopeName), [API_SCOPE.name]);
  assert.ok(client.Properties?.AllowedOAuthScopes.includes(API_SCOPE.scope));
  assert.ok(s.stack.auth.runtimeConfig().scopes.split(' ').includes(API_SCOPE.scope), 'config.json asks for it');
});
