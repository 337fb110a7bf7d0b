#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { runApiProcess } from '@switchyard/api';
import { installSignalHandlers } from '@switchyard/bootstrap';
import { runClassifierProcess } from '@switchyard/classifier';
import { ConfigError } from '@switchyard/core';
import { runExecutorProcess } from '@switchyard/executor';
import { results, report, status, submit } from './commands/client-commands.ts';
import { demo } from './commands/demo.ts';
import { evaluate } from './commands/eval.ts';
import { commandHelp } from './command-help.ts';
import { keys } from './commands/keys.ts';
import { route } from './commands/route.ts';
import { start } from './commands/start.ts';
import { train } from './commands/train.ts';

const usage = `switchyard <command> [options]

Run:
  start                  api, classifier and one executor per tier in one process (starts Redis if needed)
  demo                   start everything, run the sample batch with a progress bar, print the report, stop
  api                    the HTTP API only
  classifier             the classify worker only
  executor --tier NAME   the worker pool of one tier (repeat --tier for several)

Use a running API (--api URL, default http://127.0.0.1:<api.port>):
  submit FILE [--wait]   submit a JSONL/JSON batch ({"prompt": ...} or chat requests)
  status BATCH_ID        counts by status
  results BATCH_ID       results as JSONL
  report BATCH_ID        requests per tier, escalations, cost against the all-premium baseline
  report                 the same from the cost ledger of every request [--from DAY --to DAY] (UTC,
                         default the last 30 days) [--by tier|deployment|route|key|day]
  report --experiment NAME   an experiment's variant against its control from the ledger [--from DAY --to DAY]

API keys:
  keys create --id NAME [--role admin]   a new API key, printed once, and the config line with its hash

Classification (no Redis, no job):
  route PROMPT           the tier and route the prompt would get [--explain: every strategy's verdict and scores]
  eval FILE              accuracy, precision/recall, confusion, under-routing and cost of each strategy and
                         the chain on a labeled JSONL file ({"prompt", "tier"}), 5-fold cross-validated
                         [--folds N] [--chain a,b,c] [--train-set A,B: learn from A and B, test on all of FILE]
  eval --routellm DIR    on RouteLLM files: accuracy against strong share, APGR (95% bootstrap interval), CPT(50%),
                         CPT(80%) of each local strategy and a random router, on MMLU subjects, MT-Bench categories
                         and GSM8K prompts held out of DIR by name hash [--test-share 0.3] [--dev: split the training
                         part again, for tuning] [--plot FILE.svg: also draw the curves]
  eval --routellm --train-dir A --test-dir B   the same, learning from A and testing on B
  train FILE... -o MODEL train the tier model of the trained strategy on one or more labeled files, with the
                         rules' and keywords' verdicts as inputs [--text-only] [--strong-share 0.3]

\`switchyard <command> --help\` (or \`switchyard help <command>\`) lists the command's own options.

Options:
  --api-key KEY   the key client commands send (env SWITCHYARD_API_KEY)
  --config FILE   YAML or JSON config (default: the bundled one; env SWITCHYARD_CONFIG)
  --port N        API port (default 8080; env PORT)
  --metrics-port N  classifier/executor: serve /metrics, /healthz, /readyz on port N (config metrics.port)
  --simulate      answer with the simulated provider even when API keys are set
  --json          print figures as one JSON document
Environment: REDIS_URL (default redis://127.0.0.1:6379; a cluster: redis+cluster://host:port,host:port),
  SWITCHYARD_PREFIX, LOG_LEVEL, provider API keys.`;

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      port: { type: 'string' },
      'metrics-port': { type: 'string' },
      simulate: { type: 'boolean' },
      tier: { type: 'string', multiple: true },
      api: { type: 'string' },
      'api-key': { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      by: { type: 'string' },
      experiment: { type: 'string' },
      file: { type: 'string' },
      json: { type: 'boolean' },
      wait: { type: 'boolean' },
      output: { type: 'string', short: 'o' },
      'strong-share': { type: 'string' },
      folds: { type: 'string' },
      chain: { type: 'string' },
      'train-set': { type: 'string' },
      routellm: { type: 'boolean' },
      'train-dir': { type: 'string' },
      'test-dir': { type: 'string' },
      'test-share': { type: 'string' },
      dev: { type: 'boolean' },
      plot: { type: 'string' },
      explain: { type: 'boolean' },
      id: { type: 'string' },
      role: { type: 'string' },
      'text-only': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, argument] = positionals;
  const asked = command === 'help' ? argument : command;
  if (command === undefined || values.help === true || command === 'help') {
    const own = asked === undefined ? undefined : commandHelp[asked];
    if (asked !== undefined && own === undefined) throw new Error(`unknown command "${asked}"\n\n${usage}`);
    process.stdout.write(`${own ?? usage}\n`);
    return;
  }
  switch (command) {
    case 'start':
      return start(values);
    case 'api':
      return runApiProcess(values);
    case 'classifier':
      return runClassifierProcess(values);
    case 'executor':
      return runExecutorProcess(values);
    case 'demo':
      return demo(values);
    case 'submit':
      return submit(argument ?? values.file, values);
    case 'status':
      return status(argument, values);
    case 'results':
      return results(argument, values);
    case 'report':
      return report(argument, values);
    case 'eval':
      return evaluate(argument, values);
    case 'train':
      return train(positionals.slice(1), values);
    case 'route':
      return route(argument, values);
    case 'keys':
      return keys(argument, values, (text) => process.stdout.write(`${text}\n`));
    default:
      throw new Error(`unknown command "${command}"\n\n${usage}`);
  }
}

const [major = 0] = process.versions.node.split('.').map(Number);
if (major < 22) {
  process.stderr.write(`switchyard: needs Node 22 or newer; this is Node ${process.versions.node}\n`);
  process.exit(1);
}
installSignalHandlers();
main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    const message = error instanceof ConfigError || error instanceof Error ? error.message : String(error);
    process.stderr.write(`switchyard: ${message}\n`);
    process.exit(1);
  },
);
