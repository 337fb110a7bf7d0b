import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { readFileSync } from 'node:fs';
import { defaultConfigPath, loadConfig, parseConfig } from './config-loader.ts';
import { ConfigError } from './errors.ts';
import { readEnvironment } from './environment.ts';

const defaultDocument = () => parseYaml(readFileSync(defaultConfigPath, 'utf8')) as Record<string, unknown>;

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('ships a default with three tiers and the four routes', () => {
    const config = loadConfig();
    expect(config.tiers.map((tier) => tier.name)).toEqual(['simple', 'medium', 'complex']);
    expect(config.routes.map((route) => route.name)).toEqual(['code', 'legal', 'creative', 'general']);
    expect(config.api.port).toBe(8080);
  });

  it('names the path of every bad field', () => {
    const document = defaultDocument();
    const tiers = document.tiers as { deployments: Record<string, unknown>[] }[];
    delete tiers[1]?.deployments[0]?.model;
    (tiers[2]?.deployments[1] as Record<string, unknown>).inputPerMTok = -1;
    const error = configError(() => parseConfig(document));
    expect(error.issues).toContain('tiers[1].deployments[0].model: Invalid input: expected string, received undefined');
    expect(error.issues).toContain('tiers[2].deployments[1].inputPerMTok: Too small: expected number to be >=0');
    // Cross-field checks run once every field has the right shape.
    const crossField = defaultDocument();
    (crossField.classifier as Record<string, unknown>).defaultTier = 'huge';
    expect(configError(() => parseConfig(crossField)).issues).toEqual([
      'classifier.defaultTier: unknown tier "huge" (tiers: simple, medium, complex)',
    ]);
  });

  it('rejects unknown fields and unknown providers', () => {
    const document = defaultDocument();
    const [firstTier] = document.tiers as { deployments: Record<string, unknown>[] }[];
    const [firstDeployment] = firstTier?.deployments ?? [];
    if (firstDeployment === undefined) throw new Error('the default config has no deployment');
    firstDeployment.provider = 'nowhere';
    (document.cascade as Record<string, unknown>).qualityTreshold = 0.5;
    const error = configError(() => parseConfig(document));
    expect(
      error.issues.some((issue) => issue.startsWith('tiers[0].deployments[0].provider: unknown provider "nowhere"')),
    ).toBe(true);
    expect(
      error.issues.some((issue) => issue.startsWith('cascade: Unrecognized key') && issue.includes('qualityTreshold')),
    ).toBe(true);
  });

  it('resolves the classifier files relative to the config file, whatever the working directory', () => {
    const directory = mkdtempSync(join(tmpdir(), 'switchyard-config-'));
    const document = defaultDocument();
    const classifier = document.classifier as Record<string, unknown>;
    writeFileSync(
      join(directory, 'relative.json'),
      JSON.stringify({
        ...document,
        classifier: {
          ...classifier,
          trained: { modelPath: 'models/tier.json' },
          centroid: { examplesPath: '/abs/x.jsonl', embedder: { type: 'onnx', path: 'models/minilm' } },
        },
      }),
    );
    const config = loadConfig(join(directory, 'relative.json'));
    expect(config.classifier.trained.modelPath).toBe(join(directory, 'models/tier.json'));
    expect(config.classifier.centroid.examplesPath).toBe('/abs/x.jsonl');
    expect(config.classifier.centroid.embedder).toEqual({
      type: 'onnx',
      path: join(directory, 'models/minilm'),
      maxTokens: 256,
      pooling: 'mean',
    });
    expect(loadConfig().classifier.centroid.embedder).toEqual({ type: 'hashing', dimensions: 16_384 });
  });

  it('reports unreadable and unparsable files with their path', () => {
    const directory = mkdtempSync(join(tmpdir(), 'switchyard-config-'));
    const broken = join(directory, 'broken.yaml');
    writeFileSync(broken, 'tiers: [unclosed');
    expect(() => loadConfig(broken)).toThrow(`config file ${broken} is not valid YAML or JSON`);
    expect(() => loadConfig(join(directory, 'missing.yaml'))).toThrow('cannot read config file');
  });
});

describe('environment', () => {
  it('defaults REDIS_URL, treats empty variables as unset, and validates', () => {
    const env = readEnvironment({ SWITCHYARD_CONFIG: '', PORT: '9000' });
    expect(env.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(env.configPath).toBeUndefined();
    expect(env.port).toBe(9000);
    expect(() => readEnvironment({ REDIS_URL: 'http://nope' })).toThrow(
      'REDIS_URL: must be a redis://, rediss://, redis+cluster:// or rediss+cluster:// URL',
    );
  });

  it('accepts the seed nodes of a Redis Cluster and names a bad seed', () => {
    const cluster = 'rediss+cluster://app:secret@10.0.0.1:7000,10.0.0.2:7001';
    expect(readEnvironment({ REDIS_URL: cluster }).redisUrl).toBe(cluster);
    expect(() => readEnvironment({ REDIS_URL: 'redis+cluster://10.0.0.1:7000,10.0.0.2:port' })).toThrow(
      'REDIS_URL: cluster seed node "10.0.0.2:port" is not host:port',
    );
  });
});
