// Issue 23.8: the streaming job's dependencies. The jar set setup fetches (Spark's Kafka source and MSK's IAM
// login module, which the EMR Serverless image lacks); the STS interface endpoint the IAM login module's default
// credential chain may call from the isolated subnets (interface endpoints with private DNS:
// https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html, STS's:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_sts_vpce.html); an optional packed Python
// environment shipped with spark.archives (https://docs.aws.amazon.com/emr/latest/EMR-Serverless-UserGuide/using-python-libraries.html).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_CONFIG } from '../../lib/config';
import { REPO_ROOT } from '../../lib/functions';
import { realtimeJars } from '../../lib/realtime';
import { defaultStack, jsonWithTokens, resourcesOfType, single, statementsOfRole, synthesizeRealtime, actionsOf, type Synthesized, refsOf } from './synth';

const interfaceEndpoints = (s: Synthesized) => resourcesOfType(s, 'AWS::EC2::VPCEndpoint').filter(([, e]) => e.Properties?.VpcEndpointType === 'Interface');

test('setup fetches both required jars into the default realtime.jarsDir (a fresh clone synthesizes realtime on)', () => {
  const dir = path.join(REPO_ROOT, DEFAULT_CONFIG.realtime.jarsDir);
  assert.equal(DEFAULT_CONFIG.realtime.jarsDir, 'local/realtime/target/emr-lib');
  assert.ok(fs.existsSync(path.join(dir, '.complete')), `run bash local/setup.sh: ${dir} is not filled`);
  const names = realtimeJars(DEFAULT_CONFIG.realtime.jarsDir).map((f) => path.basename(f));
  assert.ok(names.some((n) => /^spark-sql-kafka-0-10_2\.12-3\.5\.\d+\.jar$/.test(n)), names.join(' '));
  assert.ok(names.some((n) => /^aws-msk-iam-auth-[\d.]+-all\.jar$/.test(n)), names.join(' '));
  // The twin's set (local Spark) is not the AWS one: no IAM module on the local classpath.
  assert.ok(!fs.readdirSync(path.join(REPO_ROOT, 'local/realtime/target/lib')).some((n) => n.startsWith('aws-msk-iam-auth')));
});

test('realtime on: an STS interface endpoint with private DNS in the isolated subnets, reachable from the job only', () => {
  const on = synthesizeRealtime();
  const endpoints = interfaceEndpoints(on);
  assert.equal(endpoints.length, 1);
  const [, sts] = endpoints[0];
  assert.match(JSON.stringify(sts.Properties!.ServiceName), /\.sts"/);
  assert.equal(sts.Properties!.PrivateDnsEnabled, true);
  assert.equal(sts.Properties!.SubnetIds.length, 2);
  const [group] = refsOf(sts.Properties!.SecurityGroupIds);
  const ingress = [...(on.resources[group].Properties!.SecurityGroupIngress ?? []), ...resourcesOfType(on, 'AWS::EC2::SecurityGroupIngress').filter(([, r]) => refsOf(r.Properties?.GroupId).includes(group)).map(([, r]) => r.Properties)];
  assert.equal(ingress.length, 1);
  const jobGroup = refsOf(single(on, 'AWS::EMRServerless::Application')[1].Properties!.NetworkConfiguration.SecurityGroupIds)[0];
  assert.deepEqual([ingress[0].FromPort, ingress[0].ToPort, refsOf(ingress[0].SourceSecurityGroupId)], [443, 443, [jobGroup]]);
  // Deleted only after the run is stopped.
  assert.ok([single(on, 'Custom::EmrServerlessJobRun')[1].DependsOn].flat().includes(endpoints[0][0]));
});

test('realtime off: no interface endpoint at all (each costs by the hour)', () => {
  assert.deepEqual(interfaceEndpoints(defaultStack()), []);
});

test('a packed Python environment, when configured, is shipped as an asset the job may read and is its interpreter', () => {
  const archive = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'recstream-pyenv-')), 'env.tar.gz');
  fs.writeFileSync(archive, 'stand-in');
  const s = synthesizeRealtime({ context: { realtime: { pythonArchive: archive } } });
  const submit: string = jsonWithTokens(single(s, 'Custom::EmrServerlessJobRun')[1].Properties!.StartJobRun).jobDriver.sparkSubmit.sparkSubmitParameters;
  assert.match(submit, /--conf spark\.archives=<token>#environment/);
  assert.match(submit, /spark\.emr-serverless\.driverEnv\.PYSPARK_PYTHON=\.\/environment\/bin\/python/);
  assert.match(submit, /spark\.executorEnv\.PYSPARK_PYTHON=\.\/environment\/bin\/python/);
  const assetReads = (synth: Synthesized): number => {
    const role = resourcesOfType(synth, 'AWS::IAM::Role').find(([id]) => id.startsWith('RealtimeJobRole'))![0];
    const reads = statementsOfRole(synth, role).filter((st) => actionsOf(st).includes('s3:GetObject') && JSON.stringify(st.Resource).includes('cdk-hnb659fds-assets'));
    return reads.flatMap((st) => [st.Resource].flat()).length;
  };
  // Without it the image's Python runs the job, and the role reads one object fewer.
  const without = synthesizeRealtime();
  assert.equal(assetReads(s), assetReads(without) + 1);
  const plain: string = jsonWithTokens(single(without, 'Custom::EmrServerlessJobRun')[1].Properties!.StartJobRun).jobDriver.sparkSubmit.sparkSubmitParameters;
  assert.doesNotMatch(plain, /spark\.archives/);
});
