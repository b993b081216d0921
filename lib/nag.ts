/**
 * cdk-nag acknowledgements. cdk-nag 3 reads CDK's `Validations.of().acknowledge()`;
 * each one is attached to the construct it concerns and names the specific
 * reason the rule does not apply there (never one global list).
 *
 * IAM4/IAM5 findings are acknowledged one by one: the id names the exact policy,
 * action or resource, e.g. `AwsSolutions-IAM5[Resource::<Lake5F1B88EA.Arn>/raw/purchases/*]`.
 */
import { Stack, Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

export interface Exemption {
  /** e.g. `AwsSolutions-S1`, or `AwsSolutions-IAM5[Resource::...]` for one finding */
  id: string;
  reason: string;
}

/**
 * Runs the AwsSolutions pack as a validation plugin: every `cdk synth` (and deploy) checks the
 * templates, and an unacknowledged finding fails the synth with its report, so a changed config
 * shows its findings before anything is deployed.
 */
export function checkWithCdkNag(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
}

/** cdk-nag registers its rules under the pack's name. */
const PACK = 'AwsSolutions::';

export const exempt = (construct: IConstruct, exemptions: Exemption[]): void =>
  Validations.of(construct).acknowledge(...exemptions.map(({ id, reason }) => ({ id: `${PACK}${id}`, reason })));

/** One IAM5 exemption per wildcard finding, all for the same reason. */
export const wildcards = (reason: string, ...findings: string[]): Exemption[] =>
  findings.map((finding) => ({ id: `AwsSolutions-IAM5[${finding}]`, reason }));

type Intrinsic = { Ref?: string; 'Fn::GetAtt'?: [string, string]; 'Fn::Join'?: [string, unknown[]] };

/** One part of a resolved ARN the way cdk-nag prints it: pseudo parameters and attributes in <>, other intrinsics as JSON. */
const renderPart = (part: unknown): string => {
  if (typeof part === 'string') return part;
  const intrinsic = part as Intrinsic;
  if (intrinsic.Ref) return `<${intrinsic.Ref}>`;
  if (intrinsic['Fn::GetAtt']) return `<${intrinsic['Fn::GetAtt'].join('.')}>`;
  if (intrinsic['Fn::Join']) return intrinsic['Fn::Join'][1].map(renderPart).join(intrinsic['Fn::Join'][0]);
  return JSON.stringify(part);
};

/** The finding id cdk-nag gives a wildcard resource, e.g. `Resource::<Lake5F1B88EA.Arn>/raw/purchases/*`. */
export const resourceFinding = (scope: IConstruct, arn: string): string => `Resource::${renderPart(Stack.of(scope).resolve(arn))}`;

/** The bootstrap assets bucket CDK uploads file assets to (its object keys are content hashes). */
export const ASSETS_BUCKET_OBJECTS = 'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*';

/** `grantRead`'s action wildcards. */
export const S3_READ_ACTIONS = ['Action::s3:GetBucket*', 'Action::s3:GetObject*', 'Action::s3:List*'];

/** For constructs CDK creates once per stack (custom-resource providers), found by their fixed id. */
export function exemptSingleton(scope: IConstruct, singletonId: string, exemptions: Exemption[]): void {
  const singleton = Stack.of(scope).node.tryFindChild(singletonId);
  if (!singleton) throw new Error(`cdk-nag exemption: no CDK singleton "${singletonId}" in the stack (did aws-cdk-lib rename it?)`);
  exempt(singleton, exemptions);
}

/** What a CDK-owned provider Lambda (custom resources, notifications, deployments) raises. */
export const cdkProviderExemptions = (what: string, options: { pinnedRuntime?: boolean } = {}): Exemption[] => [
  {
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: `${what}: CDK's provider role uses it only to write the provider's own logs.`,
  },
  ...(options.pinnedRuntime
    ? [{ id: 'AwsSolutions-L1', reason: `${what}: aws-cdk-lib pins this provider's runtime; upgrading aws-cdk-lib moves it.` }]
    : []),
];

/** The managed policies Lambda attaches to a VPC function's role. */
export const lambdaManagedPolicyExemptions = (what: string): Exemption[] => [
  {
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: `${what}: writes its own log group; AWS maintains the policy as Lambda's logging needs change.`,
  },
  {
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
    reason: `${what}: runs in the VPC; the policy holds exactly the ENI actions Lambda needs, which EC2 does not scope to resources.`,
  },
];
