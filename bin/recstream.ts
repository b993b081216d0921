#!/usr/bin/env node
// The CDK app: `npx cdk synth|deploy|destroy`. Settings: lib/config.ts (cdk context key `recstream`).
import { App } from 'aws-cdk-lib';
import { resolveConfig } from '../lib/config';
import { RecstreamStack } from '../lib/recstream-stack';

const app = new App();
const config = resolveConfig(app.node.tryGetContext('recstream'));
new RecstreamStack(app, 'Recstream', {
  config,
  description: 'recstream: purchases CSV -> MSK Serverless -> Firehose -> EMR Spark ALS -> API + website',
});
