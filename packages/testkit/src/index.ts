export { redisUrlForTests, uniquePrefix } from './redis-for-tests.ts';
export { freePort, startRedisServer, type RedisServerProcess } from './redis-server-process.ts';
export { startRedisCluster, type RedisClusterProcess } from './redis-cluster-process.ts';
export type { FakeProviderServer, FakeReply, RecordedRequest } from './fake-provider-server.ts';
export { startFakeAnthropic } from './fake-anthropic.ts';
export { startFakeOpenAI } from './fake-openai.ts';
export { startTestServer, type RecordedCall, type Reply, type TestServer } from './recording-http-server.ts';
export { configWithTiers } from './config-with-tiers.ts';
export { sharedDataPath } from './shared-data-path.ts';
export { scriptedSseFetch, sseFrame, type SseScript } from './scripted-sse-fetch.ts';
export { routedDecision } from './routed-decision.ts';
export { fixedStrategy } from './fixed-strategy.ts';
export { multipartBody, type FormPart } from './multipart-body.ts';
export {
  tinyEmbeddingGraph,
  tinyTable,
  tinyVocabulary,
  wordPieceTokenizer,
  writeTinySentenceModel,
  type TinySentenceModelOptions,
} from './tiny-sentence-model.ts';
