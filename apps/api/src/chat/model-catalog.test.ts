import { loadConfig } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api-errors.ts';
import { classifiesInline } from './chat-routes.ts';
import { ModelCatalog } from './model-catalog.ts';

const config = loadConfig();

describe('the model catalog', () => {
  const catalog = new ModelCatalog(config, 1_700_000_000);

  it('lists auto, the tiers and every configured model once', () => {
    const ids = catalog.entries.map((entry) => entry.id);
    expect(ids.slice(0, 4)).toEqual(['auto', 'simple', 'medium', 'complex']);
    const models = config.tiers.flatMap((tier) => tier.deployments.map((deployment) => deployment.model));
    expect(ids.slice(4)).toEqual([...new Set(models)]);
    expect(catalog.find('claude-haiku-4-5')).toEqual({
      id: 'claude-haiku-4-5',
      object: 'model',
      created: 1_700_000_000,
      owned_by: 'anthropic',
    });
  });

  it('routes auto, pins a tier by its name or by one of its models, refuses the rest', () => {
    expect(catalog.resolve('auto')).toEqual({ kind: 'auto' });
    expect(catalog.resolve('switchyard/auto')).toEqual({ kind: 'auto' });
    expect(catalog.resolve('medium')).toEqual({ kind: 'tier', tier: 'medium' });
    expect(catalog.resolve('switchyard/complex')).toEqual({ kind: 'tier', tier: 'complex' });
    expect(catalog.resolve('gpt-4o-mini')).toEqual({ kind: 'tier', tier: 'simple' });
    expect(catalog.resolve('anthropic/claude-opus-4-1')).toEqual({ kind: 'tier', tier: 'complex' });
    expect(() => catalog.resolve('gpt-9')).toThrow(ApiError);
    expect(() => catalog.resolve('gpt-9')).toThrow(/"gpt-9" does not exist/);
  });

  it('answers one entry per model, whatever alias names it', () => {
    expect(catalog.entry('openai/gpt-4.1')).toBe(catalog.entry('gpt-4.1'));
    expect(catalog.entry('gpt-4.1')).toMatchObject({ id: 'gpt-4.1', created: 1_700_000_000, owned_by: 'openai' });
    expect(catalog.entry('switchyard/simple')).toBe(catalog.entry('simple'));
    expect(catalog.entry('switchyard/auto')).toBe(catalog.entry('auto'));
    expect(() => catalog.entry('openai/gpt-9')).toThrow(/does not exist/);
  });
});

describe('inline classification', () => {
  it('runs in the API only for chains that call no model', () => {
    expect(classifiesInline(config)).toBe(true);
    const withLlm = structuredClone(config);
    withLlm.classifier.strategies = ['rules', 'llm'];
    expect(classifiesInline(withLlm)).toBe(false);
    const remoteEmbedder = structuredClone(config);
    remoteEmbedder.classifier.strategies = ['centroid'];
    remoteEmbedder.classifier.centroid.embedder = {
      type: 'openai',
      baseURL: 'http://127.0.0.1:1/v1',
      model: 'e',
      timeoutMs: 1_000,
    };
    expect(classifiesInline(remoteEmbedder)).toBe(false);
    const onnxEmbedder = structuredClone(remoteEmbedder);
    onnxEmbedder.classifier.centroid.embedder = {
      type: 'onnx',
      path: 'models/minilm',
      maxTokens: 256,
      pooling: 'mean',
    };
    expect(classifiesInline(onnxEmbedder)).toBe(false);
  });
});
