/** A few user ids worth trying in the site: users with personal recommendations (ALS first, then repeat purchases). */
import { LAKE, type RecommendationSource } from '../../contract';
import { isPartFile } from '../../lambdas/load-recommendations/load';
import { lines, type LakeReader } from '../../lambdas/shared/serving/lake';
import { parseRecommendationLine } from '../../lambdas/shared/serving/validate';

/** Read from the recommend job's part files with the loader's own parser; lines it would refuse are skipped here too. */
export const exampleUsers = async (lake: LakeReader, count = 3): Promise<string[]> => {
  const bySource: Partial<Record<RecommendationSource, string[]>> = {};
  for (const key of (await lake.list(LAKE.recommendationsPrefix)).filter(isPartFile)) {
    const stream = await lake.open(key);
    if (!stream) continue;
    for await (const line of lines(stream)) {
      const parsed = parseRecommendationLine(line);
      if (!parsed.ok) continue;
      const users = (bySource[parsed.value.source] ??= []);
      if (users.length < count) users.push(parsed.value.user_id);
    }
  }
  return [...(bySource.als ?? []), ...(bySource.repeat ?? [])].slice(0, count);
};
