import type { LabeledEvaluation } from '@switchyard/lab';
import { percent, table } from './figures.ts';

export interface LabeledReport extends LabeledEvaluation {
  labeledSet: string;
  trainingSet: string | null;
  notes: string[];
}

const usd = (value: number) => `$${value.toFixed(4)}`;

/** The table of `switchyard eval <labeled.jsonl>`; column names are the JSON field names. */
export function formatLabeledEvaluation(report: LabeledReport, tiers: readonly string[]): string {
  const method =
    report.method === 'cross-validation'
      ? `${report.folds}-fold cross-validation, stratified by tier ` +
        '(centroid and trained are built from the training folds only)'
      : `trained on ${report.trainingSet} (${report.trainingExamples} prompts), tested on every prompt of the file`;
  const lines = [`Labeled set ${report.labeledSet}: ${report.examples} prompts, ${method}.`, ''];
  lines.push(
    table(
      [
        'name',
        'strategies',
        'accuracy',
        'underRoutingRate',
        'belowLabelRate',
        'strongShare',
        'decidedShare',
        'raisedByRouteShare',
        'routeAccuracy',
        'costUsd',
        'baselineCostUsd',
        'savingPercent',
      ],
      report.results.map(({ name, strategies, metrics, routeAccuracy }) => [
        name,
        strategies.join(','),
        percent(metrics.accuracy),
        percent(metrics.underRoutingRate),
        percent(metrics.belowLabelRate),
        percent(metrics.strongShare),
        percent(metrics.decidedShare),
        percent(metrics.raisedByRouteShare),
        routeAccuracy === null ? '-' : percent(routeAccuracy),
        usd(metrics.cost.costUsd),
        usd(metrics.cost.baselineCostUsd),
        `${metrics.cost.savingPercent.toFixed(1)}%`,
      ]),
    ),
  );
  lines.push(
    '',
    'underRoutingRate: prompts labeled with the last tier that were sent to the first. ' +
      'belowLabelRate: prompts sent below their label.',
    'decidedShare: decided by a strategy, not the default tier. ' +
      "raisedByRouteShare: raised by a route's minTier (counted against accuracy).",
    'routeAccuracy: categorised prompts sent to the route named like their category (code, legal, creative), ' +
      'or to the fallback route.',
    'Cost: prompt at 4 characters a token, answers of 150/500/1,200 tokens by labeled tier, ' +
      'first deployment of each tier.',
  );

  lines.push('', 'Per tier: precision / recall (support)');
  lines.push(
    table(
      ['name', ...tiers],
      report.results.map(({ name, metrics }) => [
        name,
        ...tiers.map((tier) => {
          const figures = metrics.perTier[tier];
          return figures === undefined
            ? '-'
            : `${percent(figures.precision, 0)} / ${percent(figures.recall, 0)} (${figures.support})`;
        }),
      ]),
    ),
  );

  const categories = Object.keys(report.results[0]?.accuracyByCategory ?? {});
  if (categories.length > 0) {
    lines.push('', 'accuracyByCategory');
    lines.push(
      table(
        ['name', ...categories],
        report.results.map(({ name, accuracyByCategory }) => [
          name,
          ...categories.map((category) => percent(accuracyByCategory[category] ?? 0)),
        ]),
      ),
    );
  }

  for (const { name, metrics } of report.results) {
    lines.push('', `confusion (${name}): rows = label, columns = tier sent to`);
    lines.push(
      table(
        ['label', ...tiers],
        tiers.map((actual) => [
          actual,
          ...tiers.map((predicted) => String(metrics.confusion[actual]?.[predicted] ?? 0)),
        ]),
      ),
    );
  }
  const counted = report.results.filter(({ counters }) => Object.keys(counters).length > 0);
  if (counted.length > 0) lines.push('', 'counters (summed over the folds):');
  for (const { name, counters } of counted) {
    for (const [strategy, counts] of Object.entries(counters)) {
      const listed = Object.entries(counts).map(([counter, count]) => `${counter} ${count}`);
      const { cacheHits, cacheMisses } = counts;
      if (cacheHits !== undefined && cacheMisses !== undefined && cacheHits + cacheMisses > 0)
        listed.push(`cache hit rate ${percent(cacheHits / (cacheHits + cacheMisses))}`);
      lines.push(`  ${name} ${strategy}: ${listed.join(', ')}`);
    }
  }
  if (report.notes.length > 0) lines.push('', ...report.notes.map((note) => `Note: ${note}`));
  return lines.join('\n');
}
