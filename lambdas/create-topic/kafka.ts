/** A Kafka admin client with the same connection settings as the producer (MSK IAM or a plaintext local broker). */
import { Kafka, type Admin } from 'kafkajs';
import { kafkaConfig, type KafkaConnection } from '../ingest/kafka';

export type KafkaAuth = KafkaConnection['auth'];

export function adminClient(brokers: string[], auth: KafkaAuth, region: string | undefined): Admin {
  if (auth === 'iam' && !region) throw new Error('AWS_REGION is required for MSK IAM auth');
  // Fewer retries than the producer's: a deployment should fail within seconds, not ride out a rolling update.
  return new Kafka({
    ...kafkaConfig({ brokers, auth, region }),
    clientId: 'recstream-create-topic',
    retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 5_000 },
  }).admin();
}
