/**
 * What the twin does after ingest, read from the report the deployed handler
 * put beside the upload (the one a user of the AWS deployment reads): go on to
 * Spark, or end the run here with one line saying why. A file ingest did not
 * take must never reach Spark, where it would surface as a missing-path
 * traceback or, for a truncated gzip, as recommendations from part of the file.
 */
import { ingestReportKeyFor, quarantineKeyFor } from '../../contract';
import type { IngestReport } from '../../lambdas/ingest/ingest';
import { type LakeReader, readText } from '../../lambdas/shared/serving/lake';
import { EXIT } from './exit-codes';
import { formatCount, formatReasons } from './progress';

/** The run ends early on purpose: `line` is what the person sees, `code` the exit code. */
export class RunEnded extends Error {
  constructor(
    readonly line: string,
    readonly code: number,
  ) {
    super(line);
  }
}

export interface Upload {
  bucket: string;
  key: string;
}

/** The report the handler wrote beside the upload, or the handler's own error when it wrote none. */
export const uploadedReport = async (bucket: LakeReader, upload: Upload, handlerError: Error | undefined): Promise<IngestReport> => {
  const text = await readText(bucket, ingestReportKeyFor(upload.key));
  if (text === undefined)
    throw handlerError ?? new Error(`ingest wrote no report s3://${upload.bucket}/${ingestReportKeyFor(upload.key)}`);
  return JSON.parse(text) as IngestReport;
};

/** undefined: go on. Otherwise how the run ends, before anything downstream of ingest starts. */
export const ingestVerdict = (file: string, upload: Upload, report: IngestReport): RunEnded | undefined => {
  const at = (key: string) => `s3://${upload.bucket}/${key}`;
  if (report.status !== 'ok') {
    const delivered = report.produced > 0 ? `; the ${formatCount(report.produced)} rows produced before it are not processed` : '';
    return new RunEnded(`ingest: ${file} rejected: ${report.error ?? report.status} (report ${at(ingestReportKeyFor(upload.key))}${delivered})`, EXIT.ingestRejected);
  }
  if (report.read === 0) return new RunEnded(`ingest: ${file}: nothing to process (a header and no data rows)`, EXIT.ok);
  if (report.produced === 0)
    return new RunEnded(
      `ingest: ${file} rejected: all ${formatCount(report.rejected)} rows were rejected (${formatReasons(report.rejectedByReason)}; rows in ${at(quarantineKeyFor(upload.key))})`,
      EXIT.ingestRejected,
    );
  return undefined;
};
