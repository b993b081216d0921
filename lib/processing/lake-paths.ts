/** Where in the lake the cluster reads and writes, beyond the keys the contract names. */
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { LAKE } from '../../contract';

/** Where EMR writes cluster and step logs (stdout/stderr of each Spark driver). */
export const EMR_LOG_PREFIX = 'emr-logs/';

/**
 * The raw prefix the nodes read, then the folders they write: top-level folders, so EMRFS's
 * `<folder>_$folder$` markers are covered too.
 */
export function lakeObjectGrants(lake: s3.IBucket): string[] {
  const written = [LAKE.curatedPrefix, LAKE.cleanReportKey, LAKE.servingPrefix, LAKE.analyticsPrefix, LAKE.quarantinePrefix, EMR_LOG_PREFIX];
  const folders = [...new Set(written.map((key) => key.split('/')[0]))];
  return [lake.arnForObjects(`${LAKE.rawPrefix}*`), ...folders.map((folder) => lake.arnForObjects(`${folder}*`))];
}
