/**
 * How every recstream Lambda is built: esbuild bundle (no Docker), newest
 * Node runtime, inside the VPC's isolated subnets with its own security group,
 * and a log group with the configured retention.
 */
import * as path from 'node:path';
import { Duration, Size } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import type { RecstreamConfig } from './config';
import { exempt, lambdaManagedPolicyExemptions } from './nag';
import type { Network } from './network';
import { logGroup } from './storage';

/** Repository root, so entries resolve the same from `cdk synth` and from tests. */
export const REPO_ROOT = path.resolve(__dirname, '..');

/** esbuild, no Docker: how every recstream Lambda is bundled. */
export const BUNDLING: nodejs.BundlingOptions = {
  forceDockerBundling: false,
  // ESM: @platformatic/kafka is an ES module that reads import.meta.url at load, which a CJS bundle
  // lacks (it crashes on require). The banner gives bundled CommonJS packages their `require`.
  format: nodejs.OutputFormat.ESM,
  mainFields: ['module', 'main'],
  banner: "import { createRequire as bannerCreateRequire } from 'node:module'; const require = bannerCreateRequire(import.meta.url);",
  // The WebAssembly codecs inlined, instead of a .wasm file read from beside a module that bundling removes.
  esbuildArgs: { '--alias:@platformatic/wasm-utils': '@platformatic/wasm-utils/bundled' },
  minify: true,
  sourceMap: true,
  target: 'node24',
  // Bundle the SDK too: the runtime's copy may lack packages the MSK signer needs
  // and differs from the version the local tests ran against.
  externalModules: [],
};

export interface AppFunctionProps {
  config: RecstreamConfig;
  network: Network;
  /** Handler file relative to the repo root, e.g. `lambdas/api/handler.ts`. */
  entry: string;
  description: string;
  memoryMiB?: number;
  /** /tmp size; Lambda's default is 512 MiB. */
  ephemeralStorageMiB?: number;
  timeout?: Duration;
  environment?: Record<string, string>;
}

export class AppFunction extends Construct {
  readonly fn: nodejs.NodejsFunction;
  readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    const { config, network } = props;
    this.securityGroup = network.securityGroup(this, 'Sg', `${id}: egress to VPC endpoints only`);

    this.fn = new nodejs.NodejsFunction(this, 'Fn', {
      entry: path.join(REPO_ROOT, props.entry),
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memoryMiB ?? 256,
      ephemeralStorageSize: props.ephemeralStorageMiB === undefined ? undefined : Size.mebibytes(props.ephemeralStorageMiB),
      timeout: props.timeout ?? Duration.seconds(10),
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      vpc: network.vpc,
      vpcSubnets: network.subnets,
      securityGroups: [this.securityGroup],
      logGroup: logGroup(this, 'Logs', config),
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      projectRoot: REPO_ROOT,
      bundling: BUNDLING,
    });
    exempt(this.fn, lambdaManagedPolicyExemptions(id));
  }
}
