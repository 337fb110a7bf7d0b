import { ProviderError, type DeploymentRef, type SwitchyardConfig } from '@switchyard/core';
import type { BreakerMessage, BreakerSync } from './breaker-sync.ts';
import { DeploymentUnavailableError, type UnavailableReason } from './deployment-unavailable-error.ts';
import { EndpointBreaker, type BreakerState, type BreakerTransition } from './endpoint-breaker.ts';
import { abortReason, timeoutError } from '../provider-error-mapping.ts';

/** The part of a pino logger the board uses. */
export interface BoardLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export type Availability =
  | { available: true }
  | { available: false; reason: UnavailableReason; availableAt: number; detail: string };

export interface BreakerBoardOptions {
  logger?: BoardLogger;
  /** Shares breaker state with other processes; without it each process decides alone. */
  sync?: BreakerSync;
}

interface Cooldown {
  until: number;
  detail: string;
}

export interface DeploymentCooldown extends Cooldown {
  deployment: DeploymentRef;
  source: 'local' | 'remote';
}

export interface BoardCallOptions {
  /** The caller's own abort (its worker is closing): the call is cancelled and held against nobody. */
  signal?: AbortSignal | undefined;
}

type Wait = Extract<Availability, { available: false }>;

const cooldownKey = (deployment: DeploymentRef) => `${deployment.provider}\u0000${deployment.model}`;
const iso = (epochMs: number) => new Date(epochMs).toISOString();
// A function, not an inline test: TypeScript would keep the first test's narrowing across awaits.
const aborted = (signal: AbortSignal | undefined): boolean => signal?.aborted === true;
/**
 * A probe claim outlives the probe's timeout by this much: claiming it may itself take up to a
 * second (`claimWaitMs` of the Redis sync) before the call starts.
 */
const probeClaimMarginMs = 1_000;

/**
 * One breaker per provider endpoint (for this process) and the cool-downs of single deployments
 * after a `Retry-After`. Decides whether a deployment may be called now, runs calls through the
 * breaker, logs every transition and, with a sync, keeps other processes in step.
 */
export class BreakerBoard {
  private readonly breakers = new Map<string, EndpointBreaker>();
  private readonly cooldowns = new Map<string, Cooldown>();
  /** Endpoints whose probe another process holds, until when. */
  private readonly remoteProbes = new Map<string, number>();
  private readonly listeners = new Set<(transition: BreakerTransition) => void>();
  private readonly cooldownListeners = new Set<(cooldown: DeploymentCooldown) => void>();
  private readonly logger: BoardLogger | undefined;
  private readonly sync: BreakerSync | undefined;

  constructor(config: Pick<SwitchyardConfig, 'providers'>, options: BreakerBoardOptions = {}) {
    this.logger = options.logger;
    this.sync = options.sync;
    for (const [endpoint, provider] of Object.entries(config.providers)) {
      const settings = {
        ...provider.breaker,
        timeoutMs: provider.breaker.timeoutMs ?? provider.timeoutMs,
        // A request the provider refused as wrong (400, 401, 404...) says nothing about its
        // health, and a 429 is one deployment's limit: its cool-down handles it, while counting it
        // here would let a burst on one model block every model of the endpoint.
        isHarmless: (error: unknown) => error instanceof ProviderError && (!error.retryable || error.status === 429),
      };
      this.breakers.set(endpoint, new EndpointBreaker(endpoint, settings, (transition) => this.announce(transition)));
    }
  }

  /**
   * Starts listening to the other processes, then takes over the breakers they hold open: a
   * process started after a breaker opened elsewhere would otherwise call a failing provider
   * until it failed enough by itself, or until the next broadcast.
   */
  async start(): Promise<void> {
    await this.sync?.subscribe((message) => this.onMessage(message));
    const stored = (await this.sync?.readOpen?.([...this.breakers.keys()])) ?? [];
    const now = Date.now();
    for (const message of stored) if (message.kind === 'open' && message.halfOpenAt > now) this.onMessage(message);
  }

  /**
   * Whether `deployment` may be called now, and if not, from when: the latest of what holds it
   * back (a cool-down, an open breaker, a probe out). For a probe, `availableAt` is the latest it
   * can end (its timeout); it usually ends sooner.
   */
  availability(deployment: DeploymentRef, now = Date.now()): Availability {
    const waits: Wait[] = [];
    const cooldown = this.cooldowns.get(cooldownKey(deployment));
    if (cooldown !== undefined && cooldown.until > now) {
      waits.push({
        available: false,
        reason: 'cooling-down',
        availableAt: cooldown.until,
        detail: `cooling down until ${iso(cooldown.until)} (${cooldown.detail})`,
      });
    }
    const breaker = this.breaker(deployment.provider);
    if (breaker.state === 'open') {
      const availableAt = breaker.halfOpenAt ?? now + breaker.settings.resetTimeoutMs;
      waits.push({
        available: false,
        reason: 'breaker-open',
        availableAt,
        detail: `${deployment.provider} breaker open until ${iso(availableAt)}`,
      });
    }
    const probeEnd = this.probeEnd(deployment.provider, breaker, now);
    if (probeEnd !== undefined) {
      waits.push({
        available: false,
        reason: 'probe-in-flight',
        availableAt: probeEnd,
        detail: `${deployment.provider} breaker half-open, a probe is testing it`,
      });
    }
    return waits.reduce<Availability>(
      (latest, wait) => (latest.available || wait.availableAt > latest.availableAt ? wait : latest),
      { available: true },
    );
  }

  /**
   * Calls `action` for `deployment` through its endpoint's breaker, or throws
   * `DeploymentUnavailableError` without calling. The one call let through a half-open breaker
   * is the probe; with a sync it is the only probe across processes.
   */
  async call<T>(
    deployment: DeploymentRef,
    action: (signal: AbortSignal) => Promise<T>,
    options: BoardCallOptions = {},
  ): Promise<T> {
    const { signal } = options;
    if (aborted(signal)) throw abortReason(deployment.provider, signal, undefined);
    const availability = this.availability(deployment);
    if (!availability.available) throw this.unavailable(deployment, availability);
    const breaker = this.breaker(deployment.provider);
    if (breaker.state !== 'half-open') return this.fire(breaker, deployment, action, signal);

    if (!breaker.beginProbe()) throw this.unavailable(deployment, this.availability(deployment));
    let claimed = false;
    let probeFailed = false;
    try {
      const claim = (await this.sync?.claimProbe(
        deployment.provider,
        breaker.settings.timeoutMs + probeClaimMarginMs,
      )) ?? { claimed: true };
      if (!claim.claimed) {
        this.remoteProbes.set(deployment.provider, claim.heldUntil);
        breaker.endProbe();
        throw this.unavailable(deployment, this.availability(deployment));
      }
      claimed = true;
      this.logger?.info({ provider: deployment.provider, model: deployment.model }, 'breaker-probe');
      return await this.fire(breaker, deployment, action, signal);
    } catch (error) {
      // Turned away before a call, or abandoned by the caller: the provider was not judged.
      probeFailed = !(error instanceof DeploymentUnavailableError) && !aborted(signal);
      throw error;
    } finally {
      breaker.endProbe();
      // After a failure the claim stays until the breakers may half-open again: released now,
      // another process could claim it before hearing `open` and probe a provider just found down.
      if (claimed) void this.sync?.releaseProbe(deployment.provider, probeFailed ? breaker.settings.resetTimeoutMs : 0);
    }
  }

  /** Current state of every endpoint's breaker, for logs and tests. */
  states(): Record<string, BreakerState> {
    return Object.fromEntries([...this.breakers].map(([endpoint, breaker]) => [endpoint, breaker.state]));
  }

  stats(endpoint: string): ReturnType<EndpointBreaker['stats']> {
    return this.breaker(endpoint).stats();
  }

  /** Calls `listener` on every breaker transition; returns the unsubscribe. */
  onTransition(listener: (transition: BreakerTransition) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls `listener` whenever a deployment starts cooling down; returns the unsubscribe. */
  onCooldown(listener: (cooldown: DeploymentCooldown) => void): () => void {
    this.cooldownListeners.add(listener);
    return () => this.cooldownListeners.delete(listener);
  }

  async close(): Promise<void> {
    for (const breaker of this.breakers.values()) breaker.shutdown();
    this.listeners.clear();
    this.cooldownListeners.clear();
    await this.sync?.close();
  }

  /** The latest a probe testing `endpoint` can still be out, while one is (here or in another process). */
  private probeEnd(endpoint: string, breaker: EndpointBreaker, now: number): number | undefined {
    if (breaker.state !== 'half-open') return undefined;
    const localSince = breaker.probeSince;
    if (localSince !== undefined) return localSince + breaker.settings.timeoutMs + probeClaimMarginMs;
    const remoteUntil = this.remoteProbes.get(endpoint) ?? 0;
    return remoteUntil > now ? remoteUntil : undefined;
  }

  private async fire<T>(
    breaker: EndpointBreaker,
    deployment: DeploymentRef,
    action: (signal: AbortSignal) => Promise<T>,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    try {
      return await breaker.fire(action, () => timeoutError(deployment.provider, breaker.settings.timeoutMs), signal);
    } catch (error) {
      if (EndpointBreaker.isRejection(error)) throw this.unavailable(deployment, this.availability(deployment));
      if (
        error instanceof ProviderError &&
        error.retryable &&
        error.retryAfterMs !== undefined &&
        error.retryAfterMs > 0
      ) {
        this.coolDown(
          deployment,
          Date.now() + error.retryAfterMs,
          `${error.status ?? 'error'} with Retry-After ${error.retryAfterMs} ms`,
          true,
        );
      }
      throw error;
    }
  }

  private coolDown(deployment: DeploymentRef, until: number, detail: string, announce: boolean): void {
    const key = cooldownKey(deployment);
    if ((this.cooldowns.get(key)?.until ?? 0) >= until) return;
    this.cooldowns.set(key, { until, detail });
    const source = announce ? 'local' : 'remote';
    this.logger?.warn(
      { provider: deployment.provider, model: deployment.model, until: iso(until), detail, source },
      'deployment-cooling-down',
    );
    for (const listener of this.cooldownListeners) listener({ deployment, until, detail, source });
    if (announce && this.sync !== undefined) {
      this.sync.publish({
        kind: 'cooldown',
        endpoint: deployment.provider,
        model: deployment.model,
        until,
        detail,
        origin: this.sync.origin,
      });
    }
  }

  private unavailable(deployment: DeploymentRef, availability: Availability): DeploymentUnavailableError {
    if (availability.available) {
      // The breaker closed between the check and the call: say so as a short retryable wait.
      return new DeploymentUnavailableError(
        deployment,
        'probe-in-flight',
        Date.now(),
        `${deployment.provider} breaker changed state during the call`,
      );
    }
    return new DeploymentUnavailableError(
      deployment,
      availability.reason,
      availability.availableAt,
      availability.detail,
    );
  }

  private announce(transition: BreakerTransition): void {
    const fields = {
      provider: transition.endpoint,
      source: transition.source,
      fires: transition.fires,
      failures: transition.failures,
      timeouts: transition.timeouts,
    };
    if (transition.state === 'open') {
      const abandoned = transition.probeAbandoned === true ? { probeAbandoned: true } : {};
      this.logger?.warn(
        { ...fields, ...abandoned, halfOpenAt: iso(transition.halfOpenAt ?? transition.at) },
        'breaker-open',
      );
    } else {
      this.logger?.info(fields, transition.state === 'closed' ? 'breaker-closed' : 'breaker-half-open');
    }
    if (transition.state === 'closed') this.remoteProbes.delete(transition.endpoint);
    // An abandoned probe reopened only this process's breaker: the provider was not judged.
    const judged = transition.probeAbandoned !== true;
    if (transition.source === 'local' && judged && this.sync !== undefined && transition.state !== 'half-open') {
      const { origin } = this.sync;
      this.sync.publish(
        transition.state === 'open'
          ? { kind: 'open', endpoint: transition.endpoint, halfOpenAt: transition.halfOpenAt ?? transition.at, origin }
          : { kind: 'close', endpoint: transition.endpoint, origin },
      );
    }
    for (const listener of this.listeners) listener(transition);
  }

  private onMessage(message: BreakerMessage): void {
    const breaker = this.breakers.get(message.endpoint);
    if (breaker === undefined) return;
    if (message.kind === 'open') breaker.applyRemoteOpen();
    if (message.kind === 'close') breaker.applyRemoteClose();
    if (message.kind === 'cooldown')
      this.coolDown({ provider: message.endpoint, model: message.model }, message.until, message.detail, false);
  }

  private breaker(endpoint: string): EndpointBreaker {
    const breaker = this.breakers.get(endpoint);
    if (breaker === undefined) throw new RangeError(`no breaker for provider endpoint "${endpoint}"`);
    return breaker;
  }
}
