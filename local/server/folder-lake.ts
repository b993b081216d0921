/**
 * A lake read from a local folder: the twin's lake folder when it publishes the
 * Spark jobs' outputs to its lake bucket, and the seed lakes of tests and
 * benches that need no S3 server.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { decoded, type LakeReader } from '../../lambdas/shared/serving/lake';

/** Keys use `/` whatever the platform. */
export const folderLake = (root: string): LakeReader => ({
  async list(prefix) {
    const walk = async (dir: string): Promise<string[]> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      const nested = await Promise.all(
        entries.map((e) => (e.isDirectory() ? walk(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]))),
      );
      return nested.flat();
    };
    // Walk only the folder part of the prefix, then filter on the whole prefix.
    const folder = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    const files = await walk(join(root, folder));
    return files
      .map((f) => relative(root, f).split(sep).join('/'))
      .filter((k) => k.startsWith(prefix))
      .sort();
  },
  async open(key) {
    const path = join(root, key);
    const found = await stat(path).catch(() => undefined);
    return found?.isFile() ? decoded(key, createReadStream(path)) : undefined;
  },
});

