/**
 * Writes emr-jobs/recstream_jobs/contract.json from contract/ so the
 * Spark jobs share the TypeScript side's facts. `--check` fails when stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sparkContract } from '../contract';

export const CONTRACT_JSON_PATH = join(__dirname, '..', 'emr-jobs', 'recstream_jobs', 'contract.json');
export const renderContractJson = (): string => `${JSON.stringify(sparkContract(), null, 2)}\n`;

if (require.main === module) {
  const wanted = renderContractJson();
  if (process.argv.includes('--check')) {
    const current = readFileSync(CONTRACT_JSON_PATH, 'utf8');
    if (current !== wanted) {
      console.error(`${CONTRACT_JSON_PATH} is stale: run npm run contract`);
      process.exit(1);
    }
  } else {
    writeFileSync(CONTRACT_JSON_PATH, wanted);
    console.log(`wrote ${CONTRACT_JSON_PATH}`);
  }
}
