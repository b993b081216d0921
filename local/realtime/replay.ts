/**
 * `recstream replay FILE --speed N`: an events or purchases CSV produced to its topic in event-time
 * order, N times faster than it happened (the first event at once), the way a live store would.
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { Kafka, logLevel, type Producer, type RecordMetadata } from 'kafkajs';
import { csvKind, type ReplayRecord } from './rows';

export interface ReplayFile {
  topic: string;
  /** Sorted by event time (stable: equal times keep file order). */
  records: ReplayRecord[];
  rejected: { line: number; reason: string }[];
}

/** Reads the whole file (replays are for sample-sized files) and orders it by event time. */
export const readReplayFile = async (path: string): Promise<ReplayFile> => {
  const raw = createReadStream(path);
  const lines = createInterface({ input: path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw, crlfDelay: Infinity });
  let kind: ReturnType<typeof csvKind>;
  const records: ReplayRecord[] = [];
  const rejected: ReplayFile['rejected'] = [];
  let n = 0;
  for await (const line of lines) {
    n++;
    if (n === 1) {
      kind = csvKind(line);
      if (!kind) throw new Error(`${path}: the header is neither a behaviour events CSV nor a purchases CSV: ${line.slice(0, 120)}`);
      continue;
    }
    if (line.trim() === '') continue;
    const result = kind!.row(line, `replay/${basename(path)}`, n);
    if ('record' in result) records.push(result.record);
    else rejected.push({ line: n, reason: result.rejected });
  }
  if (!kind) throw new Error(`${path}: empty file`);
  records.sort((a, b) => a.timeMs - b.timeMs);
  return { topic: kind.topic, records, rejected };
};

/** `2019-10-01 00:00:00 UTC`: the CSVs' own form, which every event-time rule accepts (contract/rules.ts). */
const csvTime = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace('T', ' ') + ' UTC';

/**
 * The file moved in time as a whole, gaps kept, so that its last record is stamped when a replay started at
 * `startMs` at `speed` sends it: every record then happens "now" for the live windows, whatever year the file
 * is from, and none is stamped after it is sent (so none is "ahead" of the job's clock). Whole seconds: the
 * CSVs' resolution. Without it, a replay of older data than the topic already holds counts as late.
 */
export const restamp = (file: ReplayFile, speed: number, startMs: number): ReplayFile => {
  const first = file.records[0]?.timeMs ?? 0;
  const last = file.records.at(-1)?.timeMs ?? 0;
  const end = startMs + (speed === Infinity ? 0 : (last - first) / speed);
  const shift = Math.floor((end - last) / 1000) * 1000;
  const records = file.records.map((r) => {
    const timeMs = r.timeMs + shift;
    return { ...r, timeMs, value: JSON.stringify({ ...(JSON.parse(r.value) as object), event_time: csvTime(timeMs) }) };
  });
  return { ...file, records };
};

export interface ReplayProgress {
  sent: number;
  total: number;
  /** Event time of the last record sent. */
  eventTimeMs: number;
  elapsedMs: number;
}

export interface ReplayOptions {
  bootstrap: string;
  /** Event-time speed-up; Infinity sends as fast as the broker takes it. */
  speed: number;
  onProgress?: (progress: ReplayProgress) => void;
  /** Called with the broker's offsets of every batch sent (the latency benchmark reads them). */
  onSent?: (metadata: RecordMetadata[], sentAtMs: number) => void;
}

const TICK_MS = 50;
const MAX_BATCH = 5_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends every record when its scaled event time comes due, in batches of those due together. */
export const replay = async (file: ReplayFile, options: ReplayOptions): Promise<void> => {
  const kafka = new Kafka({ clientId: 'recstream-replay', brokers: [options.bootstrap], logLevel: logLevel.NOTHING });
  const producer: Producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const { records } = file;
    const started = Date.now();
    const first = records[0]?.timeMs ?? 0;
    let lastReport = 0;
    for (let i = 0; i < records.length; ) {
      const dueBy = first + (Date.now() - started) * options.speed;
      let end = i;
      while (end < records.length && end - i < MAX_BATCH && records[end].timeMs <= dueBy) end++;
      if (end === i) {
        await sleep(Math.min(TICK_MS, (records[i].timeMs - dueBy) / options.speed));
        continue;
      }
      const batch = records.slice(i, end).map((r) => ({ key: r.key ?? undefined, value: r.value }));
      const metadata = await producer.send({ topic: file.topic, messages: batch, acks: -1 });
      options.onSent?.(metadata, Date.now());
      i = end;
      if (options.onProgress && (Date.now() - lastReport >= 1000 || i === records.length)) {
        lastReport = Date.now();
        options.onProgress({ sent: i, total: records.length, eventTimeMs: records[i - 1].timeMs, elapsedMs: lastReport - started });
      }
    }
  } finally {
    await producer.disconnect();
  }
};
