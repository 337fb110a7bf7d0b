export { redisUrlForTests, uniquePrefix } from './redis-for-tests.ts';
export { freePort, startRedisServer, type RedisServerProcess } from './redis-server-process.ts';
export { startRedisCluster, type RedisClusterProcess } from './redis-cluster-process.ts';
export type { FakeProviderServer, FakeReply, RecordedRequest } from './fake-provider-server.ts';
export { startFakeAnthropic } from './fake-anthropic.ts';
export { startFakeOpenAI } from './fake-openai.ts';
export { scriptedSseFetch, sseFrame, type SseScript } from './scripted-sse-fetch.ts';
