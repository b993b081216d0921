// Issue 25: the lake in the Glue catalog with the month partitions projected, an Athena workgroup whose settings
// every query gets, the named queries in it, and the analyst policy. Facts checked against the AWS docs:
// - partition projection table parameters (projection.enabled, projection.<col>.type/format/range/interval/interval.unit,
//   storage.location.template; a range end may be relative, `NOW+1MONTH`; a month outside the range returns no rows,
//   no error): https://docs.aws.amazon.com/athena/latest/ug/partition-projection-supported-types.html,
//   https://docs.aws.amazon.com/athena/latest/ug/partition-projection.html
// - AWS::Athena::WorkGroup WorkGroupConfiguration (EnforceWorkGroupConfiguration, BytesScannedCutoffPerQuery >= 10,000,000,
//   EngineVersion.SelectedEngineVersion, ResultConfiguration.EncryptionConfiguration.EncryptionOption):
//   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-athena-workgroup-workgroupconfiguration.html,
//   https://docs.aws.amazon.com/athena/latest/APIReference/API_WorkGroupConfiguration.html
// - JSON lines through the Hive JSON SerDe: the OpenX SerDe's results "can be non-deterministic" per
//   https://docs.aws.amazon.com/athena/latest/ug/openx-json-serde.html
// - AWS::Athena::NamedQuery (Database and QueryString required, WorkGroup by name):
//   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-athena-namedquery.html
// - a policy limited to one Glue database also needs glue:GetDatabase/CreateDatabase on the catalog and `default`:
//   https://docs.aws.amazon.com/athena/latest/ug/fine-grained-access-to-glue-resources.html
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LAKE_TABLES, NAMED_QUERIES } from '../../contract';
import { ANALYST_SQL } from '../../lib/athena';
import { actionsOf, defaultStack, idStartingWith, resourcesOfType, single } from './synth';

const s = defaultStack();
const lakeId = idStartingWith(s, 'AWS::S3::Bucket', 'Lake');
const tables = resourcesOfType(s, 'AWS::Glue::Table').map(([, t]) => t.Properties!.TableInput);
const table = (name: string) => tables.find((t: any) => t.Name === name);
const [, workGroup] = single(s, 'AWS::Athena::WorkGroup');
const database = single(s, 'AWS::Glue::Database')[1].Properties!.DatabaseInput.Name;

/** `s3://${Lake}/prefix` as the template holds it. */
const lakeLocation = (value: any): string => value['Fn::Join'][1].map((p: any) => (typeof p === 'string' ? p : p.Ref === lakeId ? '<lake>' : JSON.stringify(p))).join('');

test('one Glue table per catalogued dataset, over its lake prefix, with the contract columns in order', () => {
  assert.deepEqual(tables.map((t: any) => t.Name).sort(), LAKE_TABLES.map((t) => t.name).sort());
  for (const spec of LAKE_TABLES) {
    const t = table(spec.name);
    assert.equal(t.TableType, 'EXTERNAL_TABLE');
    assert.equal(lakeLocation(t.StorageDescriptor.Location), `s3://<lake>/${spec.prefix}`);
    assert.deepEqual(t.StorageDescriptor.Columns.map((c: any) => [c.Name, c.Type]), spec.columns.map((c) => [c.name, c.type]));
    assert.equal(t.StorageDescriptor.SerdeInfo.SerializationLibrary, spec.format === 'parquet' ? 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' : 'org.apache.hive.hcatalog.data.JsonSerDe');
  }
});

test('purchases projects its month=yyyy-MM folders from the first month clean dates (1971-01) to the month after now (no crawler), and only purchases is partitioned', () => {
  const purchases = table('purchases');
  assert.deepEqual(purchases.PartitionKeys.map((k: any) => [k.Name, k.Type]), [['month', 'string']]);
  const { classification, EXTERNAL, 'storage.location.template': template, ...projection } = purchases.Parameters;
  assert.deepEqual([classification, EXTERNAL], ['parquet', 'TRUE']);
  assert.deepEqual(projection, {
    'projection.enabled': 'true',
    'projection.month.type': 'date',
    'projection.month.format': 'yyyy-MM',
    'projection.month.range': '1971-01,NOW+1MONTH',
    'projection.month.interval': '1',
    'projection.month.interval.unit': 'MONTHS',
  });
  assert.equal(lakeLocation(template), 's3://<lake>/curated/purchases/month=${month}/');
  for (const t of tables.filter((t: any) => t.Name !== 'purchases')) {
    assert.deepEqual(t.PartitionKeys, [], t.Name);
    assert.equal(t.Parameters['projection.enabled'], undefined, t.Name);
  }
  assert.equal(lakeLocation(table('purchases_undated').StorageDescriptor.Location), 's3://<lake>/curated/purchases/month=undated/');
});

test('the workgroup enforces its settings: SSE-S3 results in its own expiring bucket, the bytes-scanned cutoff, engine version 3', () => {
  const conf = workGroup.Properties!.WorkGroupConfiguration;
  assert.equal(conf.EnforceWorkGroupConfiguration, true);
  assert.equal(conf.BytesScannedCutoffPerQuery, ANALYST_SQL.bytesScannedCutoffPerQuery);
  assert.ok(conf.BytesScannedCutoffPerQuery >= 10_000_000, 'the API minimum');
  assert.deepEqual(conf.EngineVersion, { SelectedEngineVersion: 'Athena engine version 3' });
  assert.deepEqual(conf.ResultConfiguration.EncryptionConfiguration, { EncryptionOption: 'SSE_S3' });
  const resultsId = idStartingWith(s, 'AWS::S3::Bucket', 'AnalystSqlQueryResults');
  assert.match(JSON.stringify(conf.ResultConfiguration.OutputLocation), new RegExp(`"Ref":"${resultsId}"\\},"/results/"`));
  const results = s.resources[resultsId].Properties!;
  assert.deepEqual(results.LifecycleConfiguration.Rules.map((r: any) => r.ExpirationInDays), [ANALYST_SQL.resultRetentionDays]);
  assert.equal(results.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm, 'AES256');
  assert.equal(results.PublicAccessBlockConfiguration.RestrictPublicBuckets, true);
});

test('every named query of the contract is saved in the workgroup, against the catalog database, with its SQL', () => {
  const saved = resourcesOfType(s, 'AWS::Athena::NamedQuery').map(([, q]) => q.Properties!);
  assert.deepEqual(saved.map((q) => q.Name).sort(), NAMED_QUERIES.map((q) => q.name).sort());
  const workGroupId = idStartingWith(s, 'AWS::Athena::WorkGroup', 'AnalystSqlWorkGroup');
  for (const q of saved) {
    assert.equal(q.Database, database);
    assert.deepEqual(q.WorkGroup, { Ref: workGroupId });
    assert.equal(q.QueryString, NAMED_QUERIES.find((n) => n.name === q.Name)!.sql);
    assert.ok(q.QueryString.length <= 262_144 && q.Description.length <= 1024);
  }
});

test('the analyst policy runs queries in that workgroup only, reads the catalog and the catalogued prefixes only, and writes only results (and may create the Region\'s default database, as Athena needs)', () => {
  const [, policy] = single(s, 'AWS::IAM::ManagedPolicy');
  const statements: any[] = policy.Properties!.PolicyDocument.Statement;
  const text = (v: unknown) => JSON.stringify(v);
  const bySid = Object.fromEntries(statements.map((st) => [st.Sid, st]));
  assert.match(text(bySid.RunQueriesInTheAnalystsWorkGroup.Resource), /:workgroup\/recstream-analysts"/);
  assert.ok(actionsOf(bySid.RunQueriesInTheAnalystsWorkGroup).every((a) => a.startsWith('athena:') && !a.includes('*')));
  assert.ok(!actionsOf(bySid.RunQueriesInTheAnalystsWorkGroup).some((a) => /Create|Delete|Update/.test(a)), 'no changing the workgroup');
  for (const st of statements) {
    assert.equal(st.Effect, 'Allow');
    assert.ok(actionsOf(st).every((a) => !a.endsWith('*')), `${st.Sid}: no wildcard actions`);
  }
  const written = statements.filter((st) => actionsOf(st).some((a) => /Put|Delete|Create|Update/.test(a)));
  assert.deepEqual(written.map((st) => st.Sid), ['AthenaNeedsTheDefaultDatabase', 'WriteAndReadQueryResults']);
  // Athena needs GetDatabase/CreateDatabase on the Region's `default` database; the ARN allows creating that one only.
  assert.deepEqual(actionsOf(written[0]).sort(), ['glue:CreateDatabase', 'glue:GetDatabase']);
  const defaultDb = [written[0].Resource].flat().map((r: any) => text(r));
  assert.equal(defaultDb.length, 2);
  assert.ok(defaultDb.some((r) => r.endsWith(':catalog"]]}')) && defaultDb.some((r) => r.endsWith(':database/default"]]}')), defaultDb.join(' '));
  assert.match(text(written[1].Resource), /AnalystSqlQueryResults.*\/results\/\*/);
  const readObjects = [bySid.ReadTheCataloguedLakePrefixes.Resource].flat().map((r: any) => text(r));
  assert.equal(readObjects.length, LAKE_TABLES.length);
  for (const spec of LAKE_TABLES) assert.ok(readObjects.some((r) => r.includes(`"${lakeId}","Arn"]},"/${spec.prefix}*"`)), spec.prefix);
  assert.deepEqual(bySid.ListTheCataloguedLakePrefixes.Condition.StringLike['s3:prefix'], LAKE_TABLES.map((t) => `${t.prefix}*`));
  assert.match(text(bySid.ReadTheRecstreamCatalog.Resource), new RegExp(`:table/${database}/purchases"`));
  assert.ok(!text(statements).includes('raw/'), 'nothing under raw/ (the landed JSON is not catalogued)');
});
