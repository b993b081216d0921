#!/usr/bin/env node
// The CDK app: `npx cdk synth|deploy|destroy --all`. Settings: lib/config.ts (cdk context key `recstream`).
import { App } from 'aws-cdk-lib';
import { createRecstream } from '../lib/app';
import { resolveConfig } from '../lib/config';
import { checkWithCdkNag } from '../lib/nag';

const app = new App();
createRecstream(app, resolveConfig(app.node.tryGetContext('recstream')));
checkWithCdkNag(app);
