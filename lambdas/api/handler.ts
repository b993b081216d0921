/**
 * API Gateway (HTTP API, payload v2) → handleRequest. Clients are built once
 * per container; the fallback list is cached per container (see cachedFallback).
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LAMBDA_ENV, REALTIME } from '../../contract';
import { dynamoBehaviourStore } from '../shared/serving/behaviour-dynamodb';
import { lakeBehaviourDocuments } from '../shared/serving/behaviour-documents';
import { dynamoRecommendationStore } from '../shared/serving/dynamodb';
import { lakeAnalyticsStore, s3Lake } from '../shared/serving/lake';
import { dynamoLiveActivityStore } from '../shared/serving/live-activity';
import { lakeRecommenderDocuments } from '../shared/serving/recommender-documents';
import { lakeLiveStore } from './live';
import { liveRecommendations } from './live-recommendations';
import { cachedFallback, handleRequest, type ApiDeps } from './router';

const requiredEnv = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const depsFromEnv = (): ApiDeps => {
  const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const recommendations = dynamoRecommendationStore(dynamo, requiredEnv(LAMBDA_ENV.tableName));
  const lake = s3Lake(new S3Client({}), requiredEnv(LAMBDA_ENV.lakeBucket));
  const recommender = lakeRecommenderDocuments(lake);
  // Set only with the real-time path on (lib/live-state.ts): the customers' open-session activity.
  const liveTable = process.env[REALTIME.liveRecommendations.tableEnv];
  return {
    recommendations,
    fallback: cachedFallback(recommendations),
    analytics: lakeAnalyticsStore(lake),
    behaviour: { store: dynamoBehaviourStore(dynamo, requiredEnv(LAMBDA_ENV.tableName)), documents: lakeBehaviourDocuments(lake) },
    live: lakeLiveStore(lake),
    recommender,
    liveRecommendations: liveTable ? liveRecommendations(dynamoLiveActivityStore(dynamo, liveTable), recommender) : undefined,
    allowedOrigin: process.env[LAMBDA_ENV.allowedOrigin] || undefined,
  };
};

const deps = depsFromEnv();

/** A named stage puts `/<stage>` in front of rawPath; `$default` does not. */
export const routePath = (event: APIGatewayProxyEventV2): string => {
  const { stage } = event.requestContext;
  const stagePrefix = `/${stage}`;
  return stage !== '$default' && event.rawPath.startsWith(`${stagePrefix}/`) ? event.rawPath.slice(stagePrefix.length) : event.rawPath;
};

export const adaptEvent = async (event: APIGatewayProxyEventV2, apiDeps: ApiDeps): Promise<APIGatewayProxyStructuredResultV2> => {
  const response = await handleRequest(
    {
      method: event.requestContext.http.method,
      path: event.rawQueryString ? `${routePath(event)}?${event.rawQueryString}` : routePath(event),
      headers: event.headers ?? {},
      requestId: event.requestContext.requestId || randomUUID(),
    },
    apiDeps,
  );
  return { statusCode: response.status, headers: response.headers, body: response.body };
};

export const handler = (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => adaptEvent(event, deps);
