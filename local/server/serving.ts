/** The twin's serving side in one call: the lake folder's recommend output loaded into memory, analytics read from the folder. */
import { loadRecommendations, type LoadOptions, type LoadReport } from '../../lambdas/load-recommendations/load';
import { folderLake, lakeAnalyticsStore } from '../../lambdas/serving/lake';
import { MemoryRecommendationStore, type AnalyticsStore } from '../../lambdas/serving/ports';

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
