/** Options of a VerdictCache. */
export interface VerdictCacheOptions {
  /** Entries kept; past it the least recently used goes. 0 keeps nothing. */
  maxEntries: number;
  /** An entry older than this is not used (and is dropped when next looked up). */
  ttlMs: number;
  /** Clock seam for tests; epoch milliseconds. */
  now?: () => number;
}

interface Entry<V> {
  value: V;
  expiresAt: number;
}

/**
 * An in-process LRU with a time to live, for the llm strategy's verdicts. A Map keeps insertion
 * order, so re-inserting an entry on every hit makes its first key the least recently used one:
 * both lookups and evictions are O(1), with no list of its own to keep in step.
 */
export class VerdictCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: VerdictCacheOptions) {
    this.maxEntries = options.maxEntries;
    this.ttlMs = options.ttlMs;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V): void {
    if (this.maxEntries === 0) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
  }
}
