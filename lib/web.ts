/**
 * The static site: a private bucket that only CloudFront reads (origin access
 * control), HTTPS only, with the built site and its runtime config deployed
 * together at deploy time.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { RecstreamConfig } from './config';
import { WEB_RUNTIME_CONFIG_FILE, type WebRuntimeConfig } from '../contract';
import { REPO_ROOT } from './functions';
import { ASSETS_BUCKET_OBJECTS, S3_READ_ACTIONS, cdkProviderExemptions, exempt, exemptSingleton, resourceFinding, wildcards } from './nag';
import { logGroup, type LogBuckets } from './storage';

/** The built site, or a clear instruction when it has not been built. */
export function webDistDirectory(config: RecstreamConfig): string {
  const dir = path.resolve(REPO_ROOT, config.webDist);
  if (!fs.existsSync(path.join(dir, 'index.html'))) {
    throw new Error(`The website is not built: ${dir}/index.html is missing. Run \`npm run build:web\` (local/setup.sh does it) before \`cdk synth\`/\`cdk deploy\`.`);
  }
  return dir;
}

/** The deployment handler unzips the site in memory; CDK names its singleton after this size. */
const DEPLOY_MEMORY_MIB = 512;

export interface WebProps {
  config: RecstreamConfig;
  logs: LogBuckets;
  /** The us-east-1 web ACL (lib/edge.ts) that rate-limits clients. */
  webAclArn: string;
}

export class Web extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  private readonly config: RecstreamConfig;

  constructor(scope: Construct, id: string, props: WebProps) {
    super(scope, id);
    this.config = props.config;
    webDistDirectory(props.config); // fail early, before anything else is built
    this.bucket = props.logs.bucket(this, 'Site', props.config);
    this.distribution = new cloudfront.Distribution(this, 'Cdn', {
      comment: `${props.config.name} website`,
      defaultBehavior: {
        // OAC (SigV4-signed origin requests); the bucket policy admits only this distribution:
        // https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_cloudfront_origins-readme.html
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
      },
      defaultRootObject: 'index.html',
      // Client-side routes: unknown paths (403 from a private bucket, or 404) serve the app shell.
      errorResponses: [403, 404].map((httpStatus) => ({ httpStatus, responseHttpStatus: 200, responsePagePath: '/index.html' })),
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: props.logs.cdn,
      logFilePrefix: 'site/',
      webAclId: props.webAclArn,
    });
    exempt(this.distribution, [
      { id: 'AwsSolutions-CFR1', reason: 'The store decides who may see its dashboard by sign-in, not by country.' },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The default *.cloudfront.net certificate is used so the stack deploys without a domain; viewers are redirected to HTTPS. Attach a custom domain and certificate to enforce TLSv1.2_2021.',
      },
    ]);
  }

  /** `https://<distribution domain>`: the site's origin (CORS, OAuth callbacks). */
  get origin(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }

  /**
   * Deploys the built site and `config.json` in ONE deployment: with `prune`
   * on, two deployments into the same bucket would delete each other's files.
   */
  publish(runtimeConfig: WebRuntimeConfig): s3deploy.BucketDeployment {
    const deployment = new s3deploy.BucketDeployment(this, 'Deploy', {
      sources: [s3deploy.Source.asset(webDistDirectory(this.config)), s3deploy.Source.jsonData(WEB_RUNTIME_CONFIG_FILE, runtimeConfig)],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: DEPLOY_MEMORY_MIB,
      logGroup: logGroup(this, 'DeployLogs', this.config),
    });
    // The deployment handler runs outside the VPC: it must call CloudFront's global API to
    // invalidate the cache, which has no VPC endpoint.
    exemptSingleton(
      this,
      `Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C${DEPLOY_MEMORY_MIB}MiB`,
      [
        ...cdkProviderExemptions('BucketDeployment handler', { pinnedRuntime: true }),
        ...wildcards(
        "CDK's BucketDeployment handler: copies the site from the bootstrap assets bucket into the site bucket and prunes old files (its generated grants), and invalidates CloudFront, whose CreateInvalidation has no resource-level scoping here.",
        ...S3_READ_ACTIONS,
        'Action::s3:Abort*',
        'Action::s3:DeleteObject*',
        'Resource::*',
        ASSETS_BUCKET_OBJECTS,
        resourceFinding(this, this.bucket.arnForObjects('*')),
        ),
      ],
    );
    return deployment;
  }
}
