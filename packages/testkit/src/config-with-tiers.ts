import { loadConfig, parseConfig, type SwitchyardConfig } from '@switchyard/core';

/**
 * The default config with its tiers renamed and extended, to check
 * that nothing depends on the names simple/medium/complex. The second tier becomes the default
 * tier and every route's minTier.
 */
export function configWithTiers(names: readonly string[]): SwitchyardConfig {
  const base = loadConfig();
  const secondTier = names[Math.min(1, names.length - 1)] as string;
  return parseConfig({
    ...base,
    tiers: names.map((name, index) => ({ ...base.tiers[Math.min(index, base.tiers.length - 1)], name })),
    routes: base.routes.map((route) => (route.minTier === undefined ? route : { ...route, minTier: secondTier })),
    // The shipped tier model knows only simple/medium/complex: renamed ladders run the hand-written strategies.
    classifier: { ...base.classifier, defaultTier: secondTier, strategies: ['rules', 'keywords'] },
    simulation: { ...base.simulation, weakAnswerRate: {} },
  });
}
