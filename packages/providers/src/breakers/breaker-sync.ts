import { z } from 'zod';

/** What one process tells the others about a provider endpoint. */
export const breakerMessageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('open'), endpoint: z.string(), origin: z.string(), halfOpenAt: z.number() }),
  z.object({ kind: z.literal('close'), endpoint: z.string(), origin: z.string() }),
  z.object({
    kind: z.literal('cooldown'),
    endpoint: z.string(),
    origin: z.string(),
    model: z.string(),
    until: z.number(),
    detail: z.string(),
  }),
]);

export type BreakerMessage = z.infer<typeof breakerMessageSchema>;

/** The answer to a probe claim: granted, or held by another process until when (epoch ms). */
export type ProbeClaim = { claimed: true } | { claimed: false; heldUntil: number };

/**
 * How the breakers of several processes act as one: state changes are broadcast, and of all the
 * processes whose breaker half-opens, only the one holding the probe claim calls the provider.
 */
export interface BreakerSync {
  /** This process's id in messages; messages carrying it are its own and are ignored. */
  readonly origin: string;
  /** Fire and forget: a lost message only means another process finds out by itself. */
  publish(message: BreakerMessage): void;
  /**
   * The open breakers other processes stored (an `open` message per endpoint of `endpoints` whose
   * breaker is open now), so that a process starting after the broadcast still hears of them.
   */
  readOpen?(endpoints: readonly string[]): Promise<BreakerMessage[]>;
  /** Calls `listener` with every message another process published. */
  subscribe(listener: (message: BreakerMessage) => void): Promise<void>;
  /** Whether this process may probe `endpoint`; the claim lapses after `ttlMs`. */
  claimProbe(endpoint: string, ttlMs: number): Promise<ProbeClaim>;
  /** Gives this process's claim up now, or lets it lapse `afterMs` from now (after a failed probe). */
  releaseProbe(endpoint: string, afterMs?: number): Promise<void>;
  close(): Promise<void>;
}
