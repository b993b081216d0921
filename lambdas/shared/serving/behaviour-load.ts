/**
 * Makes a customer's behaviour answerable with one key lookup: the categories job's top-3 lists
 * (JSON lines under BEHAVIOUR_LAKE.topCategoriesPrefix) and the newest sessions of the sessions
 * job's table (Parquet under BEHAVIOUR_LAKE.sessionsPrefix) become one serving-table item per
 * customer (`behaviour#<id>`), and every session feeds the session metrics item. A bad line or row
 * is counted with where it was, never dropped silently and never fatal to the good ones.
 */
import { parquetReadObjects } from 'hyparquet';
import {
  BEHAVIOUR_LAKE,
  BEHAVIOUR_SERVING,
  USER_ID_PATTERN,
  type CustomerCategory,
  type CustomerSession,
  type SessionMetrics,
} from '../../../contract';
import { isPartFile } from '../../load-recommendations/load';
import type { BehaviourItem, BehaviourWriter } from './behaviour-ports';
import { lines, readText, type LakeReader } from './lake';


export interface BehaviourProblem {
  key: string;
  /** 1-based line of a JSON-lines file, or row of a Parquet file. */
  at: number;
  error: string;
}

export interface BehaviourLoadReport {
  categoryFiles: number;
  sessionFiles: number;
  /** Customers with a top-categories list or a session: one item each. */
  customers: number;
  sessions: number;
  invalid: number;
  invalidSamples: BehaviourProblem[];
}

const SESSION_COLUMNS = ['session_id', 'user_id', 'start', 'end', 'duration_seconds', 'events', 'views', 'carts', 'purchases', 'revenue'];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const count = (v: unknown): number | undefined => {
  const n = typeof v === 'bigint' ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
};
const isoTime = (v: unknown): string | undefined => (v instanceof Date && !Number.isNaN(v.getTime()) ? v.toISOString().replace('.000Z', 'Z') : undefined);
/** A DECIMAL(…, 2) arrives as a number; the API serves money as a decimal string. */
const money = (v: unknown): string | undefined => {
  if (v === null || v === undefined) return '0.00';
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 ? n.toFixed(2) : undefined;
};

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

/** One line of the categories job: `{ user_id, categories: [{ category_id, category_code, affinity }] }`. */
export const parseCategoriesLine = (line: string): Checked<{ userId: string; categories: CustomerCategory[] }> => {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return { ok: false, error: 'not valid JSON' };
  }
  if (!isRecord(v) || typeof v.user_id !== 'string' || !USER_ID_PATTERN.test(v.user_id)) return { ok: false, error: 'user_id: not a decimal id string' };
  if (!Array.isArray(v.categories)) return { ok: false, error: 'categories: not an array' };
  const categories: CustomerCategory[] = [];
  for (const [i, c] of v.categories.entries()) {
    if (!isRecord(c) || typeof c.category_id !== 'string' || c.category_id === '') return { ok: false, error: `categories[${i}].category_id: not a string` };
    const code = c.category_code ?? null;
    const affinity = c.affinity ?? null;
    if (code !== null && typeof code !== 'string') return { ok: false, error: `categories[${i}].category_code: not a string or null` };
    if (affinity !== null && (typeof affinity !== 'number' || !Number.isFinite(affinity))) return { ok: false, error: `categories[${i}].affinity: not a number or null` };
    categories.push({ category_id: c.category_id, category_code: code, affinity });
  }
  return { ok: true, value: { userId: v.user_id, categories: categories.slice(0, BEHAVIOUR_SERVING.topCategories) } };
};

/** One row of the session table; rows without a user (sessionized by tracker id only) belong to no customer. */
export const parseSessionRow = (row: Record<string, unknown>): Checked<{ userId: string | null; session: CustomerSession }> => {
  const userId = row.user_id ?? null;
  if (userId !== null && (typeof userId !== 'string' || !USER_ID_PATTERN.test(userId))) return { ok: false, error: 'user_id: not a decimal id string or null' };
  if (typeof row.session_id !== 'string' || row.session_id === '') return { ok: false, error: 'session_id: not a string' };
  const start = isoTime(row.start);
  const end = isoTime(row.end);
  if (!start || !end) return { ok: false, error: 'start/end: not timestamps' };
  const numbers = ['duration_seconds', 'events', 'views', 'carts', 'purchases'].map((k) => [k, count(row[k])] as const);
  const bad = numbers.find(([, n]) => n === undefined);
  if (bad) return { ok: false, error: `${bad[0]}: not a whole number >= 0` };
  const revenue = money(row.revenue);
  if (revenue === undefined) return { ok: false, error: 'revenue: not a non-negative amount' };
  const n = Object.fromEntries(numbers) as Record<string, number>;
  return {
    ok: true,
    value: {
      userId,
      session: { session_id: row.session_id, start, end, duration_seconds: n.duration_seconds, events: n.events, views: n.views, carts: n.carts, purchases: n.purchases, revenue },
    },
  };
};

const readBytes = async (lake: LakeReader, key: string): Promise<ArrayBuffer | undefined> => {
  const stream = await lake.open(key);
  if (!stream) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  const bytes = Buffer.concat(chunks);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
};

/** Exact quantile of sorted values (nearest rank). */
const quantile = (sorted: Float64Array, q: number): number => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? sorted[0]);
const mean = (values: Float64Array): number => (values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length);
const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

const HISTOGRAM = [
  { events: '1', from: 1, to: 1 },
  { events: '2', from: 2, to: 2 },
  { events: '3-5', from: 3, to: 5 },
  { events: '6-10', from: 6, to: 10 },
  { events: '11+', from: 11, to: Infinity },
];

export const sessionMetrics = (durations: Float64Array, events: Float64Array, purchasing: number): SessionMetrics => {
  const d = Float64Array.from(durations).sort();
  const e = Float64Array.from(events).sort();
  return {
    sessions: d.length,
    purchasing_sessions: purchasing,
    duration_seconds: { median: quantile(d, 0.5), p90: quantile(d, 0.9), mean: round(mean(d)) },
    events_per_session: { median: quantile(e, 0.5), mean: round(mean(e), 2) },
    events_histogram: HISTOGRAM.map((b) => ({ events: b.events, sessions: e.filter((n) => n >= b.from && n <= b.to).length })),
  };
};

/** Keeps a customer's newest sessions only (newest first), so memory stays bounded per customer. */
const keepNewest = (list: CustomerSession[], session: CustomerSession): void => {
  list.push(session);
  list.sort((a, b) => (a.start === b.start ? b.session_id.localeCompare(a.session_id) : b.start.localeCompare(a.start)));
  if (list.length > BEHAVIOUR_SERVING.recentSessions) list.length = BEHAVIOUR_SERVING.recentSessions;
};

export interface BehaviourLoadOptions {
  batchSize?: number;
  maxInvalidSamples?: number;
}

export const loadBehaviour = async (lake: LakeReader, writer: BehaviourWriter, { batchSize = 500, maxInvalidSamples = 20 }: BehaviourLoadOptions = {}): Promise<BehaviourLoadReport> => {
  const report: BehaviourLoadReport = { categoryFiles: 0, sessionFiles: 0, customers: 0, sessions: 0, invalid: 0, invalidSamples: [] };
  const problem = (key: string, at: number, error: string) => {
    report.invalid++;
    if (report.invalidSamples.length < maxInvalidSamples) report.invalidSamples.push({ key, at, error });
  };
  const customers = new Map<string, { categories: CustomerCategory[]; sessions: CustomerSession[]; total: number }>();
  const customer = (id: string) => {
    let c = customers.get(id);
    if (!c) customers.set(id, (c = { categories: [], sessions: [], total: 0 }));
    return c;
  };

  for (const key of (await lake.list(BEHAVIOUR_LAKE.topCategoriesPrefix)).filter(isPartFile)) {
    const stream = await lake.open(key);
    if (!stream) continue;
    report.categoryFiles++;
    let n = 0;
    for await (const line of lines(stream)) {
      n++;
      if (line.trim() === '') continue;
      const parsed = parseCategoriesLine(line);
      if (parsed.ok) customer(parsed.value.userId).categories = parsed.value.categories;
      else problem(key, n, parsed.error);
    }
  }

  const durations: number[] = [];
  const eventCounts: number[] = [];
  let purchasing = 0;
  for (const key of (await lake.list(BEHAVIOUR_LAKE.sessionsPrefix)).filter((k) => isPartFile(k) && k.endsWith('.parquet'))) {
    const file = await readBytes(lake, key);
    if (!file) continue;
    report.sessionFiles++;
    const rows = (await parquetReadObjects({ file, columns: SESSION_COLUMNS })) as Record<string, unknown>[];
    rows.forEach((row, i) => {
      const parsed = parseSessionRow(row);
      if (!parsed.ok) return problem(key, i + 1, parsed.error);
      const { userId, session } = parsed.value;
      report.sessions++;
      durations.push(session.duration_seconds);
      eventCounts.push(session.events);
      if (session.purchases > 0) purchasing++;
      if (userId === null) return;
      const c = customer(userId);
      c.total++;
      keepNewest(c.sessions, session);
    });
  }

  let batch: BehaviourItem[] = [];
  const flush = async () => {
    await writer.write(batch);
    batch = [];
  };
  for (const [userId, c] of customers) {
    batch.push({ kind: 'customer', userId, top_categories: c.categories, recent_sessions: c.sessions, sessions_total: c.total });
    report.customers++;
    if (batch.length >= batchSize) await flush();
  }
  if (report.sessionFiles > 0) batch.push({ kind: 'metrics', metrics: sessionMetrics(Float64Array.from(durations), Float64Array.from(eventCounts), purchasing) });
  if (batch.length > 0) await flush();
  return report;
};

/**
 * One of the two outputs without the other means a behaviour job failed half way: fail the run. Neither
 * means the behaviour jobs have not run on this lake (the twin, until events reach it): nothing to load,
 * which the report says (both counts 0). On AWS the sessions step fails the execution before the loader
 * runs when it cannot read events.
 */
export const behaviourLoadProblems = (report: BehaviourLoadReport): string[] => {
  if (report.categoryFiles === 0 && report.sessionFiles === 0) return [];
  return [
    ...(report.categoryFiles === 0 ? [`no part files under ${BEHAVIOUR_LAKE.topCategoriesPrefix}`] : []),
    ...(report.sessionFiles === 0 ? [`no Parquet part files under ${BEHAVIOUR_LAKE.sessionsPrefix}`] : []),
    ...(report.customers === 0 ? ['no valid customer in the behaviour output'] : []),
  ];
};

/** The sessions job's report, the funnel and the intent history: small JSON documents read as they are. */
export const readLakeJson = async (lake: LakeReader, key: string): Promise<unknown | undefined> => {
  const text = await readText(lake, key);
  return text === undefined ? undefined : (JSON.parse(text) as unknown);
};
