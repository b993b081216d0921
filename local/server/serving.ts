/**
 * The server's stores without the AWS-protocol servers: a lake folder's
 * recommend output loaded into memory, analytics read from the folder. For the
 * tests and benches of the server and the site; the twin itself serves from
 * its DynamoDB table and lake bucket (local/pipeline/run.ts).
 */
import { loadRecommendations, type LoadOptions, type LoadReport } from '../../lambdas/load-recommendations/load';
import { lakeBehaviourDocuments } from '../../lambdas/shared/serving/behaviour-documents';
import { loadBehaviour, type BehaviourLoadReport } from '../../lambdas/shared/serving/behaviour-load';
import type { BehaviourDeps } from '../../lambdas/shared/serving/behaviour-ports';
import { lakeAnalyticsStore } from '../../lambdas/shared/serving/lake';
import type { AnalyticsStore } from '../../lambdas/shared/serving/ports';
import { lakeRecommenderDocuments, type RecommenderDocuments } from '../../lambdas/shared/serving/recommender-documents';
import { folderLake } from './folder-lake';
import { MemoryBehaviourStore } from './memory-behaviour-store';
import { MemoryRecommendationStore } from './memory-store';

export interface LocalServing {
  recommendations: MemoryRecommendationStore;
  analytics: AnalyticsStore;
  report: LoadReport;
  /** The behaviour jobs' output in the folder (none: every customer unknown, documents 404). */
  behaviour: BehaviourDeps;
  behaviourReport: BehaviourLoadReport;
  /** The recommend job's model card, history and item-to-item shards in the folder (none: those routes 404). */
  recommender: RecommenderDocuments;
}

export const loadLocalServing = async (lakeDir: string, options?: LoadOptions): Promise<LocalServing> => {
  const lake = folderLake(lakeDir);
  const recommendations = new MemoryRecommendationStore();
  const report = await loadRecommendations(lake, recommendations, options);
  const behaviourStore = new MemoryBehaviourStore();
  const behaviourReport = await loadBehaviour(lake, behaviourStore);
  return { recommendations, analytics: lakeAnalyticsStore(lake), report, behaviour: { store: behaviourStore, documents: lakeBehaviourDocuments(lake) }, behaviourReport, recommender: lakeRecommenderDocuments(lake) };
};
