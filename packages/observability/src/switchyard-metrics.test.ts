import { describe, expect, it } from 'vitest';
import { createMetricsRegistry } from './metrics-registry.ts';
import { SwitchyardMetrics } from './switchyard-metrics.ts';

const sample = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('SwitchyardMetrics', () => {
  it('counts requests, escalations, cost and baseline, and reads breakers and queues at scrape time', async () => {
    const metrics = new SwitchyardMetrics(createMetricsRegistry({ role: 'test' }));
    metrics.attemptCosted('simple', 'simulated/small', 0.002);
    metrics.attemptCosted('medium', 'simulated/mid', 0.01);
    metrics.requestEscalated('simple', 'medium');
    metrics.requestAnswered('medium', 'code', 0.05);
    metrics.classified('rules', 0.00002);
    metrics.providerCall('simulated/small', 0.1);
    metrics.providerCall('simulated/small', 0.2, 'provider_unavailable');
    metrics.jobStarted('tier.simple');
    let state: 'closed' | 'open' = 'closed';
    metrics.watchBreakers(() => ({ openai: state }));
    metrics.watchQueues(async () => [{ queue: 'classify', counts: { waiting: 3 }, oldestWaitingAgeSeconds: 12 }]);
    metrics.watchQueues(async () => {
      throw new Error('Redis away');
    });

    state = 'open';
    const { body, contentType } = await metrics.scrape();
    expect(contentType).toContain('text/plain');
    expect(sample(body, 'switchyard_requests_total{tier="medium",route="code",role="test"}')).toBe(1);
    expect(sample(body, 'switchyard_escalations_total{from_tier="simple",to_tier="medium",role="test"}')).toBe(1);
    expect(sample(body, 'switchyard_cost_usd_total{tier="simple",deployment="simulated/small",role="test"}')).toBe(
      0.002,
    );
    expect(sample(body, 'switchyard_baseline_usd_total{tier="medium",role="test"}')).toBe(0.05);
    expect(sample(body, 'switchyard_classification_duration_seconds_count{role="test",strategy="rules"}')).toBe(1);
    expect(
      sample(
        body,
        'switchyard_provider_errors_total{deployment="simulated/small",code="provider_unavailable",role="test"}',
      ),
    ).toBe(1);
    expect(
      sample(
        body,
        'switchyard_provider_request_duration_seconds_count{role="test",deployment="simulated/small",outcome="ok"}',
      ),
    ).toBe(1);
    expect(sample(body, 'switchyard_worker_active_jobs{queue="tier.simple",role="test"}')).toBe(1);
    // Read when scraped, not when registered; a failing queue source costs its series only.
    expect(sample(body, 'switchyard_breaker_state{endpoint="openai",role="test"}')).toBe(2);
    expect(sample(body, 'switchyard_queue_jobs{queue="classify",state="waiting",role="test"}')).toBe(3);
    expect(sample(body, 'switchyard_queue_oldest_waiting_age_seconds{queue="classify",role="test"}')).toBe(12);
    expect(body).toMatch(/^nodejs_eventloop_lag_seconds\{role="test"\} /m);
  });

  it('follows Prometheus naming: counters end in _total, durations in _seconds, money in _usd_total', async () => {
    const metrics = new SwitchyardMetrics(createMetricsRegistry({ role: 'test' }));
    const ours = (await metrics.registry.getMetricsAsJSON()).filter((metric) => metric.name.startsWith('switchyard_'));
    expect(ours.length).toBeGreaterThanOrEqual(11);
    for (const metric of ours) {
      expect(metric.name).toMatch(/^switchyard_[a-z_]+$/);
      if (String(metric.type) === 'counter') expect(metric.name).toMatch(/_total$/);
      if (String(metric.type) === 'histogram') expect(metric.name).toMatch(/_seconds$/);
      if (metric.name.includes('usd')) expect(metric.name).toMatch(/_usd_total$/);
    }
  });
});
