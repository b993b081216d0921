/**
 * Moves the recommend job's output from the lake into the serving store:
 * every JSON-lines part file under LAKE.recommendationsPrefix, then
 * LAKE.fallbackKey under SERVING_TABLE.fallbackUserId. A bad line is counted
 * and reported by file and line number (the part file itself stays in the
 * lake as the record); good lines still load.
 */
import { LAKE, SERVING_TABLE, type UserRecommendations } from '../../contract';
import { lines, readText, type LakeReader } from '../shared/serving/lake';
import type { RecommendationWriter } from '../shared/serving/ports';
import { parseFallbackDocument, parseRecommendationLine } from '../shared/serving/validate';

export interface InvalidLine {
  key: string;
  line: number;
  error: string;
}

export interface LoadReport {
  files: number;
  lines: number;
  /** Users stored; the fallback list (from fallback.json or a part file) is not counted. */
  loaded: number;
  invalid: number;
  /** The first few invalid lines, so a report stays small when a whole file is bad. */
  invalidSamples: InvalidLine[];
  fallback: 'loaded' | 'missing' | { invalid: string };
}

export interface LoadOptions {
  /** Items per writer call; the DynamoDB writer splits further into chunks of 25. */
  batchSize?: number;
  maxInvalidSamples?: number;
  onProgress?: (report: LoadReport) => void;
}

/** Spark writes `part-*` files beside `_SUCCESS` and `.crc` markers. */
export const isPartFile = (key: string): boolean => /(^|\/)part-[^/]*$/.test(key) && !key.endsWith('.crc');

export const loadRecommendations = async (
  lake: LakeReader,
  writer: RecommendationWriter,
  { batchSize = 500, maxInvalidSamples = 20, onProgress }: LoadOptions = {},
): Promise<LoadReport> => {
  const report: LoadReport = { files: 0, lines: 0, loaded: 0, invalid: 0, invalidSamples: [], fallback: 'missing' };
  let batch: UserRecommendations[] = [];
  const flush = async () => {
    await writer.write(batch);
    report.loaded += batch.filter((item) => item.user_id !== SERVING_TABLE.fallbackUserId).length;
    batch = [];
    onProgress?.(report);
  };

  for (const key of (await lake.list(LAKE.recommendationsPrefix)).filter(isPartFile)) {
    const stream = await lake.open(key);
    if (!stream) continue;
    report.files++;
    let lineNumber = 0;
    for await (const line of lines(stream)) {
      lineNumber++;
      if (line.trim() === '') continue;
      report.lines++;
      const parsed = parseRecommendationLine(line);
      if (!parsed.ok) {
        report.invalid++;
        if (report.invalidSamples.length < maxInvalidSamples) report.invalidSamples.push({ key, line: lineNumber, error: parsed.error });
        continue;
      }
      batch.push(parsed.value);
      if (batch.length >= batchSize) await flush();
    }
  }

  const fallbackText = await readText(lake, LAKE.fallbackKey);
  if (fallbackText !== undefined) {
    const fallback = parseFallbackDocument(fallbackText);
    if (fallback.ok) batch.push(fallback.value);
    report.fallback = fallback.ok ? 'loaded' : { invalid: `${LAKE.fallbackKey}: ${fallback.error}` };
  }
  if (batch.length > 0) await flush();
  return report;
};

/** A load that stored no users or no fallback leaves the API serving stale or empty answers: fail the run. */
export const loadProblems = (report: LoadReport): string[] => [
  ...(report.files === 0 ? [`no part files under ${LAKE.recommendationsPrefix}`] : []),
  ...(report.files > 0 && report.loaded === 0 ? ['no valid recommendation lines'] : []),
  ...(report.fallback === 'missing' ? [`${LAKE.fallbackKey} is missing, so users without history would get no list`] : []),
  ...(typeof report.fallback === 'object' ? [report.fallback.invalid] : []),
];
