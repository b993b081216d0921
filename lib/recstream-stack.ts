/** The whole platform in one stack: one construct per concern, wired here. */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { REALTIME } from '../contract';
import { Alerts } from './alerts';
import { AnalystSql } from './athena';
import { Auth } from './auth';
import type { RecstreamConfig } from './config';
import { webAclArnFromEdge } from './edge';
import { Ingest } from './ingest';
import { LakeCatalog } from './lake-catalog';
import { Network } from './network';
import { Processing } from './processing';
import { EMR_LOG_PREFIX } from './processing/lake-paths';
import { REALTIME_LOGS, Realtime } from './realtime';
import { RealtimeMonitoring } from './realtime-monitoring';
import { Serving } from './serving';
import { LogBuckets } from './storage';
import { Streaming } from './streaming';
import { Web } from './web';

export interface RecstreamStackProps extends StackProps {
  config: RecstreamConfig;
}

export class RecstreamStack extends Stack {
  readonly network: Network;
  readonly streaming: Streaming;
  readonly ingest: Ingest;
  readonly serving: Serving;
  readonly processing: Processing;
  readonly web: Web;
  readonly auth: Auth;
  /** Only with `realtime.enabled`. */
  readonly realtime?: Realtime;
  readonly catalog: LakeCatalog;
  readonly analystSql: AnalystSql;

  constructor(scope: Construct, id: string, props: RecstreamStackProps) {
    super(scope, id, props);
    const { config } = props;
    const logs = new LogBuckets(this, 'Logs', config);
    const alerts = new Alerts(this, 'Alerts', config);
    this.network = new Network(this, 'Network', config);
    // Firehose's raw objects and everything the Spark jobs write (LAKE in the contract).
    // Only the log prefixes expire: EMR's cluster logs and the streaming job's (issue 23.12); the data stays.
    const expireLogs = (prefix: string): s3.LifecycleRule => ({ prefix, expiration: Duration.days(config.logRetentionDays) });
    const lake = logs.bucket(this, 'Lake', config, { lifecycleRules: [expireLogs(EMR_LOG_PREFIX), expireLogs(REALTIME_LOGS)] });

    this.web = new Web(this, 'Web', { config, logs, webAclArn: webAclArnFromEdge(this, config) });
    this.auth = new Auth(this, 'Auth', { config, siteOrigin: this.web.origin });
    this.streaming = new Streaming(this, 'Streaming', { config, network: this.network, lake });
    this.ingest = new Ingest(this, 'Ingest', { config, network: this.network, logs, streaming: this.streaming, alerts });
    this.serving = new Serving(this, 'Serving', {
      config,
      network: this.network,
      lake,
      siteOrigin: this.web.origin,
      jwt: { issuer: this.auth.issuer, audience: this.auth.client.userPoolClientId },
    });
    this.processing = new Processing(this, 'Processing', { config, network: this.network, lake, loader: this.serving.loader.fn, alerts });
    if (config.realtime.enabled) {
      const realtime = (this.realtime = new Realtime(this, 'Realtime', { config, network: this.network, lake, streaming: this.streaming }));
      // Issue 24: the API serves a customer's live list from the job's live state.
      realtime.liveState.grantRead(this.serving.apiFunction.fn);
      this.serving.apiFunction.fn.addEnvironment(REALTIME.liveRecommendations.tableEnv, realtime.liveState.table.tableName);
      new RealtimeMonitoring(this, 'RealtimeMonitoring', {
        config,
        alerts,
        applicationId: realtime.application.attrApplicationId,
        applicationName: realtime.application.name!,
        collector: realtime.collector.fn,
        api: this.serving.api,
        deliveryStreams: Object.values(this.streaming.deliveryStreams),
      });
      new CfnOutput(this, 'CollectorUrl', {
        value: realtime.collectorApi.eventsUrl,
        description: "Storefronts POST events here with their store's x-api-key (aws apigateway get-api-key --include-value) and write key",
      });
      new CfnOutput(this, 'RealtimeApplicationId', { value: realtime.application.attrApplicationId, description: 'EMR Serverless application of the streaming job' });
    }
    // Analysts' SQL over the lake (issue 25): the catalog of contract/catalog.ts and the Athena workgroup.
    this.catalog = new LakeCatalog(this, 'LakeCatalog', { config, lake });
    this.analystSql = new AnalystSql(this, 'AnalystSql', { config, logs, lake, catalog: this.catalog });
    this.web.publish({ apiUrl: this.serving.apiUrl, auth: this.auth.runtimeConfig() });

    new CfnOutput(this, 'LandingBucket', { value: this.ingest.landing.bucketName, description: 'Upload purchases CSVs here (aws s3 cp FILE s3://<bucket>/)' });
    new CfnOutput(this, 'SiteUrl', { value: this.web.origin, description: 'The website' });
    new CfnOutput(this, 'ApiUrl', { value: this.serving.apiUrl, description: 'The recommendation API' });
    new CfnOutput(this, 'StateMachineArn', {
      value: this.processing.stateMachine.stateMachineArn,
      description: 'Start the Spark pipeline: aws stepfunctions start-execution --state-machine-arn <this>',
    });
    new CfnOutput(this, 'UserPoolId', {
      value: this.auth.userPool.userPoolId,
      description: 'Add an analyst: aws cognito-idp admin-create-user --user-pool-id <this> --username <email>',
    });
    new CfnOutput(this, 'AnalystWorkGroup', { value: this.analystSql.workGroup.ref, description: 'Athena workgroup for analysts: attach the AnalystPolicy managed policy to their role' });
    new CfnOutput(this, 'AnalystPolicyArn', { value: this.analystSql.analystPolicy.managedPolicyArn, description: "Attach to an analyst's IAM role to query the lake in the analysts' workgroup" });
    new CfnOutput(this, 'LakeBucket', { value: lake.bucketName, description: 'Raw, curated, serving and analytics data' });
  }
}
