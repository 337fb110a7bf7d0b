export { redisUrlForTests, uniquePrefix } from './redis-for-tests.ts';
export { freePort, startRedisServer, type RedisServerProcess } from './redis-server-process.ts';
