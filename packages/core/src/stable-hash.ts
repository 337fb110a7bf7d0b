/**
 * FNV-1a, 32 bit, with a murmur3 finaliser: a fast, stable hash so that simulated behaviour is the
 * same on every run.
 */
export function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  // FNV alone spreads the last characters poorly (prompts that differ only in a trailing digit
  // would cluster); murmur3's finaliser mixes every bit into every other.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** A stable number in [0, 1) for `text`. */
export function stableUnit(text: string): number {
  return stableHash(text) / 0x1_0000_0000;
}
