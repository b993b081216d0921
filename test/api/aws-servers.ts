/** The twin's S3- and DynamoDB-protocol servers for one test file, with the SDK's environment pointed at them. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { awsEnv, createServingTable, startDynamoServer, startS3Server, TWIN_AWS } from '../../local/aws/servers';

export interface TestAws {
  stop(): Promise<void>;
}

/** Sets the SDK's endpoint settings in this process, as the twin does, so `new S3Client({})` reaches the servers. */
export const startTestAws = async (): Promise<TestAws> => {
  const dir = mkdtempSync(join(tmpdir(), 'recstream-aws-'));
  const s3 = await startS3Server(dir, () => {});
  const dynamodb = await startDynamoServer(dir);
  Object.assign(process.env, awsEnv(s3, dynamodb));
  await createServingTable(new DynamoDBClient({}), TWIN_AWS.tableName);
  return {
    async stop() {
      await Promise.all([s3.stop(), dynamodb.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
