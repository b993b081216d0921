/**
 * The serving store (one DynamoDB item per user: their top 3), its loader, and
 * the read-only API behind an HTTP API.
 *
 * HTTP API rather than REST: a GetItem lookup needs no caching, usage plans or
 * request validation, and HTTP APIs cost $1.00 instead of $3.50 per million
 * requests (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-vs-rest.html).
 * The API Lambda sits in the VPC like every recstream Lambda; DynamoDB and S3
 * are reached through their gateway endpoints, so that costs nothing.
 */
import { Duration } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { RecstreamConfig } from './config';
import { API_ROUTES, API_SCOPE, BEHAVIOUR_LAKE, LAKE, LAMBDA_ENV, REALTIME, SERVING_TABLE } from '../contract';
import { AppFunction } from './functions';
import { exempt, resourceFinding, wildcards } from './nag';
import type { Network } from './network';
import { logGroup, removalPolicyOf } from './storage';

/** Everything the recommend job writes and the loader reads (recommendations/, fallback.json). */
const SERVING_OBJECTS = 'serving/*';

/**
 * S3 answers a GetObject for a missing key with 404 NoSuchKey only to a caller that may
 * s3:ListBucket on the bucket, and with 403 AccessDenied otherwise
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html, "Permissions"). The docs
 * speak of ListBucket on the bucket; an `s3:prefix`-conditioned grant is not documented to count,
 * so the grant is unconditioned. It reveals key names of the lake, not contents.
 */
function grantMissingKeysAs404(fn: iam.IGrantable, lake: s3.IBucket): void {
  fn.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [lake.bucketArn] }));
}

export interface ServingProps {
  config: RecstreamConfig;
  network: Network;
  lake: s3.IBucket;
  /** `https://<distribution domain>`: the only origin CORS allows. */
  siteOrigin: string;
  /** Tokens the API accepts: the user pool's issuer and the site's client id. */
  jwt: { issuer: string; audience: string };
}

export class Serving extends Construct {
  readonly table: dynamodb.Table;
  readonly loader: AppFunction;
  /** The API's function (lambdas/api/handler.ts): the real-time path gives it the live-state table (issue 24). */
  readonly apiFunction: AppFunction;
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;

  constructor(scope: Construct, id: string, props: ServingProps) {
    super(scope, id);
    const { config, network, lake } = props;

    this.table = new dynamodb.Table(this, 'Recommendations', {
      partitionKey: { name: SERVING_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy: removalPolicyOf(config),
    });

    this.loader = new AppFunction(this, 'Loader', {
      config,
      network,
      entry: 'lambdas/load-recommendations/handler.ts',
      description: "Loads the recommend job's JSON-lines output from the lake into the serving table",
      // The behaviour load holds every customer's newest sessions until it writes: 1M sessions of 200k
      // customers peaked at 1.0 GB resident (README, "Not verified" 9).
      memoryMiB: 2048,
      timeout: Duration.minutes(15),
      environment: { [LAMBDA_ENV.tableName]: this.table.tableName, [LAMBDA_ENV.lakeBucket]: lake.bucketName },
    });
    this.table.grantWriteData(this.loader.fn);
    const servingObjects = lake.arnForObjects(SERVING_OBJECTS);
    // The session table, for each customer's recent sessions (issue 15; top categories sit under serving/).
    const sessionObjects = lake.arnForObjects(`${BEHAVIOUR_LAKE.sessionsPrefix}*`);
    this.loader.fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [servingObjects, sessionObjects] }));
    // Lists the recommendations/ folder, and lets S3 answer 404 (not 403) for the optional fallback.json.
    grantMissingKeysAs404(this.loader.fn, lake);
    exempt(
      this.loader.fn,
      wildcards(
        `The recommend, categories and sessions jobs name their part files at run time; reads are limited to the serving/ prefix (${LAKE.recommendationsPrefix}, ${LAKE.fallbackKey}, ${BEHAVIOUR_LAKE.topCategoriesPrefix}) and ${BEHAVIOUR_LAKE.sessionsPrefix}.`,
        resourceFinding(this, servingObjects),
        resourceFinding(this, sessionObjects),
      ),
    );

    const handler = (this.apiFunction = new AppFunction(this, 'Api', {
      config,
      network,
      entry: 'lambdas/api/handler.ts',
      description: "Recommendation API: a user's top 3 and behaviour, the analytics and behaviour documents",
      memoryMiB: 512,
      environment: {
        [LAMBDA_ENV.tableName]: this.table.tableName,
        [LAMBDA_ENV.lakeBucket]: lake.bucketName,
        [LAMBDA_ENV.allowedOrigin]: props.siteOrigin,
      },
    }));
    // Read-only: one key lookup per request, and the analytics documents.
    handler.fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [this.table.tableArn] }));
    const analyticsObjects = lake.arnForObjects(`${LAKE.analyticsPrefix}*`);
    // The behaviour documents beyond analytics/ (the funnel is under it): the sessions report, the intent history and run records, not the models.
    const intentRuns = lake.arnForObjects(`${BEHAVIOUR_LAKE.intentModelsPrefix}*/run.json`);
    // The live view too (issue 16): with real-time off it never exists, and GET /live answers 404, not 403.
    const behaviourDocuments = [lake.arnForObjects(BEHAVIOUR_LAKE.sessionsReportKey), lake.arnForObjects(BEHAVIOUR_LAKE.intentHistoryKey), intentRuns, lake.arnForObjects(REALTIME.lake.liveKey)];
    // Issue 21: the recommender's history, its run records and the item-to-item shards (the job's other serving/ files stay the loader's).
    const recommenderRuns = lake.arnForObjects(`${LAKE.recommenderRunsPrefix}*`);
    const similarShards = lake.arnForObjects(`${LAKE.similarPrefix}*`);
    const recommenderDocuments = [lake.arnForObjects(LAKE.recommenderHistoryKey), recommenderRuns, similarShards];
    handler.fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [analyticsObjects, ...behaviourDocuments, ...recommenderDocuments] }));
    // Before the first pipeline run no analytics document exists: the API answers 404 only if S3 does.
    grantMissingKeysAs404(handler.fn, lake);
    exempt(
      handler.fn,
      wildcards(
        `Reads only the analytics documents under ${LAKE.analyticsPrefix} (one object per chart), each intent run's record (${BEHAVIOUR_LAKE.intentModelsPrefix}<run id>/run.json), each recommender run's record (${LAKE.recommenderRunsPrefix}<run id>.json) and the item-to-item shards (${LAKE.similarPrefix}<shard>.json).`,
        resourceFinding(this, analyticsObjects),
        resourceFinding(this, intentRuns),
        resourceFinding(this, recommenderRuns),
        resourceFinding(this, similarShards),
      ),
    );

    this.api = new apigw.HttpApi(this, 'Http', {
      apiName: `${config.name}-api`,
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [props.siteOrigin],
        allowMethods: [apigw.CorsHttpMethod.GET],
        allowHeaders: ['authorization', 'content-type'],
        maxAge: Duration.hours(1),
      },
    });
    const integration = new HttpLambdaIntegration('Handler', handler.fn);
    // API Gateway checks signature, issuer, expiry and audience (`aud`, or `client_id` in access
    // tokens) before any Lambda runs; a bad or missing token gets 401:
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html
    const authorizer = new HttpJwtAuthorizer('Analysts', props.jwt.issuer, { jwtAudience: [props.jwt.audience] });
    for (const path of Object.values(API_ROUTES)) {
      const open = path === API_ROUTES.health;
      // A required scope keeps ID tokens out (they carry none): only the site's access token passes.
      const guard = open ? {} : { authorizer, authorizationScopes: [API_SCOPE.scope] };
      for (const route of this.api.addRoutes({ path, methods: [apigw.HttpMethod.GET], integration, ...guard })) {
        if (open) exempt(route, [{ id: 'AwsSolutions-APIG4', reason: 'The health check is public by design (issue 7: only /health stays open); it reveals no data.' }]);
      }
    }
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: config.api.rateLimit, burstLimit: config.api.burstLimit },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(logGroup(this, 'AccessLogs', config)),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            path: '$context.path',
            route: '$context.routeKey',
            status: '$context.status',
            // Who asked for which customer (the path holds the user id); the token itself is never logged.
            sub: '$context.authorizer.claims.sub',
            username: '$context.authorizer.claims.username',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
  }

  /** The API's base URL without a trailing slash (the $default stage serves at the root). */
  get apiUrl(): string {
    return this.api.apiEndpoint;
  }
}
