/** A Kafka admin client for MSK IAM auth (SASL/OAUTHBEARER over TLS) or a plaintext local broker. */
import { generateAuthToken } from 'aws-msk-iam-sasl-signer-js';
import { Kafka, logLevel, type Admin } from 'kafkajs';

export type KafkaAuth = 'iam' | 'plaintext';

export function adminClient(brokers: string[], auth: KafkaAuth, region: string | undefined): Admin {
  if (auth === 'iam' && !region) throw new Error('AWS_REGION is required for MSK IAM auth');
  const kafka = new Kafka({
    clientId: 'recstream-create-topic',
    brokers,
    logLevel: logLevel.WARN,
    connectionTimeout: 10_000,
    retry: { retries: 5 },
    ...(auth === 'iam'
      ? {
          ssl: true,
          sasl: {
            mechanism: 'oauthbearer' as const,
            // Signed locally from the function role's credentials: no STS call, so no STS endpoint.
            oauthBearerProvider: async () => ({ value: (await generateAuthToken({ region: region as string })).token }),
          },
        }
      : {}),
  });
  return kafka.admin();
}
