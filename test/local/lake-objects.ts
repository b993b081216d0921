/** Reads back what the sink landed: every object under the raw prefix, decompressed. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { LAKE } from '../../contract';

export interface LakeObject {
  key: string;
  bytes: number;
  lines: string[];
}

const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));

export const allFiles = (lake: string): string[] => {
  try {
    return walk(join(lake, LAKE.rawPrefix)).map((path) => relative(lake, path));
  } catch {
    return [];
  }
};

export const lakeObjects = (lake: string): LakeObject[] =>
  allFiles(lake)
    .filter((key) => key.endsWith('.gz') && !key.split('/').pop()!.startsWith('.'))
    .sort()
    .map((key) => {
      const body = gunzipSync(readFileSync(join(lake, key)));
      const text = body.toString('utf8');
      assertEndsWithNewline(key, text);
      return { key, bytes: body.length, lines: text.split('\n').slice(0, -1) };
    });

const assertEndsWithNewline = (key: string, text: string) => {
  if (text.length > 0 && !text.endsWith('\n')) throw new Error(`${key}: JSON lines must end with a newline`);
};
