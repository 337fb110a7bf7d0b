export interface EmbeddingMemo<V> {
  get(key: string): Promise<V> | undefined;
  set(key: string, value: Promise<V>): void;
  readonly size: number;
}

/**
 * The last `entries` results by key, least recently used dropped first. It holds promises, so
 * callers asking for the same key while the first computation runs share it; a rejected one is
 * forgotten, so the next call tries again.
 */
export function createEmbeddingMemo<V>(entries: number): EmbeddingMemo<V> {
  const values = new Map<string, Promise<V>>();
  return {
    get(key) {
      const value = values.get(key);
      if (value === undefined) return undefined;
      // A Map keeps insertion order: moving the key to the end marks it most recently used.
      values.delete(key);
      values.set(key, value);
      return value;
    },
    set(key, value) {
      if (entries <= 0) return;
      values.delete(key);
      values.set(key, value);
      if (values.size > entries) values.delete(values.keys().next().value as string);
      value.catch(() => {
        if (values.get(key) === value) values.delete(key);
      });
    },
    get size() {
      return values.size;
    },
  };
}
