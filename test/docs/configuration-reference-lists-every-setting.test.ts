/**
 * Issue 27.12: docs/configuration.md lists every setting of lib/config.ts — each leaf of DEFAULT_CONFIG and
 * the optional emr.pysparkPython — with its default as JSON, and nothing else; and a deploy accepts each
 * listed key (resolveConfig refuses unknown ones).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_CONFIG, resolveConfig } from '../../lib/config';

/** Optional settings, which have no default to list: `unset` in the reference. */
const OPTIONAL = ['emr.pysparkPython'];

const leaves = (value: unknown, path = ''): [string, unknown][] =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0
    ? Object.entries(value).flatMap(([key, inner]) => leaves(inner, path ? `${path}.${key}` : key))
    : [[path, value]];

const documented = (): Map<string, string> => {
  const text = readFileSync(join(__dirname, '..', '..', 'docs', 'configuration.md'), 'utf8');
  return new Map([...text.matchAll(/^\| `([\w.]+)` \| (`[^`]*`|unset) \|/gm)].map((m) => [m[1], m[2]]));
};

test('every setting of lib/config.ts is documented with its default, and nothing else is', () => {
  const listed = documented();
  const expected = new Map<string, string>([...leaves(DEFAULT_CONFIG).map(([k, v]) => [k, `\`${JSON.stringify(v)}\``] as [string, string]), ...OPTIONAL.map((k) => [k, 'unset'] as [string, string])]);
  assert.deepEqual([...listed.keys()].sort(), [...expected.keys()].sort());
  for (const [key, value] of expected) assert.equal(listed.get(key), value, key);
});

test('a deploy accepts every documented key set to its default', () => {
  for (const [key, value] of documented()) {
    if (value === 'unset') continue;
    const override = key.split('.').reduceRight<unknown>((inner, name) => ({ [name]: inner }), JSON.parse(value.slice(1, -1)));
    assert.doesNotThrow(() => resolveConfig(override), key);
  }
});
