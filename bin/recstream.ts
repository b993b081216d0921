#!/usr/bin/env node
// The CDK app: `npx cdk synth|deploy|destroy --all`. Settings: lib/config.ts (cdk context key `recstream`).
import { App } from 'aws-cdk-lib';
import { createRecstream } from '../lib/app';
import { CONTEXT_KEY, refuseUnknownContextKeys, resolveConfig } from '../lib/config';
import { checkWithCdkNag } from '../lib/nag';

const app = new App();
refuseUnknownContextKeys(app.node.getAllContext());
createRecstream(app, resolveConfig(app.node.tryGetContext(CONTEXT_KEY)));
checkWithCdkNag(app);
