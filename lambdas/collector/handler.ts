/**
 * The collector Lambda behind `POST /events` on the HTTP API: adapts the API Gateway event to
 * collect() and produces with one kafkajs producer per container (MSK IAM, or the twin's plaintext broker).
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { mskIam } from '../create-topic/admin-client';
import { connectionFromEnv, iamRegion } from '../shared/kafka-connection';
import { collect, storeOfHeaders, type CollectorDeps } from './collect';
import { writeKeysFromEnv } from './write-keys';

let producer: Promise<Producer> | undefined;

const connectedProducer = (): Promise<Producer> => {
  producer ??= (async () => {
    const conn = connectionFromEnv();
    const kafka = new Kafka({ clientId: 'recstream-collector', brokers: conn.brokers, logLevel: logLevel.ERROR, ...(conn.auth === 'iam' ? mskIam(iamRegion(conn)) : {}) });
    const p = kafka.producer({ allowAutoTopicCreation: false, idempotent: true });
    await p.connect();
    return p;
  })().catch((error) => {
    producer = undefined; // the next request tries again
    throw error;
  });
  return producer;
};

let deps: CollectorDeps | undefined;

const collectorDeps = (): CollectorDeps =>
  (deps ??= {
    writeKeys: writeKeysFromEnv(),
    send: async (topic, records) => {
      await (await connectedProducer()).send({ topic, acks: -1, messages: records.map((r) => ({ key: r.key ?? undefined, value: r.value })) });
    },
  });

const asResult = (response: { status: number; body: string }, requestId: string): APIGatewayProxyStructuredResultV2 => ({
  statusCode: response.status,
  headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId },
  body: response.body,
});

/**
 * The 401/403 a request without a store's write key gets, from its headers alone; undefined when the
 * key is good. The twin's server asks before it reads a body (API Gateway reads it before any Lambda).
 */
export const refuseWithoutKey = (headers: Readonly<Record<string, string | undefined>>, requestId: string): APIGatewayProxyStructuredResultV2 | undefined => {
  const keyed = storeOfHeaders(headers, collectorDeps().writeKeys, requestId);
  return 'status' in keyed ? asResult(keyed, requestId) : undefined;
};

export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const deps = collectorDeps();
  const body = event.body === undefined ? undefined : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  const requestId = event.requestContext.requestId || randomUUID();
  return asResult(await collect({ headers: event.headers ?? {}, body, requestId }, deps), requestId);
};
