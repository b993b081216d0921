/** A kafkajs admin client on the same connection the producer uses (MSK IAM or a plaintext local broker). */
import { Kafka, logLevel, type Admin, type KafkaConfig } from 'kafkajs';
import { iamRegion, mskIamToken, type KafkaConnection } from '../shared/kafka-connection';

/** TLS + SASL/OAUTHBEARER with the same MSK IAM token as the producer. */
export const mskIam = (region: string): Pick<KafkaConfig, 'ssl' | 'sasl'> => ({
  ssl: true,
  sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: await mskIamToken(region) }) },
});

/**
 * `level`: kafkajs logs a topic that already exists (TOPIC_ALREADY_EXISTS, a
 * normal outcome here) as an ERROR line; the twin, which makes its topic on
 * every start, passes `logLevel.NOTHING`.
 */
export function adminClient(conn: KafkaConnection, level: logLevel = logLevel.ERROR): Admin {
  const security = conn.auth === 'iam' ? mskIam(iamRegion(conn)) : {};
  // Fewer retries than the producer's: a deployment should fail within seconds, not ride out a rolling update.
  return new Kafka({
    clientId: 'recstream-create-topic',
    brokers: conn.brokers,
    connectionTimeout: 10_000,
    logLevel: level,
    retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 5_000 },
    ...security,
  }).admin();
}
