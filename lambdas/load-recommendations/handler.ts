/**
 * Invoked by Step Functions after the EMR steps with `{ "bucket": "<lake bucket>" }`
 * (other fields are ignored): loads the recommend job's output from that
 * bucket's LAKE keys into the serving table (TABLE_NAME). Throws — failing the
 * state — when nothing usable was found, so a broken run never looks green.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LAMBDA_ENV } from '../../contract';
import { behaviourLoadProblems, loadBehaviour, type BehaviourLoadReport } from '../shared/serving/behaviour-load';
import { dynamoBehaviourWriter } from '../shared/serving/behaviour-dynamodb';
import { dynamoRecommendationWriter } from '../shared/serving/dynamodb';
import { s3Lake } from '../shared/serving/lake';
import { loadProblems, loadRecommendations, type LoadReport } from './load';

export interface LoadRecommendationsInput {
  bucket: string;
}

const s3 = new S3Client({});
const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = async (input: LoadRecommendationsInput): Promise<LoadReport & { behaviour: BehaviourLoadReport }> => {
  const tableName = process.env[LAMBDA_ENV.tableName];
  if (!tableName) throw new Error(`${LAMBDA_ENV.tableName} is not set`);
  if (typeof input?.bucket !== 'string' || input.bucket === '') throw new Error('input.bucket must name the lake bucket');
  const lake = s3Lake(s3, input.bucket);
  const report = await loadRecommendations(lake, dynamoRecommendationWriter(dynamo, tableName));
  console.log(JSON.stringify({ msg: 'load-recommendations', bucket: input.bucket, ...report }));
  // The behaviour jobs' per-customer output goes into the same table under its own keys (contract/behaviour-serving.ts).
  const behaviour = await loadBehaviour(lake, dynamoBehaviourWriter(dynamo, tableName));
  console.log(JSON.stringify({ msg: 'load-behaviour', bucket: input.bucket, ...behaviour }));
  const problems = [...loadProblems(report), ...behaviourLoadProblems(behaviour)];
  if (problems.length > 0) throw new Error(`load-recommendations: ${problems.join('; ')}`);
  return { ...report, behaviour };
};
