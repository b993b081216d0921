/**
 * The statistics that say whether a behaviour CSV looks like the real sample: event-type mix,
 * session lengths and gaps, missing codes/brands, popularity concentration, buying sessions.
 * Sessions here are plain `user_session` groups (the Spark job's rules are tested on their own).
 */
export interface BehaviourStatistics {
  events: number;
  viewShare: number;
  cartShare: number;
  removeShare: number;
  purchaseShare: number;
  sessions: number;
  oneEventSessionShare: number;
  medianSessionEvents: number;
  p90SessionEvents: number;
  /** Seconds between consecutive events of a session, by quantile. */
  gapP10: number;
  gapP50: number;
  gapP90: number;
  emptyCategoryCodeShare: number;
  emptyBrandShare: number;
  purchaseSessionShare: number;
  cartSessionShare: number;
  top10PercentCategoryShare: number;
  top10PercentBrandShare: number;
  missingUserShare: number;
  missingSessionShare: number;
  users: number;
}

const quantile = (sorted: number[], q: number): number => (sorted.length ? sorted[Math.floor(q * (sorted.length - 1))] : 0);

const topShare = (counts: Map<string, number>, fraction: number): number => {
  const sorted = [...counts.values()].sort((a, b) => b - a);
  const total = sorted.reduce((a, b) => a + b, 0);
  return total ? sorted.slice(0, Math.max(1, Math.floor(sorted.length * fraction))).reduce((a, b) => a + b, 0) / total : 0;
};

const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

interface SessionTally {
  times: number[];
  cart: boolean;
  purchase: boolean;
}

/** Statistics of behaviour CSV lines (header first); the format has no quoted fields. */
export const behaviourStatistics = async (lines: AsyncIterable<string> | Iterable<string>): Promise<BehaviourStatistics> => {
  const types = new Map<string, number>();
  const categories = new Map<string, number>();
  const brands = new Map<string, number>();
  const sessions = new Map<string, SessionTally>();
  const users = new Set<string>();
  let events = 0, noCode = 0, noBrand = 0, noUser = 0, noSession = 0;
  let header = true;
  for await (const raw of lines) {
    const line = raw.endsWith('\n') ? raw.slice(0, -1) : raw;
    if (header || !line) {
      header = false;
      continue;
    }
    events++;
    const [time, type, , category, code, brand, , user, session] = line.split(',');
    bump(types, type);
    bump(categories, category);
    if (brand) bump(brands, brand);
    else noBrand++;
    if (!code) noCode++;
    if (user) users.add(user);
    else noUser++;
    if (!session) {
      noSession++;
      continue;
    }
    const tally = sessions.get(session) ?? { times: [], cart: false, purchase: false };
    tally.times.push(Date.parse(time.replace(' UTC', 'Z').replace(' ', 'T')) / 1000);
    tally.cart ||= type === 'cart';
    tally.purchase ||= type === 'purchase';
    sessions.set(session, tally);
  }
  const lengths: number[] = [];
  const gaps: number[] = [];
  let buying = 0, carting = 0;
  for (const s of sessions.values()) {
    lengths.push(s.times.length);
    s.times.sort((a, b) => a - b);
    for (let i = 1; i < s.times.length; i++) gaps.push(s.times[i] - s.times[i - 1]);
    if (s.purchase) buying++;
    if (s.cart) carting++;
  }
  lengths.sort((a, b) => a - b);
  gaps.sort((a, b) => a - b);
  const share = (n: number) => (events ? n / events : 0);
  const perSession = (n: number) => (sessions.size ? n / sessions.size : 0);
  return {
    events,
    viewShare: share(types.get('view') ?? 0),
    cartShare: share(types.get('cart') ?? 0),
    removeShare: share(types.get('remove_from_cart') ?? 0),
    purchaseShare: share(types.get('purchase') ?? 0),
    sessions: sessions.size,
    oneEventSessionShare: perSession(lengths.filter((n) => n === 1).length),
    medianSessionEvents: quantile(lengths, 0.5),
    p90SessionEvents: quantile(lengths, 0.9),
    gapP10: quantile(gaps, 0.1),
    gapP50: quantile(gaps, 0.5),
    gapP90: quantile(gaps, 0.9),
    emptyCategoryCodeShare: share(noCode),
    emptyBrandShare: share(noBrand),
    purchaseSessionShare: perSession(buying),
    cartSessionShare: perSession(carting),
    top10PercentCategoryShare: topShare(categories, 0.1),
    top10PercentBrandShare: topShare(brands, 0.1),
    missingUserShare: share(noUser),
    missingSessionShare: share(noSession),
    users: users.size,
  };
};
