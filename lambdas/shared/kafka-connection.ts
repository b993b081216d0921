/**
 * Where the Kafka cluster is and how to authenticate to it, for every Lambda
 * that talks to Kafka (ingest's producer, create-topic's admin client): MSK
 * with IAM (TLS + SASL/OAUTHBEARER) or the local twin's PLAINTEXT broker. Each
 * client turns this into its own library's options; the token is the same.
 */
import { generateAuthToken } from 'aws-msk-iam-sasl-signer-js';
import { LAMBDA_ENV } from '../../contract';

/** `iam`: TLS + SASL/OAUTHBEARER with an MSK IAM token; `plaintext`: the local broker. */
export type KafkaAuth = 'iam' | 'plaintext';

export interface KafkaConnection {
  brokers: string[];
  auth: KafkaAuth;
  /** Region the IAM token is signed for; required with `iam`. */
  region?: string;
}

/** `KAFKA_AUTH`, `iam` when unset (what CDK deploys); anything else is a configuration error. */
export function kafkaAuthFromEnv(env: NodeJS.ProcessEnv = process.env): KafkaAuth {
  const auth = env[LAMBDA_ENV.kafkaAuth] ?? 'iam';
  if (auth !== 'iam' && auth !== 'plaintext') throw new Error(`${LAMBDA_ENV.kafkaAuth} must be 'iam' or 'plaintext', got '${auth}'`);
  return auth;
}

/** The region an IAM connection signs its tokens for. */
export function iamRegion(conn: KafkaConnection): string {
  if (!conn.region) throw new Error('AWS_REGION is required for MSK IAM auth');
  return conn.region;
}

/** The connection from `KAFKA_BROKERS`, `KAFKA_AUTH` and `AWS_REGION`, checked up front so a misconfigured function fails on its first line. */
export function connectionFromEnv(env: NodeJS.ProcessEnv = process.env): KafkaConnection {
  const brokers = (env[LAMBDA_ENV.kafkaBrokers] ?? '').split(',').map((b) => b.trim()).filter(Boolean);
  if (brokers.length === 0) throw new Error(`${LAMBDA_ENV.kafkaBrokers} is not set (comma-separated host:port list)`);
  const conn: KafkaConnection = { brokers, auth: kafkaAuthFromEnv(env), region: env.AWS_REGION };
  if (conn.auth === 'iam') iamRegion(conn);
  return conn;
}

/** An MSK IAM token, signed locally from the role's credentials: no STS call, no endpoint needed. */
export const mskIamToken = async (region: string): Promise<string> => (await generateAuthToken({ region })).token;
