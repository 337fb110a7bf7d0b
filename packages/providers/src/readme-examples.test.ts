import { readFileSync } from 'node:fs';
import { parseConfig } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const yamlBlocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map(
  (match) => parseYaml(match[1] ?? '') as Record<string, unknown>,
);

describe('the providers README', () => {
  it('shows configs with tiers that validate (routes and classifier added where a snippet leaves them out)', () => {
    const withTiers = yamlBlocks.filter((block) => 'tiers' in block);
    expect(withTiers.length).toBeGreaterThanOrEqual(2);
    for (const block of withTiers) {
      const firstTier = (block.tiers as { name: string }[])[0]?.name;
      const config = { routes: [{ name: 'general' }], classifier: { defaultTier: firstTier }, ...block };
      expect(() => parseConfig(config, 'README example')).not.toThrow();
    }
  });

  it('shows provider sections that validate inside the default tiers', () => {
    const sections = yamlBlocks.filter((block) => 'providers' in block && !('tiers' in block));
    for (const section of sections) {
      const providers = section.providers as Record<string, unknown>;
      const [endpoint] = Object.keys(providers);
      const config = {
        tiers: [{ name: 'only', deployments: [{ provider: endpoint, model: 'm', inputPerMTok: 1, outputPerMTok: 1 }] }],
        routes: [{ name: 'general' }],
        classifier: { defaultTier: 'only' },
        providers,
      };
      expect(() => parseConfig(config, 'README example')).not.toThrow();
    }
  });
});
