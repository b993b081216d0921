/** Where in the lake the cluster reads and writes, beyond the keys the contract names. */
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { BEHAVIOUR_LAKE, LAKE } from '../../contract';

/** Where EMR writes cluster and step logs (stdout/stderr of each Spark driver). */
export const EMR_LOG_PREFIX = 'emr-logs/';

/** The Firehose prefixes the nodes read (purchases, behaviour events). */
const READ = [LAKE.rawPrefix, BEHAVIOUR_LAKE.rawPrefix];

/** Written under a folder Firehose also writes (raw-errors/): granted as its own prefix, not the folder. */
const WRITTEN_PREFIXES = [BEHAVIOUR_LAKE.quarantinePrefix];

/**
 * Written as top-level folders, so EMRFS's `<folder>_$folder$` markers are covered too. The behaviour
 * keys all sit in folders the purchases jobs already write, except models/ (intent runs).
 */
const WRITTEN_KEYS = [
  LAKE.curatedPrefix, LAKE.cleanReportKey, LAKE.servingPrefix, LAKE.analyticsPrefix, LAKE.quarantinePrefix, EMR_LOG_PREFIX,
  // What the incremental runs keep (manifest, rows, combinations, partial aggregates), all under state/.
  LAKE.purchasesManifestKey, LAKE.purchaseRowsPrefix, LAKE.purchaseCombosPrefix, LAKE.analyticsPartialsPrefix,
  BEHAVIOUR_LAKE.eventsManifestKey, BEHAVIOUR_LAKE.eventsStatePrefix, BEHAVIOUR_LAKE.trackersStatePrefix, BEHAVIOUR_LAKE.funnelStatePrefix,
  BEHAVIOUR_LAKE.eventsPrefix, BEHAVIOUR_LAKE.sessionsPrefix, BEHAVIOUR_LAKE.sessionsReportKey, BEHAVIOUR_LAKE.funnelKey,
  BEHAVIOUR_LAKE.intentModelsPrefix, BEHAVIOUR_LAKE.topCategoriesPrefix,
];

/** Object ARNs the nodes only read. */
export const lakeReadGrants = (lake: s3.IBucket): string[] => READ.map((prefix) => lake.arnForObjects(`${prefix}*`));

/** Object ARNs the nodes read and write. */
export function lakeWriteGrants(lake: s3.IBucket): string[] {
  const folders = [...new Set(WRITTEN_KEYS.map((key) => key.split('/')[0]))];
  // No trailing slash: `curated_$folder$`, `raw-errors/events_$folder$` are the markers.
  return [...folders, ...WRITTEN_PREFIXES.map((prefix) => prefix.replace(/\/$/, ''))].map((p) => lake.arnForObjects(`${p}*`));
}

/** Everything the nodes touch in the lake, read grants first. */
export const lakeObjectGrants = (lake: s3.IBucket): string[] => [...lakeReadGrants(lake), ...lakeWriteGrants(lake)];
