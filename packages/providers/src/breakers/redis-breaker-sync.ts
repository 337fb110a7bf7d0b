import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { parseJsonOrUndefined } from '@switchyard/core';
import type { Cluster, Redis } from 'ioredis';
import { breakerMessageSchema, type BreakerMessage, type BreakerSync } from './breaker-sync.ts';

/**
 * One server or a Redis Cluster: `RedisClient` of `@switchyard/queue`, spelled out here because
 * providers do not depend on the queue package.
 */
type RedisConnection = Redis | Cluster;

export interface RedisBreakerSyncOptions {
  /** Publishes and holds probe claims; may be shared with other work. */
  redis: RedisConnection;
  /** A connection of its own: a subscribed connection can do nothing else. */
  subscriber: RedisConnection;
  /** Pub/sub channel of breaker changes; processes of one deployment share it (`KeySpace.breakerChannel`). */
  channel: string;
  /** Key of the probe claim of one endpoint (`KeySpace.breakerProbe`). */
  probeKey: (endpoint: string) => string;
  /**
   * Key that holds an endpoint's open breaker until it half-opens (`KeySpace.breakerState`), for
   * processes that start later; without it, state travels by broadcast only.
   */
  stateKey?: (endpoint: string) => string;
  onError?: (error: Error) => void;
}

/** A worker connection queues commands while Redis is away; a probe does not wait for it longer than this. */
const claimWaitMs = 1_000;

// Takes the claim if it is free; otherwise says for how much longer (ms) its holder has it.
const claimScript = `
if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return 'claimed' end
return redis.call('PTTL', KEYS[1])
`;

// Deletes the claim, or sets it to lapse in ARGV[2] ms, only while it is still ours: after a
// lapse another process may hold it.
const releaseScript = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if tonumber(ARGV[2]) > 0 then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return redis.call('DEL', KEYS[1])
`;

/** Breaker state shared through Redis pub/sub, and the probe claimed with `SET NX PX`. */
export function createRedisBreakerSync(options: RedisBreakerSyncOptions): BreakerSync {
  const { redis, subscriber, channel, probeKey, stateKey } = options;
  const origin = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const report = (error: unknown) => options.onError?.(error instanceof Error ? error : new Error(String(error)));

  return {
    origin,
    publish(message: BreakerMessage) {
      const text = JSON.stringify(message);
      // Stored before it is broadcast, both on one connection: in that order for every process.
      if (stateKey !== undefined && message.kind === 'open') {
        const ttlMs = Math.round(message.halfOpenAt - Date.now());
        if (ttlMs > 0) redis.set(stateKey(message.endpoint), text, 'PX', ttlMs).catch(report);
      }
      if (stateKey !== undefined && message.kind === 'close') redis.del(stateKey(message.endpoint)).catch(report);
      redis.publish(channel, text).catch(report);
    },
    async readOpen(endpoints) {
      if (stateKey === undefined) return [];
      // One key per endpoint, each in its own slot: read one by one rather than with MGET.
      const stored = await Promise.all(endpoints.map((endpoint) => redis.get(stateKey(endpoint))));
      return stored.flatMap((text) => {
        const parsed = breakerMessageSchema.safeParse(text === null ? undefined : parseJsonOrUndefined(text));
        return parsed.success && parsed.data.kind === 'open' && parsed.data.origin !== origin ? [parsed.data] : [];
      });
    },
    async subscribe(listener) {
      subscriber.on('message', (from: string, text: string) => {
        if (from !== channel) return;
        const parsed = breakerMessageSchema.safeParse(parseJsonOrUndefined(text));
        if (parsed.success && parsed.data.origin !== origin) listener(parsed.data);
      });
      await subscriber.subscribe(channel);
    },
    async claimProbe(endpoint, ttlMs) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), claimWaitMs)));
      try {
        const answer = await Promise.race([redis.eval(claimScript, 1, probeKey(endpoint), origin, ttlMs), late]);
        if (answer === 'late') throw new Error(`Redis did not answer the probe claim within ${claimWaitMs} ms`);
        return answer === 'claimed'
          ? { claimed: true }
          : { claimed: false, heldUntil: Date.now() + Math.max(0, Number(answer)) };
      } catch (error) {
        // Without Redis no process can coordinate: probing from here is better than never probing.
        report(error);
        return { claimed: true };
      } finally {
        clearTimeout(timer);
      }
    },
    async releaseProbe(endpoint, afterMs = 0) {
      await redis.eval(releaseScript, 1, probeKey(endpoint), origin, Math.max(0, Math.round(afterMs))).catch(report);
    },
    async close() {
      subscriber.disconnect();
    },
  };
}
