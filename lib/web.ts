/**
 * The static site: a private bucket that only CloudFront reads (origin access
 * control), HTTPS only, with the built site and its runtime config deployed
 * together at deploy time.
 */
import { spawnSync } from 'node:child_process';
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

/** What the site is built from: a build older than any of these is stale. */
const WEB_SOURCES = ['web/src', 'web/public', 'web/index.html', 'web/vite.config.mts', 'contract'];
const DEFAULT_WEB_DIST = path.join(REPO_ROOT, 'web', 'dist');

const newestMtime = (file: string): number => {
  if (!fs.existsSync(file)) return 0;
  const stat = fs.statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...fs.readdirSync(file).map((entry) => newestMtime(path.join(file, entry))));
};

/**
 * The built site. `cdk synth` builds it (vite, a few seconds) when it is missing, and rebuilds the
 * default `web/dist` when a source is newer, so `npm ci && npx cdk synth` works on a fresh clone.
 * A `webDist` set in the config that already holds a site is used as it is.
 */
export function webDistDirectory(config: RecstreamConfig): string {
  const dir = path.resolve(REPO_ROOT, config.webDist);
  const index = path.join(dir, 'index.html');
  const missing = !fs.existsSync(index);
  const stale = !missing && dir === DEFAULT_WEB_DIST && Math.max(...WEB_SOURCES.map((s) => newestMtime(path.join(REPO_ROOT, s)))) > fs.statSync(index).mtimeMs;
  if (missing || stale) buildSite(dir);
  return dir;
}

function buildSite(outDir: string): void {
  const vite = path.join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  // The CLI reads the app's stdout; the build's progress goes to stderr.
  const build = spawnSync(process.execPath, [vite, 'build', '--config', path.join(REPO_ROOT, 'web', 'vite.config.mts'), '--outDir', outDir, '--emptyOutDir'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    // A build takes seconds; vite can hang on a failed write instead of exiting.
    timeout: 180_000,
  });
  process.stderr.write(build.stdout ?? '');
  if (build.status !== 0 || !fs.existsSync(path.join(outDir, 'index.html'))) {
    throw new Error(`Building the website into ${outDir} failed (run \`npm ci\`, then \`npm run build:web\` to see why):\n${build.stderr ?? build.error}`);
  }
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
  private readonly siteDirectory: string;

  constructor(scope: Construct, id: string, props: WebProps) {
    super(scope, id);
    this.config = props.config;
    this.siteDirectory = webDistDirectory(props.config); // build (or fail) early, before anything else is built
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
      sources: [s3deploy.Source.asset(this.siteDirectory), s3deploy.Source.jsonData(WEB_RUNTIME_CONFIG_FILE, runtimeConfig)],
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
