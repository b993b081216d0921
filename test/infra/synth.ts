/**
 * Synthesizes the real stack for the infra tests, once per test file (bundling
 * four Lambdas with esbuild is the slow part), with a tiny stand-in for the
 * built website so the tests do not depend on `npm run build:web`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { resolveConfig, type RecstreamConfig } from '../../lib/config';
import { createRecstream } from '../../lib/app';
import { checkWithCdkNag } from '../../lib/nag';
import type { EdgeStack } from '../../lib/edge';
import type { RecstreamStack } from '../../lib/recstream-stack';

/** A minimal built site: index.html is what lib/web.ts checks for. */
export function stubWebDist(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recstream-web-dist-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>recstream</title>');
  return dir;
}

export interface Synthesized {
  app: App;
  stack: RecstreamStack;
  edge: EdgeStack;
  config: RecstreamConfig;
  template: Template;
  /** Every resource of the template, by logical id. */
  resources: Record<string, { Type: string; Properties?: Record<string, any>; DependsOn?: string[] | string }>;
}

export interface SynthOptions {
  /** Context override as `-c recstream=...` would give it. */
  context?: Record<string, unknown>;
  /** Apply cdk-nag's AwsSolutions pack (synth throws on unacknowledged findings). */
  nag?: boolean;
  outdir?: string;
  /** Run esbuild for the Lambdas (slow). Off by default: the assertions read the template, not the bundles. */
  bundle?: boolean;
}

/** The feature flags `cdk synth` applies from cdk.json, so tests build the same template the CLI does. */
const cdkJsonContext = (): Record<string, unknown> =>
  JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')).context ?? {};

export function synthesize(options: SynthOptions = {}): Synthesized {
  const app = new App({
    outdir: options.outdir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'recstream-cdk-out-')),
    // `aws:cdk:bundling-stacks: []` is what `cdk synth --exclusively`-style runs use to skip bundling.
    context: { ...cdkJsonContext(), ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) },
    // CDK's built-in CloudFormation validation (a WebAssembly rule engine `cdk synth` runs) only in the synths that
    // check the templates as `cdk synth` does, the cdk-nag ones: it costs ~7 CPU-s on a process's first synth and
    // ~2 s on each later one (two thirds of an infra test file's CPU), and it can only warn (its errors become
    // warnings unless cdk.json sets @aws-cdk/core:validateAgainstDefaultRules, which it does not), so no
    // assertion elsewhere reads it. cdk-synth-works-without-aws-credentials runs the real CLI, with it.
    builtinCloudFormationValidation: options.nag === true,
  });
  const config = resolveConfig({ webDist: stubWebDist(), ...options.context });
  const { main: stack, edge } = createRecstream(app, config);
  if (options.nag) checkWithCdkNag(app);
  const template = Template.fromStack(stack);
  return { app, stack, edge, config, template, resources: template.toJSON().Resources };
}

let cached: Synthesized | undefined;
/** The default deployment, synthesized once per process. */
export const defaultStack = (): Synthesized => (cached ??= synthesize());

/** Resources of one type, as [logicalId, resource] pairs. */
export const resourcesOfType = (s: Synthesized, type: string) =>
  Object.entries(s.resources).filter(([, resource]) => resource.Type === type);

type Resource = Synthesized['resources'][string];

/** The only resource of a type (fails loudly when there are none or several). */
export function single(s: Synthesized, type: string): [string, Resource] {
  const found = resourcesOfType(s, type);
  if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}`);
  return found[0];
}

/**
 * A Step Functions definition as JSON: CloudFormation builds it with Fn::Join
 * around tokens (ARNs, bucket names), which become `"<token>"` placeholders here.
 */
export function stateMachineDefinition(resource: Resource): { StartAt: string; States: Record<string, any> } {
  return jsonWithTokens(resource.Properties?.DefinitionString);
}

/** JSON text as CloudFormation builds it (Fn::Join around tokens), parsed with each token as `"<token>"`. */
export function jsonWithTokens(value: string | { 'Fn::Join': [string, unknown[]] }): any {
  const text = typeof value === 'string' ? value : value['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : '<token>')).join('');
  return JSON.parse(text);
}

/** Every policy statement attached to a role (its inline policies and the AWS::IAM::Policy resources naming it). */
export function statementsOfRole(s: Synthesized, roleId: string): Array<{ Action: string | string[]; Resource: unknown; Condition?: Record<string, any> }> {
  const inline = (s.resources[roleId]?.Properties?.Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement);
  const attached = resourcesOfType(s, 'AWS::IAM::Policy')
    .filter(([, policy]) => (policy.Properties?.Roles ?? []).some((role: any) => role.Ref === roleId))
    .flatMap(([, policy]) => policy.Properties!.PolicyDocument.Statement);
  return [...inline, ...attached];
}

/** The logical id of the one resource of a type whose id starts with `prefix`. */
export function idStartingWith(s: Synthesized, type: string, prefix: string): string {
  const found = resourcesOfType(s, type).filter(([id]) => id.startsWith(prefix));
  if (found.length !== 1) throw new Error(`expected one ${type} starting with ${prefix}, found ${found.length}`);
  return found[0][0];
}

export const actionsOf = (statement: { Action: string | string[] }): string[] => [statement.Action].flat();

/** Stand-ins for the streaming job's jars: an asset only hashes and copies the files. */
export function stubJarsDir(names = ['spark-sql-kafka-0-10_2.12-3.5.5.jar', 'kafka-clients-3.4.1.jar', 'aws-msk-iam-auth-2.3.0-all.jar']): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recstream-jars-'));
  for (const name of names) fs.writeFileSync(path.join(dir, name), name);
  return dir;
}

/** The deployment with `realtime.enabled` (stand-in jars, one store's key hash), plus any further settings. */
export const synthesizeRealtime = (options: SynthOptions = {}): Synthesized =>
  synthesize({
    ...options,
    context: { ...options.context, realtime: { enabled: true, jarsDir: stubJarsDir(), collectorWriteKeyHashes: { 'store-1': 'a'.repeat(64) }, ...(options.context?.realtime as object) } },
  });

/** The logical ids a value refers to, by Ref or Fn::GetAtt. */
export const refsOf = (value: unknown): string[] => [...JSON.stringify(value ?? null).matchAll(/"(?:Ref|Fn::GetAtt)":\[?"([A-Za-z0-9]+)/g)].map((m) => m[1]);
