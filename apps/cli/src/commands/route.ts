import type { ExplainedVerdict, RouteExplanation } from '@switchyard/classifiers';
import type { RoutingDecision, SwitchyardConfig } from '@switchyard/core';
import { boot, type CommonFlags } from '@switchyard/bootstrap';
import { table } from './figures.ts';

export interface RouteFlags extends CommonFlags {
  explain?: boolean | undefined;
  json?: boolean | undefined;
}

type Deployment = { provider: string; model: string } | null;

/**
 * `switchyard route "<prompt>" [--explain]`: where the prompt would go, decided by the configured
 * chain in this process. No Redis, no job, no model call except the llm strategy's own where the
 * chain runs it. `--explain` adds every strategy's verdict and scores, also of those the chain
 * would skip (but not the llm's: that would be a paid call the request would not make).
 */
export async function route(prompt: string | undefined, flags: RouteFlags): Promise<void> {
  if (prompt === undefined) throw new Error('route needs a prompt: switchyard route "<prompt>" [--explain]');
  const context = boot(flags);
  const chain = context.classifier();
  await chain.ready();
  const request = { messages: [{ role: 'user' as const, content: prompt }] };
  if (flags.explain !== true) {
    const decision = await chain.classify(request);
    const result = { decision, deployment: deploymentOf(context.config, decision.tier) };
    const text =
      flags.json === true ? JSON.stringify(result) : decisionLines(result.decision, result.deployment).join('\n');
    process.stdout.write(`${text}\n`);
    return;
  }
  const explanation = await chain.explain(request);
  const result = { ...explanation, deployment: deploymentOf(context.config, explanation.decision.tier) };
  process.stdout.write(`${flags.json === true ? JSON.stringify(result) : formatExplanation(result)}\n`);
}

function deploymentOf(config: SwitchyardConfig, tier: string): Deployment {
  const deployment = config.tiers.find((candidate) => candidate.name === tier)?.deployments[0];
  return deployment === undefined ? null : { provider: deployment.provider, model: deployment.model };
}

function decisionLines(decision: RoutingDecision, deployment: Deployment): string[] {
  const answeredBy = deployment === null ? '' : `, answered first by ${deployment.provider}/${deployment.model}`;
  const unsure = decision.unsure === undefined ? '' : `: ${decision.unsure}`;
  return [
    `tier ${decision.tier}, route ${decision.route}${answeredBy}`,
    `decided by ${decision.strategy} (confidence ${decision.confidence}) ` +
      `in ${Math.round(decision.durationUs)} µs${unsure}`,
    ...decision.adjustments.map((adjustment) => `adjusted: ${adjustment}`),
  ];
}

function formatExplanation(result: RouteExplanation & { deployment: Deployment }): string {
  const lines = decisionLines(result.decision, result.deployment);
  lines.push(
    '',
    table(
      ['strategy', 'inChain', 'skipped', 'tier', 'route', 'confidence', 'durationUs', 'unsure'],
      result.strategies.map(verdictRow),
    ),
  );
  lines.push('(durations of a fresh process include compiling the patterns; `pnpm bench` measures steady state)');
  for (const verdict of result.strategies) {
    const scores = Object.entries(verdict.scores)
      .map(([key, score]) => `${key} ${score}`)
      .join(', ');
    const reason = 'reason' in verdict && typeof verdict.reason === 'string' ? ` (reason: ${verdict.reason})` : '';
    lines.push(`scores ${verdict.strategy}: ${scores === '' ? '(none)' : scores}${reason}`);
  }
  for (const [strategy, counts] of Object.entries(result.counters)) {
    lines.push(
      `counters ${strategy}: ${Object.entries(counts)
        .map(([name, count]) => `${name} ${count}`)
        .join(', ')}`,
    );
  }
  return lines.join('\n');
}

function verdictRow(verdict: ExplainedVerdict): string[] {
  return [
    verdict.strategy,
    verdict.inChain ? 'yes' : 'no',
    verdict.skipped ? 'yes' : 'no',
    verdict.tier,
    verdict.route,
    String(verdict.confidence),
    verdict.durationUs.toFixed(1),
    verdict.unsure ?? '',
  ];
}
