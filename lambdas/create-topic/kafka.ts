/** A Kafka admin client with the same connection settings as the producer (MSK IAM or a plaintext local broker). */
import { Kafka, logLevel, type Admin, type KafkaConfig } from 'kafkajs';
import { mskIamToken, type KafkaConnection } from '../ingest/kafka';

export type KafkaAuth = KafkaConnection['auth'];

/** TLS + SASL/OAUTHBEARER with the same MSK IAM token as the producer. */
const mskIam = (region: string | undefined): Pick<KafkaConfig, 'ssl' | 'sasl'> => {
  if (!region) throw new Error('AWS_REGION is required for MSK IAM auth');
  return { ssl: true, sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: await mskIamToken(region) }) } };
};

export function adminClient(brokers: string[], auth: KafkaAuth, region: string | undefined): Admin {
  const security = auth === 'iam' ? mskIam(region) : {};
  // Fewer retries than the producer's: a deployment should fail within seconds, not ride out a rolling update.
  return new Kafka({
    clientId: 'recstream-create-topic',
    brokers,
    connectionTimeout: 10_000,
    logLevel: logLevel.ERROR,
    retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 5_000 },
    ...security,
  }).admin();
}
