import { ProviderError, type DeploymentRef, type SwitchyardConfig } from '@switchyard/core';
import type { BreakerMessage, BreakerSync } from './breaker-sync.ts';
import { DeploymentUnavailableError, type UnavailableReason } from './deployment-unavailable-error.ts';
import { EndpointBreaker, type BreakerState, type BreakerTransition } from './endpoint-breaker.ts';
import { timeoutError } from './provider-error-mapping.ts';

/** The part of a pino logger the board uses. */
export interface BoardLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export type Availability = { available: true } | { available: false; reason: UnavailableReason; availableAt: number; detail: string };

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

const cooldownKey = (deployment: DeploymentRef) => `${deployment.provider}\u0000${deployment.model}`;
const iso = (epochMs: number) => new Date(epochMs).toISOString();
/** While another call probes a half-open breaker, look again this often (bounded by the probe's own timeout). */
const probeRecheckMs = 1_000;

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
        // A request the provider refused as wrong (400, 401, 404...) says nothing about its health.
        isHarmless: (error: unknown) => error instanceof ProviderError && !error.retryable,
      };
      this.breakers.set(endpoint, new EndpointBreaker(endpoint, settings, (transition) => this.announce(transition)));
    }
  }

  /** Starts listening to the other processes. */
  async start(): Promise<void> {
    await this.sync?.subscribe((message) => this.onMessage(message));
  }

  /** Whether `deployment` may be called now, and if not, from when. */
  availability(deployment: DeploymentRef, now = Date.now()): Availability {
    const cooldown = this.cooldowns.get(cooldownKey(deployment));
    if (cooldown !== undefined && cooldown.until > now) {
      return { available: false, reason: 'cooling-down', availableAt: cooldown.until, detail: `cooling down until ${iso(cooldown.until)} (${cooldown.detail})` };
    }
    const breaker = this.breaker(deployment.provider);
    if (breaker.state === 'open') {
      const availableAt = breaker.halfOpenAt ?? now + breaker.settings.resetTimeoutMs;
      return { available: false, reason: 'breaker-open', availableAt, detail: `${deployment.provider} breaker open until ${iso(availableAt)}` };
    }
    const remoteProbe = this.remoteProbes.get(deployment.provider) ?? 0;
    if (breaker.probeInFlight || (breaker.state === 'half-open' && remoteProbe > now)) {
      const availableAt = Math.max(remoteProbe, now + Math.min(probeRecheckMs, breaker.settings.timeoutMs));
      return { available: false, reason: 'probe-in-flight', availableAt, detail: `${deployment.provider} breaker half-open, a probe is testing it` };
    }
    return { available: true };
  }

  /**
   * Calls `action` for `deployment` through its endpoint's breaker, or throws
   * `DeploymentUnavailableError` without calling. The one call let through a half-open breaker
   * is the probe; with a sync it is the only probe across processes.
   */
  async call<T>(deployment: DeploymentRef, action: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const availability = this.availability(deployment);
    if (!availability.available) throw this.unavailable(deployment, availability);
    const breaker = this.breaker(deployment.provider);
    if (breaker.state !== 'half-open') return this.fire(breaker, deployment, action);

    if (!breaker.beginProbe()) throw this.unavailable(deployment, this.availability(deployment));
    let claimed = false;
    try {
      claimed = (await this.sync?.claimProbe(deployment.provider, breaker.settings.timeoutMs + probeRecheckMs)) ?? true;
      if (!claimed) {
        this.remoteProbes.set(deployment.provider, Date.now() + Math.min(probeRecheckMs, breaker.settings.timeoutMs));
        throw this.unavailable(deployment, this.availability(deployment));
      }
      this.logger?.info({ provider: deployment.provider, model: deployment.model }, 'breaker-probe');
      return await this.fire(breaker, deployment, action);
    } finally {
      breaker.endProbe();
      if (claimed) void this.sync?.releaseProbe(deployment.provider);
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

  private async fire<T>(breaker: EndpointBreaker, deployment: DeploymentRef, action: (signal: AbortSignal) => Promise<T>): Promise<T> {
    try {
      return await breaker.fire(action, () => timeoutError(deployment.provider, breaker.settings.timeoutMs));
    } catch (error) {
      if (EndpointBreaker.isRejection(error)) throw this.unavailable(deployment, this.availability(deployment));
      if (error instanceof ProviderError && error.retryable && error.retryAfterMs !== undefined && error.retryAfterMs > 0) {
        this.coolDown(deployment, Date.now() + error.retryAfterMs, `${error.status ?? 'error'} with Retry-After ${error.retryAfterMs} ms`, true);
      }
      throw error;
    }
  }

  private coolDown(deployment: DeploymentRef, until: number, detail: string, announce: boolean): void {
    const key = cooldownKey(deployment);
    if ((this.cooldowns.get(key)?.until ?? 0) >= until) return;
    this.cooldowns.set(key, { until, detail });
    const source = announce ? 'local' : 'remote';
    this.logger?.warn({ provider: deployment.provider, model: deployment.model, until: iso(until), detail, source }, 'deployment-cooling-down');
    for (const listener of this.cooldownListeners) listener({ deployment, until, detail, source });
    if (announce && this.sync !== undefined) {
      this.sync.publish({ kind: 'cooldown', endpoint: deployment.provider, model: deployment.model, until, detail, origin: this.sync.origin });
    }
  }

  private unavailable(deployment: DeploymentRef, availability: Availability): DeploymentUnavailableError {
    if (availability.available) {
      // The breaker closed between the check and the call: say so as a short retryable wait.
      return new DeploymentUnavailableError(deployment, 'probe-in-flight', Date.now(), `${deployment.provider} breaker changed state during the call`);
    }
    return new DeploymentUnavailableError(deployment, availability.reason, availability.availableAt, availability.detail);
  }

  private announce(transition: BreakerTransition): void {
    const fields = { provider: transition.endpoint, source: transition.source, fires: transition.fires, failures: transition.failures, timeouts: transition.timeouts };
    if (transition.state === 'open') {
      this.logger?.warn({ ...fields, halfOpenAt: iso(transition.halfOpenAt ?? transition.at) }, 'breaker-open');
    } else {
      this.logger?.info(fields, transition.state === 'closed' ? 'breaker-closed' : 'breaker-half-open');
    }
    if (transition.state === 'closed') this.remoteProbes.delete(transition.endpoint);
    if (transition.source === 'local' && this.sync !== undefined && transition.state !== 'half-open') {
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
    if (message.kind === 'cooldown') this.coolDown({ provider: message.endpoint, model: message.model }, message.until, message.detail, false);
  }

  private breaker(endpoint: string): EndpointBreaker {
    const breaker = this.breakers.get(endpoint);
    if (breaker === undefined) throw new RangeError(`no breaker for provider endpoint "${endpoint}"`);
    return breaker;
  }
}
