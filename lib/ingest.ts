/**
 * The landing bucket and the producer: every `.csv`/`.csv.gz` upload invokes
 * the ingest Lambda, which streams its rows to the purchases topic and writes
 * rejected rows and a report beside the upload (keys from the contract, whose
 * suffixes do not match the trigger, so they never re-trigger it).
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Alerts } from './alerts';
import type { RecstreamConfig } from './config';
import { LAMBDA_ENV, UPLOAD_SUFFIXES, ingestReportKeyFor, quarantineKeyFor } from '../contract';
import { AppFunction } from './functions';
import { cdkProviderExemptions, exempt, exemptSingleton, resourceFinding, wildcards } from './nag';
import type { Network } from './network';
import type { LogBuckets } from './storage';
import type { Streaming } from './streaming';

export interface IngestProps {
  config: RecstreamConfig;
  network: Network;
  logs: LogBuckets;
  streaming: Streaming;
  alerts: Alerts;
}

export class Ingest extends Construct {
  readonly landing: s3.Bucket;
  readonly producer: AppFunction;
  /** Invocations that failed after Lambda's retries, with the S3 event, for replay. */
  readonly failedUploads: sqs.Queue;

  constructor(scope: Construct, id: string, props: IngestProps) {
    super(scope, id);
    const { config, network, streaming } = props;
    this.landing = props.logs.bucket(this, 'Landing', config);

    this.producer = new AppFunction(this, 'Producer', {
      config,
      network,
      entry: 'lambdas/ingest/handler.ts',
      description: 'Validates an uploaded purchases CSV row by row and produces it to the purchases topic',
      memoryMiB: config.producer.memoryMiB,
      // The quarantine is spooled to /tmp before upload: ~2.5x the CSV when every row is bad, so 4 GiB covers a 1.5 GB upload.
      ephemeralStorageMiB: 4096,
      // Lambda's maximum: the largest file one invocation takes is bounded by it.
      timeout: Duration.minutes(15),
      environment: { [LAMBDA_ENV.kafkaBrokers]: streaming.bootstrapBrokers, [LAMBDA_ENV.kafkaAuth]: 'iam' },
    });
    const fn = this.producer.fn;
    streaming.allowClient(this.producer.securityGroup);
    streaming.grantProduce(fn);
    // Only what the handler calls: GetObject (with IfMatch) on the uploaded key. The bucket is SSE-S3, so no KMS grant.
    const uploads = this.landing.arnForObjects('*');
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [uploads] }));
    const besideUploads = [this.landing.arnForObjects(quarantineKeyFor('*')), this.landing.arnForObjects(ingestReportKeyFor('*'))];
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: besideUploads }));
    exempt(fn, [
      ...wildcards(
        'Uploads may have any key, so the producer may GetObject any object of the landing bucket.',
        resourceFinding(this, uploads),
      ),
      ...wildcards(
        'Writes are limited to the quarantine and report keys beside an upload (`*.rejected.jsonl`, `*.report.json`), which the trigger suffixes never match.',
        ...besideUploads.map((arn) => resourceFinding(this, arn)),
      ),
    ]);

    this.failedUploads = new sqs.Queue(this, 'FailedUploads', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    exempt(this.failedUploads, [
      { id: 'AwsSolutions-SQS3', reason: 'This queue is itself the dead-letter destination of failed producer invocations.' },
    ]);
    // S3 invokes asynchronously: after two retries the event lands here instead of vanishing.
    fn.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new destinations.SqsDestination(this.failedUploads),
    });
    const stuck = new cloudwatch.Alarm(this, 'UploadsFailed', {
      alarmDescription: 'An upload could not be ingested; its S3 event waits in the failed-uploads queue.',
      metric: this.failedUploads.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    props.alerts.notify(stuck);

    for (const suffix of UPLOAD_SUFFIXES) {
      this.landing.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(fn), { suffix });
    }
    exemptSingleton(this, 'BucketNotificationsHandler050a0587b7544547bf325f094a3db834', cdkProviderExemptions('S3 bucket-notifications handler'));
  }
}
