/**
 * The real-time half of the twin for tests and the benchmark: a broker with both topics, a lake folder, the streaming
 * job, and with `liveState` the twin's DynamoDB-protocol server holding the live-state table the job writes (issue 24).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENTS_TOPIC, TOPIC, type LiveView } from '../../contract';
import { ensureTopic, startBroker, type KafkaBroker } from '../../local/kafka/broker';
import { endOffsets, recordsBehind } from '../../local/realtime/caught-up';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoLiveActivityStore, type LiveActivityStore } from '../../lambdas/shared/serving/live-activity';
import { startDynamoServer, type ChildServer } from '../../local/aws/servers';
import { createLiveStateTable, readLiveView, startRealtimeJob, TWIN_LIVE_TABLE, type LiveStateTable, type RealtimeJob, type RealtimeJobOptions } from '../../local/realtime/job';

export interface RealtimeTwin {
  broker: KafkaBroker;
  dir: string;
  /** The lake folder the next started job uses. */
  readonly lake: string;
  logFile: string;
  /** A new, empty lake for the next started job (no checkpoint: it reads both topics from their start); returns its path. */
  freshLake(): string;
  /** Starts the job on the broker and the current lake; `options`: the restart policy and what it says. */
  startJob(options?: Pick<RealtimeJobOptions, 'restartDelaysMs' | 'say'>): Promise<RealtimeJob>;
  view(): Promise<LiveView | undefined>;
  /** With `liveState`: the table the job writes, and the API's reader of it. */
  liveState?: LiveStateTable & { activity: LiveActivityStore };
  /** Resolves with the view once it has processed every record in the topics. */
  caughtUp(timeoutMs: number): Promise<LiveView>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const waitFor = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, everyMs = 500): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await sleep(everyMs);
  }
};

/** `lake`: a lake folder to share (the site's seeded lake); default a new one under the twin's folder. */
export const startRealtimeTwin = async (sharedLake?: string, options: { liveState?: boolean } = {}): Promise<RealtimeTwin> => {
  const dir = mkdtempSync(join(tmpdir(), 'recstream-realtime-'));
  let lake = sharedLake ?? join(dir, 'lake');
  let lakes = 0;
  const logFile = join(dir, 'job.log');
  const broker = await startBroker();
  await ensureTopic(broker.bootstrap, EVENTS_TOPIC);
  await ensureTopic(broker.bootstrap, TOPIC);
  let job: RealtimeJob | undefined;
  let dynamo: ChildServer | undefined;
  let liveState: RealtimeTwin['liveState'];
  if (options.liveState) {
    dynamo = await startDynamoServer(dir);
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'twin', secretAccessKey: 'twin' } });
    await createLiveStateTable(client);
    liveState = { endpoint: dynamo.endpoint, table: TWIN_LIVE_TABLE, activity: dynamoLiveActivityStore(DynamoDBDocumentClient.from(client), TWIN_LIVE_TABLE) };
  }
  const view = () => readLiveView(lake);
  return {
    broker,
    dir,
    get lake() {
      return lake;
    },
    logFile,
    liveState,
    view,
    freshLake: () => (lake = join(dir, `lake-${++lakes}`)),
    startJob: async (options = {}) => {
      job = startRealtimeJob({ bootstrap: broker.bootstrap, lake, logFile, liveState, ...options });
      await job.ready;
      return job;
    },
    caughtUp: async (timeoutMs) => {
      const ends = await endOffsets(broker.bootstrap);
      return waitFor('the live view to catch up with the topics', async () => {
        const current = await view();
        return current && recordsBehind(current, ends) === 0 ? current : undefined;
      }, timeoutMs);
    },
    stop: async () => {
      await job?.stop();
      await broker.stop();
      await dynamo?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
