// `pnpm bench`: speed figures of this machine. Every benchmark stops by itself.
import { benchClassifiers, formatClassifierSpeeds } from './classifier-speed.ts';
import { benchPipeline } from './pipeline-throughput.ts';
import { benchValidation, formatValidationFigures } from './validation-cost.ts';

// Classification first: it needs no Redis, so its figures print even where the pipeline cannot run.
process.stdout.write(`${formatClassifierSpeeds(await benchClassifiers())}\n`);

process.stdout.write(`${formatValidationFigures(await benchValidation())}\n`);

const requests = Number(process.env.BENCH_REQUESTS ?? 5_000);
const pipeline = await benchPipeline(requests);
process.stdout.write(
  `pipeline: ${pipeline.requests} requests through api → classifier → executors: ${pipeline.requestsPerSecond} requests/s ` +
    `(submit ${pipeline.submitMs} ms, all complete ${pipeline.completeMs} ms, results streamed in ${pipeline.resultsStreamMs} ms)\n`,
);
