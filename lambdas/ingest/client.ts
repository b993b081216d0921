/**
 * The @platformatic/kafka client settings for a connection, the only place
 * IAM and PLAINTEXT differ, and the retry policy the client and the
 * producer's own resends share. The client connects,
 * authenticates, keeps metadata and gets the idempotent producer id; records
 * are sent by the producer (producer.ts).
 */
import type { ProducerOptions } from '@platformatic/kafka';
import { iamRegion, mskIamToken, type KafkaConnection } from '../shared/kafka-connection';

/** The client's own tries for one metadata or connection call: 300 ms doubling to 10 s apart, ~59 s in all. */
export const RETRIES = 10;
export const retryDelay = (attempt: number): number => Math.min(300 * 2 ** attempt, 10_000);
/**
 * How long the producer keeps resending a batch after its first failed try:
 * long enough for a broker restart or an MSK rolling update, short enough
 * that an outage fails the run loudly. A try in progress when it ends (a
 * metadata call inside the client's own retries) still finishes, so a run
 * fails between 1 and 2 minutes into an outage, or at its deadline if sooner.
 */
export const RESEND_WINDOW_MS = 60_000;
/** How long the broker may wait for the in-sync replicas (acks=all) before answering REQUEST_TIMED_OUT. */
export const PRODUCE_TIMEOUT_MS = 30_000;

export function clientOptions(conn: KafkaConnection): ProducerOptions<Buffer, Buffer, Buffer, Buffer> {
  const common: ProducerOptions<Buffer, Buffer, Buffer, Buffer> = {
    clientId: 'recstream-ingest',
    bootstrapBrokers: conn.brokers,
    connectTimeout: 10_000,
    requestTimeout: PRODUCE_TIMEOUT_MS + 10_000,
    retries: RETRIES,
    retryDelay: (_client, _operation, attempt) => retryDelay(attempt),
    idempotent: true,
    acks: -1,
  };
  if (conn.auth === 'plaintext') return common;
  const region = iamRegion(conn);
  return { ...common, tls: {}, tlsServerName: true, sasl: { mechanism: 'OAUTHBEARER', token: () => mskIamToken(region) } };
}
