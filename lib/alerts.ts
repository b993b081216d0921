/** One encrypted SNS topic every alarm of the platform notifies. */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { RecstreamConfig } from './config';
import { removalPolicyOf } from './storage';

export class Alerts extends Construct {
  readonly topic: sns.Topic;
  private readonly key: kms.Key;
  private eventsMayPublish = false;

  constructor(scope: Construct, id: string, config: RecstreamConfig) {
    super(scope, id);
    // A customer-managed key: CloudWatch alarms cannot publish to a topic encrypted with the
    // AWS-managed SNS key (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html).
    const key = (this.key = new kms.Key(this, 'Key', {
      description: 'recstream alerts topic',
      enableKeyRotation: true,
      removalPolicy: removalPolicyOf(config),
    }));
    key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new sns.Topic(this, 'Topic', { masterKey: key, enforceSSL: true, displayName: `${config.name} alerts` });
    if (config.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));
  }

  /** Notifies the topic whenever `alarm` fires. */
  notify(alarm: cloudwatch.Alarm): void {
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
  }

  /**
   * Sends each event `rule` matches to the topic, as `message`. EventBridge publishes to an encrypted topic only
   * if the key lets events.amazonaws.com use it: https://repost.aws/knowledge-center/sns-not-getting-eventbridge-notification
   */
  forward(rule: events.Rule, message: events.RuleTargetInput): void {
    if (!this.eventsMayPublish) {
      this.key.grant(new iam.ServicePrincipal('events.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
      this.eventsMayPublish = true;
    }
    rule.addTarget(new targets.SnsTopic(this.topic, { message }));
  }
}
