import type { ExplainedVerdict, RouteExplanation } from '@switchyard/classifiers';
import { boot, type CommonFlags } from '../bootstrap.ts';
import { table } from './figures.ts';

export interface RouteFlags extends CommonFlags {
  explain?: boolean | undefined;
  json?: boolean | undefined;
}

/**
 * `switchyard route "<prompt>" [--explain]`: where the prompt would go, decided by the configured
 * chain in this process. No Redis, no job, no model call except the llm strategy's own.
 * `--explain` adds every strategy's verdict and scores, also of those the chain would skip.
 */
export async function route(prompt: string | undefined, flags: RouteFlags): Promise<void> {
  if (prompt === undefined) throw new Error('route needs a prompt: switchyard route "<prompt>" [--explain]');
  const context = boot(flags);
  const chain = context.classifier();
  await chain.ready();
  const explanation = await chain.explain({ messages: [{ role: 'user', content: prompt }] });
  const deployment = context.config.tiers.find((tier) => tier.name === explanation.decision.tier)?.deployments[0];
  const result = { ...explanation, deployment: deployment === undefined ? null : { provider: deployment.provider, model: deployment.model } };
  if (flags.json === true) {
    const { strategies, counters, ...decisionOnly } = result;
    process.stdout.write(`${JSON.stringify(flags.explain === true ? result : decisionOnly)}\n`);
    return;
  }
  process.stdout.write(`${formatRoute(result, flags.explain === true)}\n`);
}

function formatRoute(result: RouteExplanation & { deployment: { provider: string; model: string } | null }, explain: boolean): string {
  const { decision } = result;
  const answeredBy = result.deployment === null ? '' : `, answered first by ${result.deployment.provider}/${result.deployment.model}`;
  const lines = [
    `tier ${decision.tier}, route ${decision.route}${answeredBy}`,
    `decided by ${decision.strategy} (confidence ${decision.confidence}) in ${Math.round(decision.durationUs)} µs${decision.unsure === undefined ? '' : `: ${decision.unsure}`}`,
    ...decision.adjustments.map((adjustment) => `adjusted: ${adjustment}`),
  ];
  if (!explain) return lines.join('\n');
  lines.push('', table(['strategy', 'inChain', 'tier', 'route', 'confidence', 'durationUs', 'unsure'], result.strategies.map(verdictRow)));
  lines.push('(durations of a fresh process include compiling the patterns; `pnpm bench` measures steady state)');
  for (const verdict of result.strategies) {
    const scores = Object.entries(verdict.scores).map(([key, score]) => `${key} ${score}`).join(', ');
    const reason = 'reason' in verdict && typeof verdict.reason === 'string' ? ` (reason: ${verdict.reason})` : '';
    lines.push(`scores ${verdict.strategy}: ${scores === '' ? '(none)' : scores}${reason}`);
  }
  for (const [strategy, counts] of Object.entries(result.counters)) {
    lines.push(`counters ${strategy}: ${Object.entries(counts).map(([name, count]) => `${name} ${count}`).join(', ')}`);
  }
  return lines.join('\n');
}

function verdictRow(verdict: ExplainedVerdict): string[] {
  return [verdict.strategy, verdict.inChain ? 'yes' : 'no', verdict.tier, verdict.route, String(verdict.confidence), verdict.durationUs.toFixed(1), verdict.unsure ?? ''];
}
