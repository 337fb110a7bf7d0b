// `pnpm bench`: speed figures of this machine. Every benchmark stops by itself.
import { benchChatLatency } from './chat-latency.ts';
import { benchClassifiers, formatClassifierSpeeds } from './classifier-speed.ts';
import { benchPipeline } from './pipeline-throughput.ts';

// Classification first: it needs no Redis, so its figures print even where the pipeline cannot run.
process.stdout.write(`${formatClassifierSpeeds(await benchClassifiers())}\n`);

const requests = Number(process.env.BENCH_REQUESTS ?? 5_000);
const pipeline = await benchPipeline(requests);
process.stdout.write(
  `pipeline: ${pipeline.requests} requests through api → classifier → executors: ${pipeline.requestsPerSecond} requests/s ` +
    `(submit ${pipeline.submitMs} ms, all complete ${pipeline.completeMs} ms, results streamed in ${pipeline.resultsStreamMs} ms)\n`,
);

const chat = await benchChatLatency(Number(process.env.BENCH_CHAT_REQUESTS ?? 500));
process.stdout.write(
  `chat completions, one at a time, provider answering in 0 ms (all of it is added latency): ` +
    `plain (model auto) p50 ${chat.plain.p50Ms} ms, p99 ${chat.plain.p99Ms} ms, ${chat.plainEscalated} escalated; ` +
    `streamed (model complex, live tokens) p50 ${chat.stream.p50Ms} ms, p99 ${chat.stream.p99Ms} ms (${chat.plain.requests} requests each)\n`,
);
