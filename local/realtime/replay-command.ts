/** `recstream replay FILE --speed N --brokers HOST:PORT`: the command-line face of replay.ts. */
import { existsSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { EVENTS_TOPIC, TOPIC } from '../../contract';
import { ensureTopic } from '../kafka/broker';
import { EXIT } from '../pipeline/exit-codes';
import { formatCount, plural } from '../pipeline/progress';
import { UsageError, positiveNumber, required } from '../bin/usage';
import { readReplayFile, replay, restamp } from './replay';

export const REPLAY_USAGE = `usage: recstream replay FILE --brokers HOST:PORT [--speed N] [--original-times]

Produces an events CSV (REES46 behaviour columns) to the events topic, or a purchases CSV (the
upload schema) to the purchases topic, in event-time order, N times faster than it happened, the
way a live store would: every time is moved by the same amount (gaps kept) so that the last row
is stamped when it is sent, and the Live page's windows fill whatever year the file is from. Rows
the ingest rules reject are counted and skipped.

options:
  --brokers LIST     bootstrap brokers, HOST:PORT[,HOST:PORT] (required)
  --speed N          event-time speed-up (default 60: an hour in a minute); 'max' sends as fast as the broker takes it
  --original-times   send the file's own times (older than what the topic holds: counted as late, in no window)
  -h, --help         this text

exit codes: 0 replayed, 1 failed, 2 bad usage`;

export const replayCommand = async (args: string[]): Promise<number> => {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { brokers: { type: 'string' }, speed: { type: 'string' }, 'original-times': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message, REPLAY_USAGE);
  }
  if (parsed.values.help) {
    console.log(REPLAY_USAGE);
    return EXIT.ok;
  }
  if (parsed.positionals.length !== 1) throw new UsageError('give exactly one CSV file to replay', REPLAY_USAGE);
  const [file] = parsed.positionals;
  if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`${file}: no such file`, REPLAY_USAGE);
  const brokers = required('brokers', parsed.values.brokers, REPLAY_USAGE);
  const speed = parsed.values.speed === 'max' ? Infinity : (positiveNumber('speed', parsed.values.speed, REPLAY_USAGE) ?? 60);
  const read = await readReplayFile(file);
  const loaded = parsed.values['original-times'] ? read : restamp(read, speed, Date.now());
  const moved = loaded.records.length === 0 || loaded === read ? 'its own times' : `times moved by ${plural((loaded.records[0].timeMs - read.records[0].timeMs) / 86_400_000, 'day')} to end now`;
  console.error(`replay: ${formatCount(loaded.records.length)} rows of ${file} to topic '${loaded.topic}' at ${speed === Infinity ? 'full' : `${speed}x`} speed, ${moved}; ${formatCount(loaded.rejected.length)} rejected`);
  for (const { line, reason } of loaded.rejected.slice(0, 5)) console.error(`replay: line ${line} rejected: ${reason}`);
  // The topic as the deployment makes it (idempotent): a fresh twin broker has only the purchases topic.
  await ensureTopic(brokers.split(',')[0], [EVENTS_TOPIC, TOPIC].find((t) => t.name === loaded.topic)!);
  await replay(loaded, {
    bootstrap: brokers.split(',')[0],
    speed,
    onProgress: (p) =>
      console.error(`replay: ${formatCount(p.sent)}/${formatCount(p.total)} sent, event time ${new Date(p.eventTimeMs).toISOString()}, ${(p.elapsedMs / 1000).toFixed(0)} s`),
  });
  return EXIT.ok;
};
