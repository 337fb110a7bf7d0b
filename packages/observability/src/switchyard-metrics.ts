import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** What a queue looks like at one scrape. */
export interface QueueSnapshot {
  queue: string;
  /** Jobs per BullMQ state: waiting, active, delayed, prioritized, failed, completed... */
  counts: Record<string, number>;
  /** Age of the job that has waited longest, 0 when nothing waits. */
  oldestWaitingAgeSeconds: number;
}

export type BreakerStateName = 'closed' | 'half-open' | 'open';

/** Gauge values of `switchyard_breaker_state`: ordered so that `max` over processes is the worst. */
export const breakerStateValues: Record<BreakerStateName, number> = { closed: 0, 'half-open': 1, open: 2 };

// Provider calls take from tens of milliseconds (simulated, cached) to a minute (long answers).
const providerBuckets = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
// Local strategies take microseconds; the llm strategy is a model call.
const classificationBuckets = [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.25, 1, 5];

/**
 * Every Switchyard metric, registered on one process registry. Label values are configuration
 * names only (tier, route, `provider/model`, queue, strategy, endpoint, error code): never a
 * prompt, a key or a request id, so cardinality stays bounded by the config.
 */
export class SwitchyardMetrics {
  readonly registry: Registry;
  private readonly requests: Counter<'tier' | 'route'>;
  private readonly escalations: Counter<'from_tier' | 'to_tier'>;
  private readonly cost: Counter<'tier' | 'deployment'>;
  private readonly baseline: Counter<'tier'>;
  private readonly classification: Histogram<'strategy'>;
  private readonly providerDuration: Histogram<'deployment' | 'outcome'>;
  private readonly providerErrors: Counter<'deployment' | 'code'>;
  private readonly activeJobs: Gauge<'queue'>;
  private readonly breakerSources: (() => Record<string, BreakerStateName>)[] = [];
  private readonly queueSources: (() => Promise<QueueSnapshot[]>)[] = [];

  constructor(registry: Registry) {
    this.registry = registry;
    const registers = [registry];
    this.requests = new Counter({
      name: 'switchyard_requests_total',
      help: 'Requests answered, by the tier that served the answer and the route',
      labelNames: ['tier', 'route'],
      registers,
    });
    this.escalations = new Counter({
      name: 'switchyard_escalations_total',
      help: 'Hops sent up the ladder because the answer fell short',
      labelNames: ['from_tier', 'to_tier'],
      registers,
    });
    this.cost = new Counter({
      name: 'switchyard_cost_usd_total',
      help: 'Money spent on provider calls, every attempt included, in US dollars',
      labelNames: ['tier', 'deployment'],
      registers,
    });
    this.baseline = new Counter({
      name: 'switchyard_baseline_usd_total',
      help: 'What the answered requests would have cost on the premium deployment, in US dollars',
      labelNames: ['tier'],
      registers,
    });
    this.classification = new Histogram({
      name: 'switchyard_classification_duration_seconds',
      help: 'Time each classification strategy took on a prompt; strategy="chain" is the whole decision',
      labelNames: ['strategy'],
      buckets: classificationBuckets,
      registers,
    });
    this.providerDuration = new Histogram({
      name: 'switchyard_provider_request_duration_seconds',
      help: 'Provider call latency by deployment (provider/model) and outcome (ok, error)',
      labelNames: ['deployment', 'outcome'],
      buckets: providerBuckets,
      registers,
    });
    this.providerErrors = new Counter({
      name: 'switchyard_provider_errors_total',
      help: 'Failed provider calls by deployment and error code',
      labelNames: ['deployment', 'code'],
      registers,
    });
    this.activeJobs = new Gauge({
      name: 'switchyard_worker_active_jobs',
      help: 'Jobs this process is working on, per queue',
      labelNames: ['queue'],
      registers,
    });
    const breakerSources = this.breakerSources;
    new Gauge({
      name: 'switchyard_breaker_state',
      help: 'Circuit breaker state per provider endpoint as this process sees it: 0 closed, 1 half-open, 2 open',
      labelNames: ['endpoint'],
      registers,
      collect() {
        this.reset();
        for (const source of breakerSources)
          for (const [endpoint, state] of Object.entries(source())) this.set({ endpoint }, breakerStateValues[state]);
      },
    });
    const snapshots = () => this.queueSnapshots();
    let pending: Promise<QueueSnapshot[]> | undefined;
    // Both queue gauges are filled from one read of Redis per scrape.
    const once = () => {
      pending ??= snapshots().finally(() => {
        pending = undefined;
      });
      return pending;
    };
    new Gauge({
      name: 'switchyard_queue_jobs',
      help: 'Jobs in each queue by BullMQ state (waiting, active, delayed, prioritized, failed, completed)',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        const all = await once();
        this.reset();
        for (const snapshot of all)
          for (const [state, count] of Object.entries(snapshot.counts))
            this.set({ queue: snapshot.queue, state }, count);
      },
    });
    new Gauge({
      name: 'switchyard_queue_oldest_waiting_age_seconds',
      help: 'How long the job that has waited longest in each queue has been waiting',
      labelNames: ['queue'],
      registers,
      async collect() {
        const all = await once();
        this.reset();
        for (const snapshot of all) this.set({ queue: snapshot.queue }, snapshot.oldestWaitingAgeSeconds);
      },
    });
  }

  /**
   * Starts the series a tier's executor will write at zero, so that rates and alerts over them
   * exist before the first escalation or error (an absent series is not a zero in PromQL).
   */
  declareTier(tier: string, nextTier: string | undefined, deployments: readonly string[]): void {
    if (nextTier !== undefined) this.escalations.inc({ from_tier: tier, to_tier: nextTier }, 0);
    for (const deployment of deployments) {
      this.cost.inc({ tier, deployment }, 0);
      for (const code of ['provider_unavailable', 'provider_rejected'])
        this.providerErrors.inc({ deployment, code }, 0);
    }
  }

  /** A request got its final answer on `tier`; `baselineUsd` is what the premium deployment would have cost. */
  requestAnswered(tier: string, route: string, baselineUsd: number): void {
    this.requests.inc({ tier, route });
    if (baselineUsd > 0) this.baseline.inc({ tier }, baselineUsd);
  }

  requestEscalated(fromTier: string, toTier: string): void {
    this.escalations.inc({ from_tier: fromTier, to_tier: toTier });
  }

  /** One attempt's cost (every answered hop costs, also those escalated past). */
  attemptCosted(tier: string, deployment: string, costUsd: number): void {
    this.cost.inc({ tier, deployment }, costUsd);
  }

  classified(strategy: string, durationSeconds: number): void {
    this.classification.observe({ strategy }, durationSeconds);
  }

  /** One provider call; `errorCode` set when it failed. */
  providerCall(deployment: string, durationSeconds: number, errorCode?: string): void {
    this.providerDuration.observe({ deployment, outcome: errorCode === undefined ? 'ok' : 'error' }, durationSeconds);
    if (errorCode !== undefined) this.providerErrors.inc({ deployment, code: errorCode });
  }

  jobStarted(queue: string): void {
    this.activeJobs.inc({ queue });
  }

  jobEnded(queue: string): void {
    this.activeJobs.dec({ queue });
  }

  /** Breaker states are read at each scrape from `source` (a process's breaker board). */
  watchBreakers(source: () => Record<string, BreakerStateName>): void {
    this.breakerSources.push(source);
  }

  /** Queue depths are read from Redis at each scrape through `source`. */
  watchQueues(source: () => Promise<QueueSnapshot[]>): void {
    this.queueSources.push(source);
  }

  /** The breaker states this process sees, by endpoint. */
  breakerStates(): Record<string, BreakerStateName> {
    const states: Record<string, BreakerStateName> = {};
    for (const source of this.breakerSources) Object.assign(states, source());
    return states;
  }

  /** Queue depths as the dashboard shows them (the same read as a scrape's). */
  queues(): Promise<QueueSnapshot[]> {
    return this.queueSnapshots();
  }

  /** The text a Prometheus scrape gets. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private async queueSnapshots(): Promise<QueueSnapshot[]> {
    const seen = new Map<string, QueueSnapshot>();
    // Sources may overlap (one process running several roles): one series per queue.
    for (const source of this.queueSources) {
      // Redis away: the scrape still answers (event-loop lag, breakers, counters) without queue series.
      const snapshots = await source().catch(() => []);
      for (const snapshot of snapshots) seen.set(snapshot.queue, snapshot);
    }
    return [...seen.values()];
  }
}
