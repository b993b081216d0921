// CloudFormation custom resource `Custom::KafkaTopic`: adapts the request to ensureTopic.
import type { Context } from 'aws-lambda';
import { responseBody, sendResponse, type CustomResourceEvent, type CustomResourceOutcome } from './cloudformation';
import type { Admin } from 'kafkajs';
import { kafkaAuthFromEnv } from '../shared/kafka-connection';
import { adminClient } from './admin-client';
import { ensureTopic } from './topic';

/** Answer before Lambda's own timeout, so a stuck broker fails the deployment instead of hanging it for an hour. */
const SAFETY_MARGIN_MS = 10_000;

async function apply(event: CustomResourceEvent, admin: Admin): Promise<CustomResourceOutcome> {
  const { TopicName, Partitions } = event.ResourceProperties;
  await admin.connect();
  const outcome = await ensureTopic(admin, { name: TopicName, partitions: Number(Partitions) });
  console.log(JSON.stringify({ topic: TopicName, partitions: Number(Partitions), outcome }));
  return { Status: 'SUCCESS', PhysicalResourceId: TopicName, Data: { TopicName, Outcome: outcome } };
}

const failure = (event: CustomResourceEvent, error: unknown): CustomResourceOutcome => ({
  Status: 'FAILED',
  Reason: `topic ${event.ResourceProperties.TopicName}: ${error instanceof Error ? error.message : String(error)}`.slice(0, 1000),
  PhysicalResourceId: event.PhysicalResourceId ?? event.ResourceProperties.TopicName,
});

export const handler = async (event: CustomResourceEvent, context: Context): Promise<void> => {
  const deadline = new Promise<CustomResourceOutcome>((resolve) =>
    setTimeout(() => resolve(failure(event, new Error('timed out reaching the brokers'))), context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS).unref(),
  );
  let admin: Admin | undefined;
  const work = async (): Promise<CustomResourceOutcome> => {
    // Deleting the stack deletes the cluster and its topics with it; nothing to do (and the broker may be gone).
    if (event.RequestType === 'Delete') return { Status: 'SUCCESS', PhysicalResourceId: event.PhysicalResourceId ?? event.ResourceProperties.TopicName };
    // The brokers come with the request (CloudFormation resolves them); how to authenticate comes from the function's environment.
    admin = adminClient({ brokers: event.ResourceProperties.BootstrapBrokers.split(','), auth: kafkaAuthFromEnv(), region: process.env.AWS_REGION });
    return apply(event, admin);
  };
  const outcome = await Promise.race([work().catch((error: unknown) => failure(event, error)), deadline]);
  await admin?.disconnect().catch(() => undefined);
  if (outcome.Status === 'FAILED') console.error(outcome.Reason);
  await sendResponse(event.ResponseURL, responseBody(event, outcome));
};
