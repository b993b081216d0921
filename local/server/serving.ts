/**
 * The server's stores without the AWS-protocol servers: a lake folder's
 * recommend output loaded into memory, analytics read from the folder. For the
 * tests and benches of the server and the site; the twin itself serves from
 * its DynamoDB table and lake bucket (local/pipeline/run.ts).
 */
import { loadRecommendations, type LoadOptions, type LoadReport } from '../../lambdas/load-recommendations/load';
import { lakeAnalyticsStore } from '../../lambdas/shared/serving/lake';
import type { AnalyticsStore } from '../../lambdas/shared/serving/ports';
import { folderLake } from './folder-lake';
import { MemoryRecommendationStore } from './memory-store';

export interface LocalServing {
  recommendations: MemoryRecommendationStore;
  analytics: AnalyticsStore;
  report: LoadReport;
}

export const loadLocalServing = async (lakeDir: string, options?: LoadOptions): Promise<LocalServing> => {
  const lake = folderLake(lakeDir);
  const recommendations = new MemoryRecommendationStore();
  const report = await loadRecommendations(lake, recommendations, options);
  return { recommendations, analytics: lakeAnalyticsStore(lake), report };
};
