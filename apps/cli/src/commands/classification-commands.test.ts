import { loadConfig } from '@switchyard/core';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { boot } from '@switchyard/bootstrap';
import { startRoles } from '../roles.ts';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../../bin/switchyard.mjs', import.meta.url));
const labeledSet = fileURLToPath(
  new URL('../../../../packages/classifiers/data/labeled-prompts.jsonl', import.meta.url),
);
const directory = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));

interface RunOptions {
  env?: Record<string, string>;
  cwd?: string;
}

/** Runs `switchyard <args>` as a child process; resolves with its output and exit code either way. */
async function switchyard(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return switchyardWith({}, ...args);
}

async function switchyardWith(
  options: RunOptions,
  ...args: string[]
): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], {
      env: { ...process.env, LOG_LEVEL: 'silent', ...options.env },
      cwd: options.cwd ?? process.cwd(),
    });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

describe('switchyard train, route and eval', () => {
  it('trains a model that the trained strategy then loads, and prints JSON with --json', async () => {
    const model = join(directory, 'model.json');
    const trained = await switchyard('train', labeledSet, '-o', model, '--strong-share', '0.3', '--json');
    expect(trained.code, trained.stderr).toBe(0);
    expect(JSON.parse(trained.stdout)).toMatchObject({
      output: model,
      examples: 369,
      targetStrongShare: 0.3,
      strongTier: 'complex',
    });
    expect(JSON.parse(readFileSync(model, 'utf8'))).toMatchObject({
      format: 'switchyard.tier-model',
      tiers: ['simple', 'medium', 'complex'],
    });

    const config = join(directory, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        ...defaultConfigDocument(),
        classifier: { strategies: ['trained', 'keywords'], defaultTier: 'medium', trained: { modelPath: model } },
      }),
    );
    const routed = await switchyard(
      'route',
      'Prove that every bounded monotone sequence converges.',
      '--explain',
      '--json',
      '--config',
      config,
    );
    expect(routed.code, routed.stderr).toBe(0);
    const explanation = JSON.parse(routed.stdout) as {
      decision: { tier: string; strategy: string };
      strategies: { strategy: string }[];
    };
    expect(explanation.decision).toMatchObject({ tier: 'complex', strategy: 'trained' });
    expect(explanation.strategies.map((verdict) => verdict.strategy)).toEqual(['trained', 'keywords']);
  });

  it('stops with a clear message when the model file is not a tier model', async () => {
    const config = join(directory, 'bad-model.json');
    writeFileSync(
      config,
      JSON.stringify({
        ...defaultConfigDocument(),
        classifier: { strategies: ['trained'], defaultTier: 'medium', trained: { modelPath: labeledSet } },
      }),
    );
    const result = await switchyard('route', 'hi', '--config', config);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/switchyard: tier model .*labeled-prompts\.jsonl is not valid JSON/);
  });

  it('evaluates a labeled file with the same figures in the table and in the JSON', async () => {
    const small = join(directory, 'small.jsonl');
    writeFileSync(
      small,
      readFileSync(labeledSet, 'utf8')
        .split('\n')
        .filter((_, index) => index % 3 === 0)
        .join('\n'),
    );
    const [table, json] = await Promise.all([switchyard('eval', small), switchyard('eval', small, '--json')]);
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as {
      results: { name: string; metrics: { accuracy: number; underRoutingRate: number } }[];
    };
    expect(report.results.map((result) => result.name)).toEqual(['keywords', 'rules', 'centroid', 'trained', 'chain']);
    const chain = report.results[4]?.metrics;
    expect(table.stdout).toMatch(
      new RegExp(
        `chain +trained,keywords +${((chain?.accuracy ?? 0) * 100).toFixed(1)}% ` +
          `+${((chain?.underRoutingRate ?? 0) * 100).toFixed(1)}%`,
      ),
    );
    expect(columnsMissingFrom(table.stdout, 'name', report.results[0])).toEqual([]);
    expect(table.stdout).toContain('Note: llm: not measured');
  });

  it('routes without paying for a model call the chain does not make, with or without --explain', async () => {
    const model = await startClassifyingModel();
    try {
      const config = configWithLlm(model.baseURL);
      const env = { OPENAI_API_KEY: 'test-key' };
      const plain = await switchyardWith(
        { env },
        'route',
        'Prove that there are infinitely many primes.',
        '--json',
        '--config',
        config,
      );
      expect(plain.code, plain.stderr).toBe(0);
      expect(JSON.parse(plain.stdout)).toMatchObject({
        decision: { tier: 'complex', strategy: 'rules' },
        deployment: { provider: 'anthropic' },
      });
      expect(model.calls()).toBe(0);
      const explained = await switchyardWith(
        { env },
        'route',
        'Prove that there are infinitely many primes.',
        '--explain',
        '--json',
        '--config',
        config,
      );
      expect(explained.code, explained.stderr).toBe(0);
      expect(model.calls()).toBe(0);
      expect(
        (JSON.parse(explained.stdout) as { strategies: { strategy: string; skipped: boolean }[] }).strategies.map(
          (verdict) => [verdict.strategy, verdict.skipped],
        ),
      ).toEqual([
        ['rules', false],
        ['keywords', false],
        ['llm', true],
      ]);

      const asked = await switchyardWith({ env }, 'route', unknownPrompt, '--json', '--config', config);
      expect(JSON.parse(asked.stdout)).toMatchObject({ decision: { tier: 'complex', strategy: 'llm' } });
      expect(model.calls()).toBe(1);
    } finally {
      await model.close();
    }
  });

  it('gives the API its own chain, so dry runs do not count in the classifier worker’s llm counters', async () => {
    const model = await startClassifyingModel();
    // boot() reads the environment of this process, as `switchyard start` does.
    const saved = { ...process.env };
    Object.assign(process.env, {
      OPENAI_API_KEY: 'test-key',
      SWITCHYARD_PREFIX: `test-roles-${process.pid}-${Date.now()}`,
      LOG_LEVEL: 'silent',
    });
    try {
      const context = boot({ config: configWithLlm(model.baseURL), port: '0' });
      const running = await startRoles(context, { api: true, classifier: true });
      try {
        const response = await fetch(`${running.apiUrl}/v1/route`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ messages: [{ role: 'user', content: unknownPrompt }] }),
        });
        const body = (await response.json()) as {
          decision: { strategy: string };
          counters: { llm: { calls: number } };
        };
        expect(body.decision.strategy).toBe('llm');
        expect(body.counters.llm.calls).toBe(1);
        expect(model.calls()).toBe(1);
        expect(context.classifier().counters()).toEqual({
          llm: {
            calls: 0,
            answered: 0,
            invalid: 0,
            failed: 0,
            unavailable: 0,
            breakerOpen: 0,
            defaultedConfidence: 0,
            cacheHits: 0,
            cacheMisses: 0,
          },
        });
      } finally {
        await running.close();
      }
    } finally {
      process.env = saved;
      await model.close();
    }
  });

  it('writes the RouteLLM plot only when asked with --plot, never into the working directory', async () => {
    const data = join(directory, 'routellm');
    mkdirSync(data, { recursive: true });
    const rows = Array.from(
      { length: 40 },
      (_, index) =>
        `"Tom has ${index} apples and buys ${index + 2} more. How many now?",` +
        `${index % 3 === 0 ? 'False' : 'True'},True`,
    );
    writeFileSync(
      join(data, 'gsm8k_responses.csv'),
      `prompt,mistralai/Mixtral-8x7B-Instruct-v0.1,gpt-4-1106-preview\n${rows.join('\n')}\n`,
    );
    const workingDirectory = mkdtempSync(join(tmpdir(), 'switchyard-cwd-'));

    const plot = join(directory, 'curves.svg');
    // Three independent runs side by side: each one starts a CLI process of its own.
    const [json, table, plotted] = await Promise.all([
      switchyardWith({ cwd: workingDirectory }, 'eval', '--routellm', data, '--json'),
      switchyardWith({ cwd: workingDirectory }, 'eval', '--routellm', data),
      switchyardWith({ cwd: workingDirectory }, 'eval', '--routellm', data, '--json', '--plot', plot),
    ]);
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as { trainPrompts: number; benchmarks: { prompts: number }[] };
    expect(report).toMatchObject({ plot: null, benchmarks: [{ benchmark: 'gsm8k' }] });
    // Every prompt on one side of the built-in split, never both.
    expect(report.trainPrompts + (report.benchmarks[0]?.prompts ?? 0)).toBe(40);
    expect(report.trainPrompts).toBeGreaterThan(0);
    expect(table.code, table.stderr).toBe(0);
    const { benchmarks } = JSON.parse(json.stdout) as { benchmarks: { routers: unknown[] }[] };
    expect(
      columnsMissingFrom(table.stdout, 'benchmark', { ...benchmarks[0], ...(benchmarks[0]?.routers[0] as object) }),
    ).toEqual([]);
    expect(existsSync(join(workingDirectory, 'routellm-curves.svg'))).toBe(false);
    expect(JSON.parse(plotted.stdout)).toMatchObject({ plot });
    expect(readFileSync(plot, 'utf8')).toMatch(/^<svg /);
  });

  it('learns from --train-dir and tests on --test-dir, without the prompts both hold', async () => {
    const header = 'prompt,mistralai/Mixtral-8x7B-Instruct-v0.1,gpt-4-1106-preview';
    const write = (name: string, rows: string[]) => {
      const path = join(directory, name);
      mkdirSync(path, { recursive: true });
      writeFileSync(join(path, 'gsm8k_responses.csv'), `${header}\n${rows.join('\n')}\n`);
      return path;
    };
    const question = (index: number) => `"A train leaves at ${index} and travels ${index * 7} km. When?",False,True`;
    const train = write(
      'train-part',
      Array.from({ length: 10 }, (_, index) => question(index)),
    );
    const test = write(
      'test-part',
      Array.from({ length: 10 }, (_, index) => question(index + 5)),
    );
    const result = await switchyard('eval', '--routellm', '--train-dir', train, '--test-dir', test, '--json');
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      trainPrompts: 10,
      overlapDropped: 5,
      benchmarks: [{ benchmark: 'gsm8k', prompts: 5 }],
    });
    const both = await switchyard('eval', '--routellm', train, '--train-dir', train, '--test-dir', test);
    expect(both.stderr).toContain('either DIR (built-in split) or both --train-dir A and --test-dir B');
  });

  it('names the missing RouteLLM directory', async () => {
    const result = await switchyard('eval', '--routellm', join(directory, 'nowhere'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`RouteLLM data directory ${join(directory, 'nowhere')} does not exist`);
  });
});

/** The columns of the table whose header starts with `first` that are not a field name anywhere in `json`. */
function columnsMissingFrom(output: string, first: string, json: unknown): string[] {
  const fields = new Set<string>();
  const collect = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return;
    for (const [key, inner] of Object.entries(value)) {
      fields.add(key);
      collect(inner);
    }
  };
  collect(json);
  const header = output.split('\n').find((line) => line.startsWith(`${first} `)) ?? '';
  expect(header).not.toBe('');
  return header.split(/ +/).filter((column) => !fields.has(column));
}

/** Matches no rule and no keyword, so a chain of rules, keywords and llm asks the model. */
const unknownPrompt = 'The quarterly numbers came in and the team would like your view on them tomorrow.';

/** A local OpenAI-compatible server standing in for the llm strategy's paid deployment; it counts calls. */
async function startClassifyingModel(): Promise<{ baseURL: string; calls(): number; close(): Promise<void> }> {
  let calls = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      calls += 1;
      const content = '{"tier": "complex", "confidence": 0.9, "reason": "open-ended"}';
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          id: 'c',
          object: 'chat.completion',
          choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 5, completion_tokens: 5 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    calls: () => calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A config file whose chain is rules, keywords, llm, the llm answered by the openai endpoint at `baseURL`. */
function configWithLlm(baseURL: string): string {
  const base = loadConfig();
  const path = join(directory, `llm-config-${new URL(baseURL).port}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      ...base,
      providers: { ...base.providers, openai: { ...base.providers.openai, baseURL } },
      // The simple tier's second deployment is the openai one.
      classifier: {
        ...base.classifier,
        strategies: ['rules', 'keywords', 'llm'],
        llm: { tier: 'simple', deployment: 1 },
      },
    }),
  );
  return path;
}

/** The bundled config, parsed, to write variants of it. */
function defaultConfigDocument(): Record<string, unknown> {
  return { ...loadConfig() };
}
