/** The real data set beside the repository (`../shared`), when this checkout has it. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const REAL_DATA_DIR = resolve(__dirname, '..', '..', '..', 'shared', 'data', 'electronics');

/** `purchases-2020H1.csv.gz` (1,002,323 rows), or undefined so callers can skip cleanly. */
export const realCsvPath = (): string | undefined => {
  const path = resolve(REAL_DATA_DIR, 'purchases-2020H1.csv.gz');
  return existsSync(path) ? path : undefined;
};
