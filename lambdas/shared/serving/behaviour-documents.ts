/** The behaviour jobs' JSON documents straight from the lake (BEHAVIOUR_LAKE keys). */
import { BEHAVIOUR_LAKE } from '../../../contract';
import { readLakeJson } from './behaviour-load';
import type { BehaviourDocuments } from './behaviour-ports';
import type { LakeReader } from './lake';

/** Run ids are `<UTC stamp>-<hex>` (intent_registry.new_run_id): nothing else may become a key. */
const RUN_ID = /^[0-9A-Za-z-]{1,64}$/;

export const lakeBehaviourDocuments = (lake: LakeReader): BehaviourDocuments => ({
  funnel: () => readLakeJson(lake, BEHAVIOUR_LAKE.funnelKey),
  sessionsReport: () => readLakeJson(lake, BEHAVIOUR_LAKE.sessionsReportKey),
  intentHistory: () => readLakeJson(lake, BEHAVIOUR_LAKE.intentHistoryKey),
  topCategoriesMetrics: () => readLakeJson(lake, BEHAVIOUR_LAKE.topCategoriesMetricsKey),
  intentRun: async (runId) => (RUN_ID.test(runId) ? readLakeJson(lake, `${BEHAVIOUR_LAKE.intentModelsPrefix}${runId}/run.json`) : undefined),
});
