/**
 * A few user ids worth trying in the site: between them their cards show every reason the served
 * lists give (bought before, category, popular, collaborative: whatever sources the recommend job
 * wrote), a customer whose list starts from their own history first. Also one served product, for the storefront
 * event the summary prints.
 */
import { BEHAVIOUR_LAKE, LAKE } from '../../contract';
import { isPartFile } from '../../lambdas/load-recommendations/load';
import { lines, type LakeReader } from '../../lambdas/shared/serving/lake';
import { parseRecommendationLine } from '../../lambdas/shared/serving/validate';

export interface ExampleUsers {
  /** Each user adds a card reason the earlier ones lack; at most `count`. */
  users: string[];
  /** The card reasons (item sources) the users' lists show together, in the order first met. */
  sources: string[];
  /** A product some served list holds; undefined when nothing was served. */
  product?: string;
}

/**
 * Read from the recommend job's part files with the loader's own parser; lines it would refuse are skipped here
 * too. Of the customers with the same mix of reasons, one who also browsed (`browsed`) is taken, so that their
 * page shows cards and browsing both.
 */
export const exampleUsers = async (lake: LakeReader, count = 4, browsed: (userId: string) => boolean = () => false): Promise<ExampleUsers> => {
  let product: string | undefined;
  // The first user of each (list source, item sources) mix: few mixes, however many users.
  const firstByMix = new Map<string, { userId: string; personal: boolean; sources: string[] }>();
  for (const key of (await lake.list(LAKE.recommendationsPrefix)).filter(isPartFile)) {
    const stream = await lake.open(key);
    if (!stream) continue;
    for await (const line of lines(stream)) {
      const parsed = parseRecommendationLine(line);
      if (!parsed.ok || parsed.value.source === 'fallback') continue;
      const { user_id: userId, recommendations, source } = parsed.value;
      product ??= recommendations[0]?.product_id;
      // Items without their own source (older output) carry the list's.
      const sources = [...new Set(recommendations.map((item) => item.source ?? source))];
      const mix = `${source}:${sources.join(',')}`;
      // A list led by what the customer did (collaborative, bought before) is the most personal page: first.
      const kept = firstByMix.get(mix);
      if (!kept || (!browsed(kept.userId) && browsed(userId))) firstByMix.set(mix, { userId, personal: source === 'als' || source === 'repeat', sources });
    }
  }
  const found: ExampleUsers = { users: [], sources: [], product };
  const candidates = [...firstByMix.values()].sort((a, b) => Number(b.personal) - Number(a.personal) || b.sources.length - a.sources.length);
  for (const candidate of candidates) {
    const fresh = candidate.sources.filter((s) => !found.sources.includes(s));
    if (fresh.length === 0 || found.users.length === count) continue;
    found.users.push(candidate.userId);
    found.sources.push(...fresh);
  }
  return found;
};

/** Customers the behaviour jobs ranked categories for (they browsed): the categories job's JSON-lines part files. */
export const browsingCustomers = async (lake: LakeReader): Promise<Set<string>> => {
  const customers = new Set<string>();
  for (const key of (await lake.list(BEHAVIOUR_LAKE.topCategoriesPrefix)).filter(isPartFile)) {
    const stream = await lake.open(key);
    if (!stream) continue;
    for await (const line of lines(stream)) {
      // Only a hint for picking examples: a line that does not parse just names nobody.
      const userId = /"user_id"\s*:\s*"(\d{1,20})"/.exec(line)?.[1];
      if (userId) customers.add(userId);
    }
  }
  return customers;
};
