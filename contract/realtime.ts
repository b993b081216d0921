/**
 * The real-time path (issue 16): the topics the streaming job reads, its trigger, its event-time
 * windows and late-event policy, and where its checkpoint and live output sit in the lake.
 */
import { SESSION_INACTIVITY_SECONDS } from './behaviour-event';
import { EVENTS_TOPIC, TOPIC } from './streaming';

export const REALTIME = {
  /** Both topics feed one streaming query. */
  topics: [EVENTS_TOPIC.name, TOPIC.name],
  /** Micro-batch trigger: a batch starts at most this often (sooner is pointless; later adds latency). */
  triggerSeconds: 1,
  /** Upper bound on records per micro-batch, so a backlog is caught up in bounded steps. */
  maxRecordsPerBatch: 100_000,
  /**
   * Late-event policy. The watermark is the largest event time seen (never beyond the job's clock plus
   * `clockAheadSeconds`) minus this. An event older than
   * the watermark when its batch is processed still counts in the all-time totals, but not in the
   * per-minute windows; it is counted as late.
   */
  allowedLatenessSeconds: 10 * 60,
  /**
   * How far ahead of the job's own clock (the micro-batch's processing time) an event may be and still
   * move the live clock (`as_of`): a storefront's clock a little fast. An event further ahead (within
   * the contract's EVENT_TIME_RANGE, else it is not readable) counts in the all-time totals and in
   * `ahead_events`, in no window, and never moves `as_of`: one event cannot make later traffic late.
   */
  clockAheadSeconds: 5 * 60,
  /** The live funnel's windows, ending at the latest event time seen. */
  funnelWindowsMinutes: [15, 60],
  /** Trending products and categories: this many minutes, this many entries. */
  trendingMinutes: 15,
  trendingTop: 10,
  /** A session is active while its last event is this recent (the sessions' own inactivity rule). */
  activeSessionSeconds: SESSION_INACTIVITY_SECONDS,
  /** How many of the open sessions most likely to buy the live view lists. */
  likelyBuyersTop: 10,
  /**
   * Enrichment of events that carry `user_agent` / `ip` (collector JSON; the CSV formats carry neither):
   * the device class from the user agent, the country (ISO 3166-1 alpha-2) from the address in the
   * bundled IP-to-country ranges (emr-jobs/realtime_jobs/data/). The live view counts both over `minutes`.
   */
  enrichment: {
    minutes: 15,
    deviceClasses: ['desktop', 'mobile', 'tablet', 'bot', 'unknown'],
    /** The country of an address in no range of the database (private, reserved or unallocated). */
    unknownCountry: 'unknown',
  },
  /**
   * While no micro-batch runs (no new records), the job rewrites the live view this often with only
   * `alive_at` changed, so a view that stops changing means a job that stopped, not a quiet store.
   */
  heartbeatSeconds: 30,
  /** Batches folded into one state snapshot (and their per-batch files deleted) this often. */
  compactEveryBatches: 60,
  /**
   * Live recommendations (issue 24): per customer, the streaming job keeps the interactions of their open
   * session and writes them, one item per customer, where the API reads them (DynamoDB with a TTL on AWS, the
   * twin's DynamoDB-protocol server locally). The API blends them with the batch list at request time
   * (lambdas/api/live-recommendations.ts).
   */
  liveRecommendations: {
    /** Key and TTL attribute (epoch seconds) of the live-state table. */
    partitionKey: 'user_id',
    ttlAttribute: 'expires_at',
    /**
     * N: a customer is active, and gets a live list, while the job wrote their latest interaction at most this
     * many minutes ago (the sessions' own inactivity rule); the item expires then (DynamoDB's TTL deletes it
     * later, so the API checks `expires_at` itself).
     */
    activeMinutes: SESSION_INACTIVITY_SECONDS / 60,
    /** Interactions of the open session kept per customer, newest first: bounded state and item size. */
    interactionsKept: 10,
    /** Products of the newest interactions whose item-to-item lists propose candidates (one shard read each). */
    productsLookedUp: 3,
    /** Of the top-3, at most this many come from what the customer did just now; the batch list fills the rest. */
    liveSlots: 2,
    /**
     * Of those, this many resume the session: the newest product viewed or carted and not bought (on the real events
     * every cart and purchase followed a view of the same product in its session: docs/benchmarks.md, issue 24.3);
     * the rest are item-to-item candidates.
     */
    resumeSlots: 1,
    /** The API Lambda's environment variable naming the table; unset: no live lists, the batch list only. */
    tableEnv: 'LIVE_TABLE',
    /** The live view lists this many customers with the newest interactions (the Live page's "changed just now"). */
    customersListed: 5,
  },
  lake: {
    /** Spark's checkpoint: Kafka offsets and the commit log. */
    checkpointPrefix: 'realtime/checkpoint/',
    /** One file per micro-batch id, `<id>.json`: what makes a re-run batch count once. */
    batchesPrefix: 'realtime/batches/',
    /** The folded state through some batch id, so a restart does not re-read every batch file. */
    stateKey: 'realtime/state.json',
    /** What the API serves as the live view. */
    liveKey: 'realtime/live.json',
  },
} as const;

export type DeviceClass = (typeof REALTIME.enrichment.deviceClasses)[number];

/** The live view document (`realtime/live.json`), as the streaming job writes it and the API serves it. */
export interface LiveView {
  v: 1;
  /**
   * The latest event time seen on the events topic (ISO-8601 UTC): the events' windows end here. Null before the
   * first event. Each topic has its own clock, so a store's older purchase history cannot make live events late.
   */
  as_of: string | null;
  watermark: string | null;
  /** The latest event time seen on the purchases topic: the orders' windows end here (absent from older jobs' views). */
  orders_as_of?: string | null;
  /** When the job wrote this document's figures (ISO-8601 UTC): its last micro-batch. */
  written_at: string;
  /**
   * When the job last said it is running (ISO-8601 UTC): `written_at`, or a later heartbeat while it has no
   * records to process (`heartbeatSeconds`). Absent from a view of a job that predates it.
   */
  alive_at?: string;
  /** Written minus the newest Kafka record timestamp in the last batch with records: how far behind the job is. */
  lag_seconds: number | null;
  batch_id: number;
  /** Per topic, per partition: the next offset the job has not yet processed. */
  offsets: Record<string, Record<string, number>>;
  totals: {
    events: Record<string, number>;
    purchase_revenue: string;
    orders: number;
    order_lines: number;
    order_revenue: string;
    late_events: number;
    /** Events more than `clockAheadSeconds` ahead of the job's clock when folded (absent from a view of a job that predates it). */
    ahead_events?: number;
    /** Records no rule accepts: not JSON, unknown type, a time, product or price that breaks the contract's rules. */
    unreadable: number;
  };
  /** Events per minute of the last hour before `as_of`, minutes with events only. */
  per_minute: { minute: string; events: Record<string, number>; purchase_revenue: string }[];
  /** Orders per minute of the last hour before `orders_as_of`, minutes with order lines only (absent from older jobs' views). */
  orders_per_minute?: { minute: string; orders: number; order_lines: number; order_revenue: string }[];
  funnel: { minutes: number; viewed: number; carted: number; bought: number; view_to_cart: number | null; cart_to_purchase: number | null }[];
  active_sessions: number;
  trending: {
    products: { product_id: string; brand: string | null; category_path: string[]; views: number; carts: number }[];
    categories: { category: string; views: number; carts: number }[];
  };
  /**
   * Live purchase intent: the served intent model (`models/intent/history.json`) applied to the open sessions
   * (last event within `activeSessionSeconds`) that have not bought, on their events so far, computed by the
   * batch's own prefix feature function. Absent from a view written by a job that
   * predates it (a deploy does not restart a running job).
   */
  intent?: {
    /** The served run whose model scored them; null when none is served or its model cannot be read (then no scores). */
    model_run: string | null;
    /** Why there are no scores; null while a model is loaded. */
    unavailable: string | null;
    /** Open, not-yet-bought sessions with a score. */
    scored_sessions: number;
    /** The `likelyBuyersTop` highest scores (P(purchase)), best first; `events`: the session's events so far. */
    likely_buyers: { session_id: string; user_id: string | null; score: number; events: number; last_event: string }[];
  };
  /**
   * Live cart abandonment: the served abandonment model (`served_abandonment_run`) applied to the open, undecided
   * sessions that hold a cart; the `likelyBuyersTop` least likely to buy in the session first. Absent from older jobs' views.
   */
  abandonment?: {
    model_run: string | null;
    unavailable: string | null;
    scored_carts: number;
    /** `buy_probability`: P(purchase in the session); `cart_value`: the cart events' prices summed (decimal string). */
    open_carts: { session_id: string; user_id: string | null; buy_probability: number; cart_value: string; events: number; last_event: string }[];
  };
  /**
   * The `liveRecommendations.customersListed` customers with the newest interactions of an open session, newest first
   * (issue 24): whose recommendations a live list may have changed just now. Absent from older jobs' views.
   */
  live_customers?: { user_id: string; at: string; kind: LiveInteraction['kind']; product_id: string }[];
  /** Events of the last `enrichment.minutes` that carried a user agent, by its device class, most first. */
  by_device: { device: DeviceClass; events: number }[];
  /** Events of the last `enrichment.minutes` that carried an address, by its country, most first. */
  by_country: { country: string; events: number }[];
}

/** One interaction of a customer's open session, as their live-state item holds it (newest first). */
export interface LiveInteraction {
  /** Event time, ISO-8601 UTC, to the second. */
  at: string;
  kind: 'view' | 'cart' | 'purchase';
  product_id: string;
  category_code: string | null;
  brand: string | null;
  price: string | null;
}

/**
 * A customer's live-state item, written by the streaming job (realtime_jobs/activity.py) each batch that changed
 * it: key `user_id`, TTL attribute `expires_at` (REALTIME.liveRecommendations).
 */
export interface LiveActivity {
  user_id: string;
  /** The open session: the session of the customer's newest event. */
  session: string;
  /** At most `interactionsKept`, newest first, distinct. */
  interactions: LiveInteraction[];
  /** When the job wrote the item (ISO-8601 UTC). */
  written_at: string;
  /** Epoch seconds: `written_at` plus `activeMinutes`; past it the customer is no longer active. */
  expires_at: number;
}

/** Why a live card is there: what the customer did just now, and how the item-to-item table relates it. */
export interface LiveEvidence {
  kind: LiveInteraction['kind'];
  /** When the customer did it (event time). */
  at: string;
  product: { product_id: string; category_code: string | null; brand: string | null };
  /**
   * The recommend job's item-to-item relation (contract/recommender.ts SimilarProduct), or `itself`: the card is the
   * product the customer viewed or carted (and has not bought in the session).
   */
  relation: 'bought_together' | 'also_bought' | 'itself';
  /** Orders holding both (`bought_together`), customers who bought both (`also_bought`); `itself`: 0. */
  count: number;
}

const KIND_VERB: Record<LiveInteraction['kind'], string> = { view: 'Viewed', cart: 'Put in the cart', purchase: 'Bought' };

/** `3 minutes ago`, `1 hour ago`, `just now`: how long before `nowMs` the interaction was, rounded down. */
export const liveAgo = (atMs: number, nowMs: number): string => {
  const minutes = Math.floor(Math.max(0, nowMs - atMs) / 60_000);
  if (minutes < 1) return 'just now';
  const [n, unit] = minutes < 60 ? [minutes, 'minute'] : minutes < 48 * 60 ? [Math.floor(minutes / 60), 'hour'] : [Math.floor(minutes / 1440), 'day'];
  return `${n} ${unit}${n === 1 ? '' : 's'} ago`;
};

/**
 * A live card's reason, from its evidence alone (the rule every surface uses):
 * `Viewed 3 minutes ago: product 1004856 (samsung). Bought together with it in 12 orders.`, or for the product
 * itself `Put in the cart 1 minute ago; not bought yet.`
 * `label` names a product (the site formats the category; default: id, brand, category code).
 */
export const liveReason = (
  evidence: LiveEvidence,
  nowMs: number,
  label: (p: LiveEvidence['product']) => string = (p) => {
    const what = [p.brand, p.category_code].filter((s) => s);
    return what.length === 0 ? `product ${p.product_id}` : `product ${p.product_id} (${what.join(', ')})`;
  },
): string => {
  const when = `${KIND_VERB[evidence.kind]} ${liveAgo(Date.parse(evidence.at), nowMs)}`;
  if (evidence.relation === 'itself') return `${when}; not bought yet.`;
  const n = evidence.count;
  const how =
    evidence.relation === 'bought_together'
      ? `Bought together with it in ${n} order${n === 1 ? '' : 's'}.`
      : `${n} customer${n === 1 ? '' : 's'} who bought it also bought this.`;
  return `${when}: ${label(evidence.product)}. ${how}`;
};
