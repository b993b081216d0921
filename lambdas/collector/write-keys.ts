/**
 * Per-store write keys: what a storefront sends in `x-recstream-write-key`. Only their SHA-256
 * hashes are configured (`COLLECTOR_WRITE_KEYS`, JSON `{ "<store id>": "<hex sha256 of the key>" }`),
 * so the function's configuration never holds a usable key. Compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export const WRITE_KEY_HEADER = 'x-recstream-write-key';
export const WRITE_KEYS_ENV = 'COLLECTOR_WRITE_KEYS';

/** The store a key belongs to, or undefined. */
export type WriteKeys = (key: string) => string | undefined;

export const hashWriteKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

export const writeKeys = (hashes: Readonly<Record<string, string>>): WriteKeys => {
  const stores = Object.entries(hashes).map(([store, hex]) => {
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`${WRITE_KEYS_ENV}: store '${store}' needs a hex SHA-256, got '${hex.slice(0, 12)}…'`);
    return { store, hash: Buffer.from(hex, 'hex') };
  });
  return (key) => {
    const hash = createHash('sha256').update(key, 'utf8').digest();
    // Every store is compared, so the time taken says nothing about which one nearly matched.
    let found: string | undefined;
    for (const s of stores) if (timingSafeEqual(s.hash, hash)) found = s.store;
    return found;
  };
};

export const writeKeysFromEnv = (env: NodeJS.ProcessEnv = process.env): WriteKeys => {
  const raw = env[WRITE_KEYS_ENV];
  if (!raw) throw new Error(`${WRITE_KEYS_ENV} is not set (JSON: store id -> hex SHA-256 of its write key)`);
  return writeKeys(JSON.parse(raw) as Record<string, string>);
};
