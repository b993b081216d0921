/** Where in the lake the cluster reads and writes, beyond the keys the contract names. */
import * as path from 'node:path';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { LAKE } from '../../contract';

/** Where EMR writes cluster and step logs (stdout/stderr of each Spark driver). */
export const EMR_LOG_PREFIX = 'emr-logs/';
/** The folder the recommend job writes recommendations/, fallback.json and metrics.json into. */
export const SERVING_PREFIX = `${path.posix.dirname(LAKE.fallbackKey)}/`;

/**
 * The raw prefix the nodes read, then the folders they write: top-level folders, so EMRFS's
 * `<folder>_$folder$` markers are covered too (`quarantine/` is clean.py's default).
 */
export function lakeObjectGrants(lake: s3.IBucket): string[] {
  const written = [LAKE.curatedPrefix, LAKE.cleanReportKey, SERVING_PREFIX, LAKE.analyticsPrefix, 'quarantine/', EMR_LOG_PREFIX];
  const folders = [...new Set(written.map((key) => key.split('/')[0]))];
  return [lake.arnForObjects(`${LAKE.rawPrefix}*`), ...folders.map((folder) => lake.arnForObjects(`${folder}*`))];
}
