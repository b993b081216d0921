/**
 * The twin's AWS services, each its own process on 127.0.0.1: an S3-protocol
 * server (s3rver) holding the landing and lake buckets, and a DynamoDB-protocol
 * server (dynalite) holding the serving table. The deployed Lambda code reaches
 * them unchanged: its SDK clients take their endpoints from the SDK's own
 * `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL_DYNAMODB` settings (`awsEnv`).
 * Why these two servers: local/README.md.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { S3Event } from 'aws-lambda';
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SERVING_TABLE } from '../../contract';
import { REPO_ROOT } from '../pipeline/spark';

/** Names the CDK app generates on AWS; fixed ones in the twin. */
export const TWIN_AWS = { landingBucket: 'landing', lakeBucket: 'lake', tableName: 'recstream-serving', region: 'eu-west-1' } as const;

/** Where the twin puts `--csv`; any key with an upload suffix triggers ingest, as on AWS. */
export const UPLOADS_PREFIX = 'uploads/';

export interface ChildServer {
  endpoint: string;
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 5_000;

const stopChild = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited.finally(() => clearTimeout(timer));
};

/** Forks a server script of this folder and resolves once it reports its port. */
const startChild = (script: string, args: string[], nodeFlags: string[], onMessage?: (message: Record<string, unknown>) => void): Promise<ChildServer> => {
  const child = fork(join(__dirname, script), args, {
    cwd: REPO_ROOT,
    execArgv: [...nodeFlags, '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`${script} exited (${signal ?? code}) before it listened`)));
    child.on('message', (message: Record<string, unknown>) => {
      if (typeof message.port === 'number') resolve({ endpoint: `http://127.0.0.1:${message.port}`, stop: () => stopChild(child) });
      else onMessage?.(message);
    });
  });
};

/**
 * The landing and lake buckets, stored as files under `dir`; `onEvent` gets
 * every ObjectCreated/ObjectRemoved record in AWS's event shape.
 * `--openssl-legacy-provider`: s3rver encrypts ListObjectsV2 continuation
 * tokens with DES, which OpenSSL 3 (Node 18+) keeps only in its legacy provider.
 */
export const startS3Server = (dir: string, onEvent: (event: S3Event) => void): Promise<ChildServer> =>
  startChild('s3-server.ts', [dir, [TWIN_AWS.landingBucket, TWIN_AWS.lakeBucket].join(',')], ['--openssl-legacy-provider'], (message) =>
    onEvent(message.event as S3Event),
  );

/** In memory: the loader fills the table on every run. `workDir` only labels the process. */
export const startDynamoServer = (workDir: string): Promise<ChildServer> => startChild('dynamodb-server.ts', [workDir], []);

/**
 * What a Lambda's SDK clients read from the environment to talk to the twin's
 * servers. The SDK's default CRC32 checksum trailers (`aws-chunked` bodies) are
 * turned down to "when required": s3rver predates them and would store the framing.
 */
export const awsEnv = (s3: ChildServer, dynamodb: ChildServer): Record<string, string> => ({
  AWS_ENDPOINT_URL_S3: s3.endpoint,
  AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
  AWS_REGION: TWIN_AWS.region,
  // s3rver checks signatures against its one built-in key pair; dynalite ignores them.
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
  AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
});

/** The serving table with the contract's key, as lib/serving.ts declares it. */
export const createServingTable = async (dynamodb: DynamoDBClient, tableName: string = TWIN_AWS.tableName): Promise<void> => {
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: [{ AttributeName: SERVING_TABLE.partitionKey, KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: SERVING_TABLE.partitionKey, AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
};
