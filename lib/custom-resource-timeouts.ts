/**
 * CloudFormation waits an hour for a custom resource that never answers (ServiceTimeout defaults to 3600 s:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-customresource.html).
 * Ours set their own; CDK's own (auto-delete objects, default-SG restriction, bucket deployment and
 * notifications) offer no setting, so this aspect bounds them: a Lambda runs at most 15 minutes, so 20 minutes
 * never cuts a provider short and a lost answer fails the stack in a third of the hour.
 */
import { CfnResource, Duration, type IAspect } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** What CDK's own providers get: past the 15-minute Lambda limit. */
export const CDK_PROVIDER_SERVICE_TIMEOUT = Duration.minutes(20);

/** The custom resources aws-cdk-lib creates for its L2 constructs, none of which takes a service timeout. */
const CDK_OWN = new Set(['Custom::S3AutoDeleteObjects', 'Custom::VpcRestrictDefaultSG', 'Custom::CDKBucketDeployment', 'Custom::S3BucketNotifications']);

export class BoundedCdkCustomResources implements IAspect {
  visit(node: IConstruct): void {
    if (node instanceof CfnResource && CDK_OWN.has(node.cfnResourceType)) {
      node.addPropertyOverride('ServiceTimeout', CDK_PROVIDER_SERVICE_TIMEOUT.toSeconds());
    }
  }
}
