/**
 * Buckets with the platform's baseline: private, TLS-only, encrypted, access
 * logged, and deleted with the stack when the config says `destroy`.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { RecstreamConfig } from './config';
import { exempt } from './nag';

export const removalPolicyOf = (config: RecstreamConfig): RemovalPolicy =>
  config.removal === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

const baseline = (config: RecstreamConfig): s3.BucketProps => ({
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  enforceSSL: true,
  // SSE-S3: no KMS calls, so nothing in the isolated VPC needs a KMS endpoint.
  encryption: s3.BucketEncryption.S3_MANAGED,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
  removalPolicy: removalPolicyOf(config),
  autoDeleteObjects: config.removal === 'destroy',
});

/** Where every other bucket (and CloudFront) writes its access logs. */
export class LogBuckets extends Construct {
  /** S3 server access logs (delivered by the logging service principal, bucket policy grants). */
  readonly serverAccess: s3.Bucket;
  /** CloudFront standard logs, which are delivered with ACLs, so ownership must allow them. */
  readonly cdn: s3.Bucket;

  constructor(scope: Construct, id: string, config: RecstreamConfig) {
    super(scope, id);
    const expire = [{ expiration: Duration.days(config.logRetentionDays) }];
    this.serverAccess = new s3.Bucket(this, 'ServerAccess', { ...baseline(config), lifecycleRules: expire });
    exempt(this.serverAccess, [
      { id: 'AwsSolutions-S1', reason: 'This is the server-access-log bucket itself; logging it into itself would loop.' },
    ]);
    this.cdn = new s3.Bucket(this, 'Cdn', {
      ...baseline(config),
      // https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/AccessLogs.html#AccessLogsBucketAndFileOwnership
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      serverAccessLogsBucket: this.serverAccess,
      serverAccessLogsPrefix: 'cdn-logs/',
      lifecycleRules: expire,
    });
  }

  /** A bucket with the baseline, logging into the server-access-log bucket under `<id>/`. */
  bucket(scope: Construct, id: string, config: RecstreamConfig, props: s3.BucketProps = {}): s3.Bucket {
    return new s3.Bucket(scope, id, {
      ...baseline(config),
      serverAccessLogsBucket: this.serverAccess,
      serverAccessLogsPrefix: `${id.toLowerCase()}/`,
      ...props,
    });
  }
}

/** A log group kept for the configured retention, deleted with the stack in `destroy` mode. */
export const logGroup = (scope: Construct, id: string, config: RecstreamConfig): logs.LogGroup =>
  new logs.LogGroup(scope, id, {
    retention: config.logRetentionDays as logs.RetentionDays,
    removalPolicy: removalPolicyOf(config),
  });

/**
 * The log group of CDK's AwsCustomResource function. That function is a singleton per stack, so
 * only the first AwsCustomResource's `logGroup` reaches it: every one must pass this same group, or
 * the others' groups are created and never written to.
 */
export const awsCustomResourceLogGroup = (scope: Construct, config: RecstreamConfig): logs.LogGroup => {
  const stack = Stack.of(scope);
  const id = 'AwsCustomResourceLogs';
  return (stack.node.tryFindChild(id) as logs.LogGroup | undefined) ?? logGroup(stack, id, config);
};
