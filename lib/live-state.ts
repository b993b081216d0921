/**
 * Issue 24: the customers' live state, one DynamoDB item per active customer (contract/realtime.ts LiveActivity),
 * written by the streaming job each micro-batch and read by the API with one GetItem per recommendations request.
 * On demand and empty when nobody shops: nothing idles at cost beyond storage of the last half hour's customers.
 * Items expire by DynamoDB's TTL on `expires_at` (deleted within days of expiring, so the API checks it too).
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { REALTIME } from '../contract';
import { exempt } from './nag';

const SETTINGS = REALTIME.liveRecommendations;

export class LiveState extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: SETTINGS.partitionKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: SETTINGS.ttlAttribute,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      // Rebuilt by the streaming job from its own state within a batch; nothing in it outlives half an hour.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    exempt(this.table, [
      {
        id: 'AwsSolutions-DDB3',
        reason: `Each item lives ${SETTINGS.activeMinutes} minutes and the streaming job rewrites it from its checkpointed state; a point-in-time restore would bring back expired sessions, and is billed per GB.`,
      },
    ]);
  }

  /** The streaming job writes each changed customer's item (BatchWriteItem of puts, no reads). */
  grantWrite(role: iam.IGrantable): void {
    role.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['dynamodb:BatchWriteItem', 'dynamodb:PutItem'], resources: [this.table.tableArn] }));
  }

  /** The API reads one customer's item per request. */
  grantRead(fn: iam.IGrantable): void {
    fn.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [this.table.tableArn] }));
  }
}
