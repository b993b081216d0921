/**
 * The Spark speed anchor: the seed repository's own `ml-count.py` (github.com/2487411142/RecommandationSystem),
 * the one PySpark script recstream replaces, run unmodified but for its three S3 paths, which point at the
 * same local input and a scratch output here. It is read from a local copy of that repository (a git
 * directory or a checkout; `--seed-repo DIR`, else RECSTREAM_SEED_REPO, else the tool library's mirror),
 * never downloaded by the bench, and skipped with a message saying how to provide it when absent.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SEED_REPOSITORY = '2487411142/RecommandationSystem';
const SEED_FILE = 'ml-count.py';
const DEFAULT_COPY = '/work/.mirror/2487411142+RecommandationSystem/repo';

/** The script's own S3 locations, each replaced by a local path and nothing else changed. */
const S3_INPUT = "'s3://861276118887datasink/purchases2024/11/28/02/'";
const S3_OUTPUTS = ["'s3://861276118887datasink/transformed_data'", "'s3://861276118887datasink/predictions'"];

export type SeedScript = { path: string; source: string };

const readSeed = (copy: string): { text: string; source: string } | undefined => {
  const checkedOut = join(copy, SEED_FILE);
  if (existsSync(checkedOut)) return { text: readFileSync(checkedOut, 'utf8'), source: checkedOut };
  try {
    const commit = execFileSync('git', ['--git-dir', copy, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const text = execFileSync('git', ['--git-dir', copy, 'show', `HEAD:${SEED_FILE}`], { encoding: 'utf8' });
    return { text, source: `${SEED_REPOSITORY}@${commit}:${SEED_FILE}` };
  } catch {
    return undefined;
  }
};

/** Replaces each S3 literal exactly once; anything else in the script is left as its authors wrote it. */
export const withLocalPaths = (script: string, input: string, output: string): string => {
  const locals = [input, join(output, 'transformed_data'), join(output, 'predictions')];
  return [S3_INPUT, ...S3_OUTPUTS].reduce((text, literal, i) => {
    const count = text.split(literal).length - 1;
    if (count !== 1) throw new Error(`${SEED_FILE}: expected ${literal} once, found it ${count} times; is this the seed's script?`);
    return text.replace(literal, JSON.stringify(locals[i]));
  }, script);
};

/** The seed's script with local paths, written under `scratch`, or why it cannot be run. */
export const seedScript = (copy: string | undefined, input: string, scratch: string): SeedScript | { missing: string } => {
  const where = copy ?? process.env.RECSTREAM_SEED_REPO ?? DEFAULT_COPY;
  const seed = readSeed(where);
  if (!seed) return { missing: `no copy of ${SEED_REPOSITORY} at ${where} (clone it and pass --seed-repo DIR, or set RECSTREAM_SEED_REPO)` };
  mkdirSync(scratch, { recursive: true });
  const path = join(scratch, SEED_FILE);
  writeFileSync(path, withLocalPaths(seed.text, input, join(scratch, 'output')));
  return { path, source: seed.source };
};
