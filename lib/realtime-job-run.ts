/**
 * The streaming job's run as a CloudFormation resource (issue 23.2/23.7): CDK's Provider framework with
 * lambdas/emr-serverless-job-run, outside the VPC (it calls the public EMR Serverless API).
 * - create: StartJobRun;
 * - update: cancel the running job, wait until it has ended (two runs would share one checkpoint), stop the
 *   old application when it was replaced, then start the new run;
 * - delete: cancel, wait for the run to end, StopApplication, wait for STOPPED — DeleteApplication requires a
 *   stopped or created application (https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_DeleteApplication.html).
 * The waiting is the framework's isComplete polling, bounded by its total timeout and the resource's service timeout.
 */
import * as path from 'node:path';
import { CustomResource, Duration, Stack } from 'aws-cdk-lib';
import type * as emrserverless from 'aws-cdk-lib/aws-emrserverless';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, type IDependable } from 'constructs';
import type { RecstreamConfig } from './config';
import { BUNDLING, REPO_ROOT } from './functions';
import { exempt, lambdaManagedPolicyExemptions, resourceFinding, wildcards } from './nag';
import { logGroup } from './storage';

/** Cancelling a streaming run and stopping its application take minutes; past this the stack operation fails. */
export const JOB_RUN_TOTAL_TIMEOUT = Duration.minutes(30);

/** The tag the provider's EMR Serverless rights are conditioned on (an application replaced by an update has a new id). */
export const REALTIME_APPLICATION_TAG = 'recstream-realtime';

export interface RealtimeJobRunProps {
  config: RecstreamConfig;
  application: emrserverless.CfnApplication;
  /** The job's runtime role, passed to EMR Serverless. */
  jobRole: iam.IRole;
  /** The StartJobRun request without applicationId and clientToken. */
  startJobRun: Record<string, unknown>;
  /** What the run needs while it runs, so CloudFormation deletes them only after the run is stopped. */
  dependsOn: IDependable[];
}

export class RealtimeJobRun extends Construct {
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: RealtimeJobRunProps) {
    super(scope, id);
    const { config } = props;
    const fn = (name: 'onEvent' | 'isComplete') =>
      new nodejs.NodejsFunction(this, name === 'onEvent' ? 'OnEvent' : 'IsComplete', {
        entry: path.join(REPO_ROOT, 'lambdas', 'emr-serverless-job-run', 'handler.ts'),
        handler: name,
        description: `Streaming job run custom resource (${name}): start, cancel, stop the EMR Serverless application`,
        runtime: lambda.Runtime.NODEJS_24_X,
        architecture: lambda.Architecture.ARM_64,
        timeout: Duration.minutes(1),
        logGroup: logGroup(this, `${name}Logs`, config),
        depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
        projectRoot: REPO_ROOT,
        // The runtime's AWS SDK v3 provides the EMR Serverless client (not a dependency of this repository).
        bundling: { ...BUNDLING, externalModules: ['@aws-sdk/client-emr-serverless'] },
      });
    const onEvent = fn('onEvent');
    const isComplete = fn('isComplete');

    const { partition, region, account } = Stack.of(this);
    const applications = `arn:${partition}:emr-serverless:${region}:${account}:/applications/*`;
    // Only applications carrying this deployment's tag: an update that replaces the application must still reach the old one.
    // EMR Serverless authorizes by application tags: https://docs.aws.amazon.com/emr/latest/EMR-Serverless-UserGuide/security-iam-TBAC.html
    const tagged = { StringEquals: { [`aws:ResourceTag/${REALTIME_APPLICATION_TAG}`]: config.name } };
    isComplete.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['emr-serverless:StartJobRun', 'emr-serverless:ListJobRuns', 'emr-serverless:GetApplication', 'emr-serverless:StopApplication'],
        resources: [applications],
        conditions: tagged,
      }),
    );
    const runs = `${applications}/jobruns/*`;
    isComplete.addToRolePolicy(new iam.PolicyStatement({ actions: ['emr-serverless:CancelJobRun'], resources: [runs] }));
    isComplete.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [props.jobRole.roleArn], conditions: { StringLike: { 'iam:PassedToService': 'emr-serverless.amazonaws.com' } } }),
    );
    exempt(onEvent, [lambdaManagedPolicyExemptions('RealtimeJobRun onEvent')[0]]);
    exempt(isComplete, [
      lambdaManagedPolicyExemptions('RealtimeJobRun isComplete')[0],
      ...wildcards(
        `An update may replace the application (a new id), and the old one must still be stopped: the grant covers only applications tagged ${REALTIME_APPLICATION_TAG}=${config.name}, and the runs of applications in this account and region, whose ids exist only at run time.`,
        resourceFinding(this, applications),
        resourceFinding(this, runs),
      ),
    ]);

    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: onEvent,
      isCompleteHandler: isComplete,
      queryInterval: Duration.seconds(20),
      totalTimeout: JOB_RUN_TOTAL_TIMEOUT,
      logGroup: logGroup(this, 'ProviderLogs', config),
      // aws-cdk-lib leaves the waiter unlogged unless told otherwise.
      disableWaiterStateMachineLogging: false,
      waiterStateMachineLogOptions: { destination: logGroup(this, 'WaiterLogs', config), level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    exempt(provider, [
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: "CDK's custom-resource Provider framework: its roles use the policy only to write the framework's own logs.",
      },
      ...wildcards(
        "The Provider framework invokes the job-run functions and their versions, and its waiter's log delivery has no resource-level permissions (CDK's generated grants).",
        resourceFinding(this, `${onEvent.functionArn}:*`),
        resourceFinding(this, `${isComplete.functionArn}:*`),
        ...['isComplete', 'onTimeout'].map((name) => resourceFinding(this, `${(provider.node.findChild(`framework-${name}`) as lambda.IFunction).functionArn}:*`)),
        'Resource::*',
      ),
      { id: 'AwsSolutions-L1', reason: "aws-cdk-lib pins the Provider framework's runtime; upgrading aws-cdk-lib moves it." },
      { id: 'AwsSolutions-SF2', reason: "The Provider framework's waiter only polls isComplete; aws-cdk-lib offers no X-Ray setting for it, and its executions are logged." },
    ]);

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::EmrServerlessJobRun',
      properties: { ApplicationId: props.application.attrApplicationId, StartJobRun: Stack.of(this).toJsonString(props.startJobRun) },
      // Beyond the framework's own limit, so its timeout (with its reason) is what CloudFormation reports.
      serviceTimeout: JOB_RUN_TOTAL_TIMEOUT.plus(Duration.minutes(5)),
    });
    this.resource.node.addDependency(props.jobRole, ...props.dependsOn);
  }
}
