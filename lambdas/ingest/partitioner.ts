/** Java's default partitioner, so every client agrees where a user's events go. */

const M = 0x5bd1e995;

/** Reused for every key: ingest hashes a million keys per file, and a Buffer each was measurable. */
const keyScratch = Buffer.allocUnsafe(1024);

/** Kafka's murmur2 (Java's `Utils.murmur2`, seed 0x9747b28c) of a key's UTF-8 bytes. */
export function murmur2(key: string): number {
  const fits = key.length * 3 <= keyScratch.length;
  const bytes = fits ? keyScratch : Buffer.from(key, 'utf8');
  const length = fits ? keyScratch.write(key) : bytes.length;
  let h = 0x9747b28c ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const tail = length & 3;
  if (tail > 0) {
    if (tail === 3) h ^= bytes[whole + 2] << 16;
    if (tail >= 2) h ^= bytes[whole + 1] << 8;
    h ^= bytes[whole];
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition of a key, as Java's default partitioner computes it: positive murmur2 modulo the count. */
export const partitionFor = (key: string, partitions: number): number => (murmur2(key) & 0x7fffffff) % partitions;
