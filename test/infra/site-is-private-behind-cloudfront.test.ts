// Private site bucket read only through CloudFront OAC, HTTPS only, SPA fallbacks, logs; site + config.json deployed together.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { resolveConfig } from '../../lib/config';
import { WEB_RUNTIME_CONFIG_FILE } from '../../contract';
import { webDistDirectory } from '../../lib/web';
import { defaultStack, resourcesOfType, single } from './synth';

const s = defaultStack();
const [distributionId, distribution] = single(s, 'AWS::CloudFront::Distribution');
const config = distribution.Properties?.DistributionConfig;

test('CloudFront reads the bucket through origin access control, and the bucket policy admits only this distribution', () => {
  const [oacId] = single(s, 'AWS::CloudFront::OriginAccessControl');
  const origin = config.Origins[0];
  assert.deepEqual(origin.OriginAccessControlId, { 'Fn::GetAtt': [oacId, 'Id'] });
  assert.equal(origin.S3OriginConfig.OriginAccessIdentity, '');
  const siteBucketRef = origin.DomainName['Fn::GetAtt'][0];
  const [, policy] = resourcesOfType(s, 'AWS::S3::BucketPolicy').find(([, p]) => p.Properties?.Bucket.Ref === siteBucketRef)!;
  const reads = (policy.Properties?.PolicyDocument.Statement as any[]).filter((st) => st.Effect === 'Allow' && [st.Action].flat().includes('s3:GetObject'));
  assert.equal(reads.length, 1, 'only CloudFront may read objects');
  const [allow] = reads;
  assert.deepEqual(allow.Principal, { Service: 'cloudfront.amazonaws.com' });
  assert.match(JSON.stringify(allow.Condition), new RegExp(`distribution/.*${distributionId}`));
  const bucket = s.resources[siteBucketRef].Properties;
  assert.deepEqual(bucket?.OwnershipControls, { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
  assert.equal(bucket?.WebsiteConfiguration, undefined, 'never the public website endpoint');
});

test('viewers are redirected to HTTPS, / serves index.html and unknown paths serve the app shell', () => {
  assert.equal(config.DefaultCacheBehavior.ViewerProtocolPolicy, 'redirect-to-https');
  assert.equal(config.DefaultRootObject, 'index.html');
  assert.deepEqual(
    config.CustomErrorResponses.map((r: any) => [r.ErrorCode, r.ResponseCode, r.ResponsePagePath]),
    [[403, 200, '/index.html'], [404, 200, '/index.html']],
  );
  assert.ok(config.Logging.Bucket, 'access logs are on');
});

test('one deployment ships the site and config.json (the API URL, resolved at deploy time) and invalidates the cache', () => {
  const [, deployment] = single(s, 'Custom::CDKBucketDeployment');
  assert.equal(deployment.Properties?.SourceObjectKeys.length, 2);
  const [apiId] = single(s, 'AWS::ApiGatewayV2::Api');
  const [clientId] = single(s, 'AWS::Cognito::UserPoolClient');
  const tokens = JSON.stringify(Object.values(deployment.Properties?.SourceMarkers[1]));
  assert.ok(tokens.includes(JSON.stringify({ 'Fn::GetAtt': [apiId, 'ApiEndpoint'] })), 'config.json carries the API endpoint');
  assert.ok(tokens.includes(JSON.stringify({ Ref: clientId })), 'config.json carries the sign-in client id');
  assert.deepEqual(deployment.Properties?.DistributionId, { Ref: distributionId });
  assert.deepEqual(deployment.Properties?.DistributionPaths, ['/*']);
  assert.equal(WEB_RUNTIME_CONFIG_FILE, 'config.json');
});

test('synth builds a missing site itself (issue 12.9: `npm ci && npx cdk synth` on a fresh clone)', () => {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'recstream-fresh-')), 'dist');
  assert.equal(webDistDirectory(resolveConfig({ webDist: dir })), dir);
  assert.match(fs.readFileSync(path.join(dir, 'index.html'), 'utf8'), /<script type="module"/);
});

test('a site that cannot be built fails with the command that shows why', () => {
  // Its parent is a file, so the output folder cannot be created.
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'recstream-unbuildable-')), 'a-file');
  fs.writeFileSync(file, '');
  assert.throws(() => webDistDirectory(resolveConfig({ webDist: path.join(file, 'dist') })), /npm run build:web/);
});
