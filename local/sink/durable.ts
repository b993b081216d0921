/** Writes that survive a crash: temp file, fsync, rename, fsync of the folder. */
import { mkdir, open, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export const writeDurably = async (path: string, data: Uint8Array): Promise<void> => {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  // A leading dot keeps a half-written object out of Spark's reads (it skips hidden files).
  const tmp = join(dir, `.${basename(path)}.tmp`);
  const file = await open(tmp, 'w');
  try {
    await file.writeFile(data);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(tmp, path);
  const folder = await open(dir, 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
};
