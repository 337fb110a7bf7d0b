/** What `switchyard <command> --help` prints: each command's own arguments and options. */

const configOptions = `  --config FILE       YAML or JSON config (default: the bundled one; env SWITCHYARD_CONFIG)`;
const redisEnv = `Environment: REDIS_URL (default redis://127.0.0.1:6379; a cluster: redis+cluster://host:port,...),
  SWITCHYARD_PREFIX, LOG_LEVEL, provider API keys.`;
const apiOptions = `  --api URL           the API (default http://127.0.0.1:<api.port of the config>)
  --api-key KEY       sent as Authorization: Bearer (default: env SWITCHYARD_API_KEY)
${configOptions}`;
const workerOptions = `${configOptions}
  --metrics-port N    serve /metrics, /healthz and /readyz on port N (config metrics.port)
  --simulate          answer with the simulated provider even when provider API keys are set`;

export const commandHelp: Readonly<Record<string, string>> = {
  start: `switchyard start [options]
The API, the classifier and one executor per tier in one process; starts a local redis-server when
REDIS_URL does not answer.
  --port N            API port (default 8080; env PORT)
${workerOptions}
${redisEnv}`,
  demo: `switchyard demo [options]
Starts everything, runs the sample batch with a progress bar, prints the report and stops.
  --port N            API port (default 8080; env PORT)
${configOptions}
${redisEnv}`,
  api: `switchyard api [options]
The HTTP API only.
  --port N            API port (default 8080; env PORT)
${configOptions}
${redisEnv}`,
  classifier: `switchyard classifier [options]
The classify worker only.
${workerOptions}
${redisEnv}`,
  executor: `switchyard executor --tier NAME [--tier NAME ...] [options]
The worker pool of one tier, or of each tier named.
  --tier NAME         a tier of the config (repeat for several)
${workerOptions}
${redisEnv}`,
  submit: `switchyard submit FILE [options]
Submits a JSONL or JSON batch ({"prompt": ...} lines or chat requests) and prints its id.
  --wait              follow the batch's progress until it completes
  --json              print the batch as JSON
${apiOptions}`,
  status: `switchyard status BATCH_ID [options]
Counts of the batch's requests by status.
  --json              print the status as JSON
${apiOptions}`,
  results: `switchyard results BATCH_ID [options]
The batch's results as JSONL.
${apiOptions}`,
  report: `switchyard report [BATCH_ID] [options]
switchyard report --experiment NAME [options]
With a batch id: requests per tier, escalations and cost against the all-premium baseline of that
batch. Without: the same from the cost ledger of every request. With --experiment: the experiment's
variant and control side by side (requests, escalation rate, cost, cost per request, feedback and
judge scores), then the variant against the control.
  --from DAY --to DAY UTC days (YYYY-MM-DD; default the last 30 days)
  --by tier|deployment|route|key|day   how to group the ledger (default tier)
  --experiment NAME   one experiment's two arms (from the ledger; not with a batch id)
  --json              print the figures as JSON
${apiOptions}`,
  keys: `switchyard keys create --id NAME [--role admin]
Prints a new API key once and the config entry with its hash (the key itself is never stored).
  --id NAME           the key's id, shown in records and stats
  --role admin        an admin key (stats of every key, dashboards, Bull Board); default: a client key`,
  route: `switchyard route PROMPT [options]
The tier and route the prompt would get; needs no Redis.
  --explain           every strategy's verdict and scores
  --json              print the decision as JSON
${configOptions}`,
  eval: `switchyard eval FILE [options]
switchyard eval --routellm DIR [options]
switchyard eval --routellm --train-dir A --test-dir B [options]
On a labeled JSONL file ({"prompt", "tier"}): accuracy, precision/recall, confusion, under-routing and
cost of each strategy and the chain, cross-validated. On RouteLLM files: accuracy against the strong
share, APGR with a 95 % bootstrap interval, CPT(50%) and CPT(80%) of each local strategy and a random
router, on subjects held out by name hash.
  --folds N           cross-validation folds (default 5)
  --chain a,b,c       the chain to evaluate (default: the config's)
  --train-set A,B     learn from A and B, test on all of FILE
  --test-share X      the held-out share of RouteLLM subjects (default 0.3)
  --dev               split the training part again, for tuning
  --strong-share X    the strongest tier's share the trained strategy is tuned to
  --plot FILE.svg     also draw the curves
  --json              print the figures as JSON
${configOptions}`,
  train: `switchyard train FILE... -o MODEL [options]
Trains the tier model of the trained strategy on one or more labeled files, with the rules' and
keywords' verdicts as inputs.
  -o, --output MODEL  where to write the model file
  --text-only         text features only, without the rules' and keywords' verdicts
  --strong-share X    the share of prompts the model sends to the strongest tier (default: that
                      tier's share in the labeled files)
${configOptions}`,
};
