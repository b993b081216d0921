/**
 * The behaviour side's ports: where the API reads a customer's behaviour item and the session
 * metrics, and the lake documents (funnel, sessions report, intent runs); where the loader writes.
 * Adapters: behaviour-dynamodb.ts (the serving table) and behaviour-documents.ts (the lake).
 */
import type { CustomerCategory, CustomerSession, SessionMetrics } from '../../../contract';

export type BehaviourItem =
  | { kind: 'customer'; userId: string; top_categories: CustomerCategory[]; recent_sessions: CustomerSession[]; sessions_total: number }
  | { kind: 'metrics'; metrics: SessionMetrics };

export type CustomerBehaviour = Extract<BehaviourItem, { kind: 'customer' }>;

export interface BehaviourStore {
  /** Exactly one key lookup; undefined when the customer has no item. */
  customer(userId: string): Promise<CustomerBehaviour | undefined>;
  sessionMetrics(): Promise<SessionMetrics | undefined>;
}

export interface BehaviourWriter {
  /** Writes (upserts) a batch; resolves only when every item is stored. */
  write(batch: readonly BehaviourItem[]): Promise<void>;
}

/** The behaviour jobs' own documents, parsed; undefined when a job has not written one yet. */
export interface BehaviourDocuments {
  funnel(): Promise<unknown | undefined>;
  sessionsReport(): Promise<unknown | undefined>;
  intentHistory(): Promise<unknown | undefined>;
  /** `serving/top-categories-metrics.json`: the categories job's evaluation and serving policy. */
  topCategoriesMetrics(): Promise<unknown | undefined>;
  /** `models/intent/<run id>/run.json`; the id must come from the history. */
  intentRun(runId: string): Promise<unknown | undefined>;
}

export interface BehaviourDeps {
  store: BehaviourStore;
  documents: BehaviourDocuments;
}
