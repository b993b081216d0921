/** The deployment: the platform stack and its us-east-1 edge stack (CloudFront's web ACL). */
import { Aspects, type App } from 'aws-cdk-lib';
import type { RecstreamConfig } from './config';
import { BoundedCdkCustomResources } from './custom-resource-timeouts';
import { EdgeStack } from './edge';
import { RecstreamStack } from './recstream-stack';

export interface Recstream {
  main: RecstreamStack;
  edge: EdgeStack;
}

export function createRecstream(app: App, config: RecstreamConfig): Recstream {
  const edge = new EdgeStack(app, 'RecstreamEdge', {
    config,
    description: 'recstream edge (us-east-1): WAF web ACL rate-limiting the CloudFront site per client IP',
  });
  const main = new RecstreamStack(app, 'Recstream', {
    config,
    description: 'recstream: purchases CSV -> MSK Serverless -> Firehose -> EMR Spark ALS -> API + website',
  });
  // Deploy order only: the web ACL's ARN crosses regions through SSM, not a CloudFormation export.
  main.addStackDependency(edge, 'the site distribution uses the edge stack web ACL');
  Aspects.of(app).add(new BoundedCdkCustomResources());
  return { main, edge };
}
