/**
 * The web ACL that rate-limits the site per client IP. A web ACL for CloudFront
 * (scope CLOUDFRONT) must be created in us-east-1
 * (https://docs.aws.amazon.com/waf/latest/developerguide/how-aws-waf-works-resources.html),
 * so it lives in its own small stack there, which publishes the ACL's ARN in an
 * SSM parameter; the main stack, in whatever region it is deployed, reads that
 * parameter at deploy time. (CDK's `crossRegionReferences` does the same, but
 * needs the main stack's region at synth time; this keeps `cdk synth`
 * region-agnostic.) `cdk deploy --all` deploys this stack first.
 */
import { createHash } from 'node:crypto';
import { Aws, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { RecstreamConfig } from './config';
import { awsCustomResourceLogGroup } from './storage';

export const EDGE_REGION = 'us-east-1';

/** Changes whenever the web ACL's definition does. */
export const siteAclFingerprint = (config: RecstreamConfig): string =>
  createHash('sha256').update(JSON.stringify(siteAclProps(config))).digest('hex').slice(0, 16);

/** Where the edge stack publishes the web ACL's ARN. */
export const webAclParameterName = (config: RecstreamConfig): string => `/${config.name}/edge/web-acl-arn`;

/** The web ACL's whole definition: the edge stack builds it, and the main stack's reader fingerprints it. */
export function siteAclProps(config: RecstreamConfig): wafv2.CfnWebACLProps {
  const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
    cloudWatchMetricsEnabled: true,
    sampledRequestsEnabled: true,
    metricName,
  });
  return {
    name: `${config.name}-site`,
    scope: 'CLOUDFRONT',
    defaultAction: { allow: {} },
    visibilityConfig: visibility(`${config.name}-site`),
    rules: [
      {
        name: 'RateLimitPerIp',
        priority: 0,
        action: { block: {} },
        // https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based.html
        statement: {
          rateBasedStatement: { limit: config.auth.requestsPer5MinutesPerIp, aggregateKeyType: 'IP', evaluationWindowSec: 300 },
        },
        visibilityConfig: visibility(`${config.name}-rate-limit-per-ip`),
      },
    ],
  };
}

export interface EdgeStackProps extends StackProps {
  config: RecstreamConfig;
}

export class EdgeStack extends Stack {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, { ...props, env: { account: props.env?.account, region: EDGE_REGION } });
    const { config } = props;
    this.webAcl = new wafv2.CfnWebACL(this, 'SiteAcl', siteAclProps(config));
    new ssm.StringParameter(this, 'SiteAclArn', {
      parameterName: webAclParameterName(config),
      stringValue: this.webAcl.attrArn,
      description: 'ARN of the CloudFront web ACL, read by the main recstream stack at deploy time',
    });
  }
}

/**
 * Reads the edge stack's web ACL ARN (in us-east-1) during the main stack's deployment.
 *
 * CloudFormation runs the read again only when the reader's properties change. The ACL is replaced
 * only when its definition changes (its name or scope), so a fingerprint of that definition is part of
 * the reader's properties: a changed ACL is re-read in the same `cdk deploy --all`. (WAF refuses to
 * delete a web ACL still associated with a distribution, so it is not replaced behind the main stack's
 * back: https://docs.aws.amazon.com/waf/latest/APIReference/API_DeleteWebACL.html.)
 */
export function webAclArnFromEdge(scope: Construct, config: RecstreamConfig): string {
  const name = webAclParameterName(config);
  const call: cr.AwsSdkCall = {
    service: 'SSM',
    action: 'getParameter',
    parameters: { Name: name },
    region: EDGE_REGION,
    physicalResourceId: cr.PhysicalResourceId.of(`${name}@${siteAclFingerprint(config)}`),
  };
  const read = new cr.AwsCustomResource(scope, 'EdgeWebAclArn', {
    onCreate: call,
    onUpdate: call,
    policy: cr.AwsCustomResourcePolicy.fromStatements([
      new iam.PolicyStatement({
        actions: ['ssm:GetParameter'],
        resources: [`arn:${Aws.PARTITION}:ssm:${EDGE_REGION}:${Aws.ACCOUNT_ID}:parameter${name}`],
      }),
    ]),
    installLatestAwsSdk: false,
    // One SDK call within the provider's 2-minute timeout; a lost answer fails the stack in minutes, not an hour.
    serviceTimeout: Duration.minutes(5),
    logGroup: awsCustomResourceLogGroup(scope, config),
  });
  return read.getResponseField('Parameter.Value');
}
