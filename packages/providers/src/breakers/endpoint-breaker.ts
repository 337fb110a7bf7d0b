import CircuitBreaker from 'opossum';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerTransition {
  endpoint: string;
  state: BreakerState;
  /** `local`: this process's calls moved it; `remote`: another process said so. */
  source: 'local' | 'remote';
  at: number;
  /** For `open`: when a probe may test the provider again (epoch ms). */
  halfOpenAt?: number;
  /**
   * For `open`: the caller gave up on the probe (its worker is closing), so the provider was not
   * judged. opossum has no "no verdict" and reopens the breaker here, but other processes are
   * not told.
   */
  probeAbandoned?: true;
  /** Calls and failures in the rolling window when it moved. */
  fires: number;
  failures: number;
  timeouts: number;
}

export interface EndpointBreakerSettings {
  timeoutMs: number;
  errorThresholdPercentage: number;
  volumeThreshold: number;
  resetTimeoutMs: number;
  rollingWindowMs: number;
  /** Errors that say nothing about the provider's health (a 400 is the request's fault) and must not trip it. */
  isHarmless: (error: unknown) => boolean;
}

type Task = () => Promise<unknown>;

/** The caller aborted the call (not the breaker's timeout): says nothing about the provider. */
class AbandonedCall extends Error {}

/** opossum's marker on the errors it raises itself. */
const opossumCode = (error: unknown): string | undefined =>
  error instanceof Error && CircuitBreaker.isOurError(error) ? (error as Error & { code?: string }).code : undefined;

/**
 * The opossum breaker of one provider endpoint, plus what opossum does not track: when it opened,
 * when it may half-open, whether the one probe of a half-open breaker is out, and which
 * transitions came from another process (those are not announced again).
 */
export class EndpointBreaker {
  readonly endpoint: string;
  readonly settings: EndpointBreakerSettings;
  private readonly breaker: CircuitBreaker<[Task], unknown>;
  private openUntil: number | undefined;
  private probeStartedAt: number | undefined;
  private applyingRemote = false;
  private probeAbandoned = false;

  constructor(
    endpoint: string,
    settings: EndpointBreakerSettings,
    onTransition: (transition: BreakerTransition) => void,
  ) {
    this.endpoint = endpoint;
    this.settings = settings;
    this.breaker = new CircuitBreaker((task: Task) => task(), {
      name: endpoint,
      timeout: settings.timeoutMs,
      errorThresholdPercentage: settings.errorThresholdPercentage,
      volumeThreshold: settings.volumeThreshold,
      resetTimeout: settings.resetTimeoutMs,
      rollingCountTimeout: settings.rollingWindowMs,
      rollingCountBuckets: 10,
      // Only the counts are used: no latency percentiles, no snapshot timer per breaker.
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
      errorFilter: (error: unknown) => this.isHarmless(error),
    });
    const announce = (state: BreakerState, extra: Pick<BreakerTransition, 'halfOpenAt' | 'probeAbandoned'> = {}) => {
      const { fires, failures, timeouts } = this.breaker.stats;
      const source = this.applyingRemote ? 'remote' : 'local';
      onTransition({ endpoint, state, source, at: Date.now(), fires, failures, timeouts, ...extra });
    };
    this.breaker.on('open', () => {
      this.openUntil = Date.now() + settings.resetTimeoutMs;
      const abandoned = this.probeAbandoned;
      this.probeAbandoned = false;
      announce('open', { halfOpenAt: this.openUntil, ...(abandoned ? { probeAbandoned: true as const } : {}) });
    });
    this.breaker.on('halfOpen', () => announce('half-open'));
    this.breaker.on('close', () => {
      this.openUntil = undefined;
      announce('closed');
    });
  }

  get state(): BreakerState {
    if (this.breaker.opened) return 'open';
    return this.breaker.halfOpen ? 'half-open' : 'closed';
  }

  /** When an open breaker lets a probe through (epoch ms). */
  get halfOpenAt(): number | undefined {
    return this.state === 'open' ? this.openUntil : undefined;
  }

  /** True while the one probe of a half-open breaker is out. */
  get probeInFlight(): boolean {
    return this.state === 'half-open' && (this.probeStartedAt !== undefined || !this.breaker.pendingClose);
  }

  /** When the probe now out started (epoch ms); undefined while none is. */
  get probeSince(): number | undefined {
    return this.probeInFlight ? (this.probeStartedAt ?? Date.now()) : undefined;
  }

  /** Claims the probe of a half-open breaker for the caller; false when it is taken. */
  beginProbe(): boolean {
    if (this.probeInFlight) return false;
    this.probeStartedAt = Date.now();
    return true;
  }

  endProbe(): void {
    this.probeStartedAt = undefined;
  }

  /**
   * Runs `action` through the breaker. A call running past `timeoutMs` is aborted through its
   * signal (so the HTTP request is cancelled, not left running) and counts as a failure. A call
   * the caller aborts through `callerSignal` is not held against the provider.
   */
  async fire<T>(
    action: (signal: AbortSignal) => Promise<T>,
    onTimeout: () => Error,
    callerSignal?: AbortSignal,
  ): Promise<T> {
    const timeout = new AbortController();
    const signal = callerSignal === undefined ? timeout.signal : AbortSignal.any([timeout.signal, callerSignal]);
    const task = async () => {
      try {
        return await action(signal);
      } catch (error) {
        if (callerSignal?.aborted === true && !timeout.signal.aborted)
          throw new AbandonedCall('call abandoned by its caller', { cause: error });
        throw error;
      }
    };
    try {
      return (await this.breaker.fire(task)) as T;
    } catch (error) {
      if (error instanceof AbandonedCall) throw error.cause;
      const code = opossumCode(error);
      if (code !== 'ETIMEDOUT') throw error;
      const timedOut = onTimeout();
      timeout.abort(timedOut);
      throw timedOut;
    }
  }

  /** True when `error` is opossum refusing the call because the breaker is (again) open. */
  static isRejection(error: unknown): boolean {
    return opossumCode(error) === 'EOPENBREAKER';
  }

  /** Another process saw the provider fail: stop calling it here too (it probes again after `resetTimeoutMs`). */
  applyRemoteOpen(): void {
    if (this.state === 'open') return;
    this.asRemote(() => this.breaker.open());
  }

  /** Another process's probe succeeded: the provider is back. */
  applyRemoteClose(): void {
    if (this.state === 'closed') return;
    this.asRemote(() => this.breaker.close());
  }

  stats(): { fires: number; failures: number; timeouts: number; successes: number; rejects: number } {
    const { fires, failures, timeouts, successes, rejects } = this.breaker.stats;
    return { fires, failures, timeouts, successes, rejects };
  }

  shutdown(): void {
    this.breaker.shutdown();
  }

  /**
   * Whether opossum may let `error` pass as harmless (it then counts as a success). Never while
   * half-open: the call then is the probe, and opossum closes a half-open breaker on any success,
   * so a 401 probe would close it (everywhere, once announced); only a real answer may. An
   * abandoned probe therefore reopens it too (opossum knows no "no verdict"), but is marked so
   * that the reopening stays in this process.
   */
  private isHarmless(error: unknown): boolean {
    if (this.breaker.halfOpen) {
      if (error instanceof AbandonedCall) this.probeAbandoned = true;
      return false;
    }
    return error instanceof AbandonedCall || this.settings.isHarmless(error);
  }

  private asRemote(change: () => void): void {
    this.applyingRemote = true;
    try {
      change();
    } finally {
      this.applyingRemote = false;
    }
  }
}
