import { createHash } from 'node:crypto';
import { normalizePrompt, type ChatRequest, type DeploymentRef, type TokenUsage } from '@switchyard/core';
import type { KeySpace } from './key-space.ts';
import type { RedisClient } from './redis-connection.ts';

/** What the cache keeps of an answer that passed the quality gate. */
export interface CachedAnswer {
  answer: string;
  tier: string;
  deployment: DeploymentRef;
  usage: TokenUsage;
  finishReason: string;
  qualityScore: number;
  simulated: boolean;
}

/** JSON with object keys sorted, so that two equal requests always give the same text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonical(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The exact-match key of a request: its normalised messages, every other request field (each
 * parameter may change the answer: `max_tokens`, `temperature`, `response_format`, `force_tier`,
 * ...), the route it was classified to and the pinned model, if any. `metadata` labels a request
 * without changing its answer and `cache` only says whether to use the cache: both are left out.
 */
export function cacheKeyOf(request: ChatRequest, route: string, pinnedModel?: string): string {
  const { metadata: _metadata, cache: _cache, messages, ...parameters } = request;
  const material = canonical({
    messages: messages.map((message) => ({ ...message, content: normalizePrompt(message.content) })),
    parameters,
    route,
    model: pinnedModel ?? null,
  });
  return createHash('sha256').update(material).digest('hex');
}

/** The response cache: one Redis string per key, expiring after `ttlSeconds`. */
export class ResponseCache {
  private readonly redis: RedisClient;
  private readonly keys: KeySpace;
  private readonly ttlSeconds: number;

  constructor(redis: RedisClient, keys: KeySpace, ttlSeconds: number) {
    this.redis = redis;
    this.keys = keys;
    this.ttlSeconds = ttlSeconds;
  }

  async get(key: string): Promise<CachedAnswer | undefined> {
    const raw = await this.redis.get(this.keys.responseCache(key));
    if (raw === null) return undefined;
    try {
      return JSON.parse(raw) as CachedAnswer;
    } catch {
      // A value we cannot read is a miss: the call is made and its answer overwrites it.
      return undefined;
    }
  }

  async put(key: string, answer: CachedAnswer): Promise<void> {
    await this.redis.set(this.keys.responseCache(key), JSON.stringify(answer), 'EX', this.ttlSeconds);
  }
}
