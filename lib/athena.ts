/**
 * Athena for analysts (issue 25): a workgroup whose settings every query gets (its own results bucket, SSE-S3
 * encrypted results, a per-query bytes-scanned cutoff, engine version 3), the named queries of
 * contract/named-queries.ts in it, and a managed policy an admin attaches to an analyst's role: read the
 * catalog and the catalogued lake prefixes, run queries in this workgroup, read its results (plus the Region's
 * `default` database, which Athena requires): nothing else.
 *
 * Facts checked against the AWS docs:
 * - AWS::Athena::WorkGroup WorkGroupConfiguration: EnforceWorkGroupConfiguration (workgroup settings override
 *   the client's), BytesScannedCutoffPerQuery (minimum 10,000,000 bytes), EngineVersion.SelectedEngineVersion,
 *   ResultConfiguration.OutputLocation and EncryptionConfiguration.EncryptionOption (SSE_S3):
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-athena-workgroup-workgroupconfiguration.html,
 *   https://docs.aws.amazon.com/athena/latest/APIReference/API_WorkGroupConfiguration.html,
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-athena-workgroup-engineversion.html
 * - AWS::Athena::NamedQuery: Database and QueryString required, Name up to 128, Description up to 1,024,
 *   WorkGroup by name: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-athena-namedquery.html
 * - A policy that limits Glue access to one database must also allow glue:GetDatabase and glue:CreateDatabase on the
 *   catalog and the `default` database of the Region, "for Athena to work with the AWS Glue Data Catalog":
 *   https://docs.aws.amazon.com/athena/latest/ug/fine-grained-access-to-glue-resources.html (section on the default
 *   database and catalog per Region).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { LAKE_TABLES } from '../contract/catalog';
import { NAMED_QUERIES } from '../contract/named-queries';
import type { RecstreamConfig } from './config';
import type { LakeCatalog } from './lake-catalog';
import { exempt, resourceFinding, wildcards } from './nag';
import type { LogBuckets } from './storage';

export const ANALYST_SQL = {
  /**
   * A query that would scan more is cancelled (and billed for what it scanned until then): 100 GB is at most
   * $0.50 a query at $5 per TB scanned (docs/costs.md), several times a mid-size store's whole curated lake.
   */
  bytesScannedCutoffPerQuery: 100_000_000_000,
  engineVersion: 'Athena engine version 3',
  /** Query results are kept this long; the named queries re-run in seconds. */
  resultRetentionDays: 30,
  resultsPrefix: 'results/',
} as const;

export interface AnalystSqlProps {
  config: RecstreamConfig;
  logs: LogBuckets;
  lake: s3.IBucket;
  catalog: LakeCatalog;
}

export class AnalystSql extends Construct {
  readonly workGroup: athena.CfnWorkGroup;
  readonly results: s3.Bucket;
  readonly namedQueries: athena.CfnNamedQuery[];
  readonly analystPolicy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: AnalystSqlProps) {
    super(scope, id);
    const { config, lake, catalog } = props;
    const stack = Stack.of(this);
    this.results = props.logs.bucket(this, 'QueryResults', config, {
      lifecycleRules: [{ expiration: Duration.days(ANALYST_SQL.resultRetentionDays), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    });
    const workGroupName = `${config.name}-analysts`;
    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: workGroupName,
      description: 'Analysts\' SQL over the recstream lake (docs/user-guide.md "Ask your own questions in SQL")',
      state: 'ENABLED',
      // The workgroup holds only saved queries and history: it goes with the stack.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        bytesScannedCutoffPerQuery: ANALYST_SQL.bytesScannedCutoffPerQuery,
        engineVersion: { selectedEngineVersion: ANALYST_SQL.engineVersion },
        publishCloudWatchMetricsEnabled: true,
        resultConfiguration: {
          outputLocation: this.results.s3UrlForObject(ANALYST_SQL.resultsPrefix),
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });
    this.namedQueries = NAMED_QUERIES.map((query) => {
      const named = new athena.CfnNamedQuery(this, `Query-${query.name}`, {
        name: query.name,
        description: query.description,
        database: catalog.databaseName,
        queryString: query.sql,
        workGroup: this.workGroup.ref,
      });
      named.addResourceDependency(this.workGroup);
      return named;
    });

    const arn = (service: string, resource: string, resourceName?: string) => stack.formatArn({ service, resource, resourceName });
    const tablePrefixes = LAKE_TABLES.map((t) => t.prefix);
    const dataObjects = tablePrefixes.map((prefix) => lake.arnForObjects(`${prefix}*`));
    const resultObjects = this.results.arnForObjects(`${ANALYST_SQL.resultsPrefix}*`);
    this.analystPolicy = new iam.ManagedPolicy(this, 'AnalystPolicy', {
      managedPolicyName: `${config.name}-analyst-sql`,
      description: `Attach to an analyst's role: run queries in the ${workGroupName} Athena workgroup over the recstream catalog, nothing else`,
      statements: [
        new iam.PolicyStatement({
          sid: 'RunQueriesInTheAnalystsWorkGroup',
          actions: [
            'athena:StartQueryExecution',
            'athena:StopQueryExecution',
            'athena:GetQueryExecution',
            'athena:GetQueryResults',
            'athena:GetQueryResultsStream',
            'athena:ListQueryExecutions',
            'athena:BatchGetQueryExecution',
            'athena:GetWorkGroup',
            'athena:ListNamedQueries',
            'athena:GetNamedQuery',
            'athena:BatchGetNamedQuery',
          ],
          resources: [arn('athena', 'workgroup', workGroupName)],
        }),
        new iam.PolicyStatement({
          sid: 'SeeTheCatalogThroughAthena',
          actions: ['athena:GetDataCatalog', 'athena:GetDatabase', 'athena:ListDatabases', 'athena:GetTableMetadata', 'athena:ListTableMetadata'],
          resources: [arn('athena', 'datacatalog', 'AwsDataCatalog')],
        }),
        new iam.PolicyStatement({
          // Athena's own need (AWS docs above): it reads, and creates if missing, the Region's `default` database;
          // the database ARN names only `default`, so no other database can be created.
          sid: 'AthenaNeedsTheDefaultDatabase',
          actions: ['glue:GetDatabase', 'glue:CreateDatabase'],
          resources: [arn('glue', 'catalog'), arn('glue', 'database', 'default')],
        }),
        new iam.PolicyStatement({
          sid: 'ReadTheRecstreamCatalog',
          actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions'],
          resources: [arn('glue', 'catalog'), arn('glue', 'database', catalog.databaseName), ...LAKE_TABLES.map((t) => arn('glue', 'table', `${catalog.databaseName}/${t.name}`))],
        }),
        new iam.PolicyStatement({
          sid: 'ReadTheCataloguedLakePrefixes',
          actions: ['s3:GetObject'],
          resources: dataObjects,
        }),
        new iam.PolicyStatement({
          sid: 'ListTheCataloguedLakePrefixes',
          actions: ['s3:ListBucket'],
          resources: [lake.bucketArn],
          conditions: { StringLike: { 's3:prefix': tablePrefixes.map((p) => `${p}*`) } },
        }),
        new iam.PolicyStatement({
          sid: 'FindTheLakeBucket',
          actions: ['s3:GetBucketLocation'],
          resources: [lake.bucketArn],
        }),
        new iam.PolicyStatement({
          sid: 'WriteAndReadQueryResults',
          actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
          resources: [resultObjects],
        }),
        new iam.PolicyStatement({
          sid: 'FindTheResultsBucket',
          actions: ['s3:ListBucket', 's3:GetBucketLocation', 's3:ListBucketMultipartUploads'],
          resources: [this.results.bucketArn],
        }),
      ],
    });
    exempt(
      this.analystPolicy,
      wildcards(
        'Athena reads every object of a catalogued table prefix (the tables grow with each run) and writes its results under the workgroup prefix, object names it chooses: the wildcard is the prefix, nothing wider.',
        ...[...dataObjects, resultObjects].map((resource) => resourceFinding(this, resource)),
      ),
    );
  }
}
