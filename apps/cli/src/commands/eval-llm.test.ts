import { loadConfig, normalizePrompt } from '@switchyard/core';
import { startTestServer, type RecordedCall, type Reply } from '@switchyard/testkit';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../../bin/switchyard.mjs', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'switchyard-eval-llm-'));
const base = loadConfig();
// Too few prompts here to train the trained and centroid candidates on folds of this file.
const trainingSet = fileURLToPath(
  new URL('../../../../packages/classifiers/data/labeled-prompts.jsonl', import.meta.url),
);

/** Labeled prompts, with repeats (one only in whitespace) and one the server answers with junk. */
const examples = [
  { prompt: 'What is the capital of France?', tier: 'simple' },
  { prompt: 'What is the capital of France?', tier: 'simple' },
  { prompt: '  What is   the capital\nof France? ', tier: 'simple' },
  { prompt: 'Convert 5 km to miles.', tier: 'simple' },
  { prompt: 'Say hello, briefly.', tier: 'simple' },
  { prompt: 'Tell me something gibberish.', tier: 'simple' },
  { prompt: 'Write a Python function that reverses a string.', tier: 'medium' },
  { prompt: 'Explain how vaccines train the immune system.', tier: 'medium' },
  { prompt: 'Summarise this paragraph for a newsletter.', tier: 'medium' },
  { prompt: 'Write a haiku about autumn rain.', tier: 'medium' },
  { prompt: 'Prove that there are infinitely many primes.', tier: 'complex' },
  { prompt: 'Prove that there are infinitely many primes.', tier: 'complex' },
  { prompt: 'Design a URL shortener for 100 million new links a day.', tier: 'complex' },
  { prompt: 'Assess the liability risks of this software licence.', tier: 'complex' },
];

/** The fake model's tier: a few keywords, deliberately wrong on some labels. */
function fakeTier(prompt: string): string {
  if (/prove|design/i.test(prompt)) return 'complex';
  return /write|explain/i.test(prompt) ? 'medium' : 'simple';
}

/**
 * A local OpenAI-wire server answering a verdict derived from keywords in the request, in the
 * shapes small models answer in: bare JSON, JSON in a fence with prose, JSON without a
 * confidence, and junk.
 */
function answer(call: RecordedCall): Reply {
  const request = (call.body as { messages: { content: string }[] }).messages[1]?.content ?? '';
  const verdict = { tier: fakeTier(request), route: /function/.test(request) ? 'code' : 'general' };
  let content = JSON.stringify({ ...verdict, confidence: 0.9 });
  if (request.includes('?')) content = `Here is my verdict:\n\`\`\`json\n${content}\n\`\`\`\nThanks!`;
  if (request.includes('briefly')) content = JSON.stringify(verdict);
  if (request.includes('gibberish')) content = 'I would rather not say.';
  return {
    body: {
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 400, completion_tokens: 20 },
    },
  };
}

/** The bundled config with a local server as a third deployment of the simple tier, classifying for llm. */
function configFor(baseURL: string): string {
  const path = join(directory, 'config.json');
  const [simple, ...rest] = base.tiers;
  if (simple === undefined) throw new Error('the bundled config has no tiers');
  const local = { provider: 'local', model: 'tiny-router', inputPerMTok: 0, outputPerMTok: 0 };
  writeFileSync(
    path,
    JSON.stringify({
      ...base,
      providers: { ...base.providers, local: { type: 'openai', baseURL } },
      tiers: [{ ...simple, deployments: [...simple.deployments, local] }, ...rest],
      classifier: { ...base.classifier, llm: { tier: 'simple', deployment: simple.deployments.length } },
    }),
  );
  return path;
}

async function switchyard(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], {
      env: { ...process.env, LOG_LEVEL: 'silent' },
    });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

interface Result {
  name: string;
  metrics: { accuracy: number };
  counters: Record<string, Record<string, number>>;
}

describe('switchyard eval FILE --chain llm against a local OpenAI-compatible server', () => {
  it('asks the configured deployment under the policy prompt, caches repeats and scores its verdicts', async () => {
    const server = await startTestServer(answer);
    try {
      const labeled = join(directory, 'labeled.jsonl');
      writeFileSync(labeled, examples.map((example) => JSON.stringify(example)).join('\n'));
      const config = configFor(server.baseURL);
      const json = await switchyard(
        'eval',
        labeled,
        '--chain',
        'llm',
        '--train-set',
        trainingSet,
        '--json',
        '--config',
        config,
      );
      expect(json.code, json.stderr).toBe(0);
      const report = JSON.parse(json.stdout) as { results: Result[]; notes: string[] };

      // Request shape: the configured model, a JSON answer asked for, the tier descriptions in the policy.
      const unique = new Set(examples.map((example) => normalizePrompt(example.prompt)));
      for (const call of server.calls) {
        const body = call.body as { model: string; messages: { role: string; content: string }[] };
        expect(call.path).toBe('/v1/chat/completions');
        expect(body).toMatchObject({ model: 'tiny-router', temperature: 0, response_format: { type: 'json_object' } });
        expect(body.messages[0]?.role).toBe('system');
        for (const tier of base.tiers) expect(body.messages[0]?.content).toContain(tier.description ?? '?');
        expect(body.messages[1]?.content).toMatch(/^<request>\n[\s\S]+\n<\/request>$/);
      }

      // The llm alone asks each distinct prompt once; the chain (llm again) finds every valid verdict
      // in the shared cache and asks only the prompt answered with junk again.
      const llm = report.results.find((result) => result.name === 'llm');
      const chain = report.results.find((result) => result.name === 'chain');
      expect(llm?.counters.llm).toEqual({
        calls: unique.size,
        answered: unique.size - 1,
        invalid: 1,
        failed: 0,
        unavailable: 0,
        breakerOpen: 0,
        defaultedConfidence: 1,
        cacheHits: examples.length - unique.size,
        cacheMisses: unique.size,
      });
      expect(chain?.counters.llm).toMatchObject({ calls: 1, invalid: 1, cacheHits: examples.length - 1 });
      expect(server.calls).toHaveLength(unique.size + 1);

      // The accuracy is the share of labels the fake's verdicts match; junk falls through to the default tier.
      const predicted = examples.map((example) =>
        example.prompt.includes('gibberish') ? base.classifier.defaultTier : fakeTier(example.prompt),
      );
      const correct = predicted.filter((tier, index) => tier === examples[index]?.tier).length;
      expect(correct).toBeLessThan(examples.length);
      expect(llm?.metrics.accuracy).toBeCloseTo(correct / examples.length, 10);
      expect(chain?.metrics.accuracy).toBeCloseTo(correct / examples.length, 10);
      expect(report.notes).toContain(
        'llm: 1 of 14 verdicts fell through (failed 0, invalid 1, breaker open 0) and count at the default tier ' +
          `${base.classifier.defaultTier}: check the server and the model`,
      );

      const table = await switchyard('eval', labeled, '--chain', 'llm', '--train-set', trainingSet, '--config', config);
      expect(table.code, table.stderr).toBe(0);
      const hits = examples.length - unique.size;
      expect(table.stdout).toContain(
        `llm llm: calls ${unique.size}, answered ${unique.size - 1}, invalid 1, failed 0, unavailable 0, ` +
          `breakerOpen 0, defaultedConfidence 1, cacheHits ${hits}, cacheMisses ${unique.size}, ` +
          `cache hit rate ${((100 * hits) / examples.length).toFixed(1)}%`,
      );
      expect(table.stdout).toContain('Note: llm: measured with local/tiny-router (classifier.llm: tier simple');
    } finally {
      await server.close();
    }
  });
});
