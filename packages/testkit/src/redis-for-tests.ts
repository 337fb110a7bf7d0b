import { randomBytes } from 'node:crypto';
import { GenericContainer, type StartedTestContainer } from 'testcontainers';

let container: Promise<StartedTestContainer> | undefined;

/**
 * The Redis that integration tests use: `REDIS_URL` when it is set, otherwise one `redis:7`
 * container started with testcontainers and shared by every test of the process.
 */
export async function redisUrlForTests(): Promise<string> {
  const fromEnvironment = process.env.REDIS_URL;
  if (fromEnvironment !== undefined && fromEnvironment !== '') return fromEnvironment;
  container ??= new GenericContainer('redis:7-alpine').withExposedPorts(6379).start();
  const started = await container;
  return `redis://${started.getHost()}:${started.getMappedPort(6379)}`;
}

/** A queue/key prefix no other test uses, so tests can share one Redis. */
export function uniquePrefix(label: string): string {
  return `test-${label.replace(/[^A-Za-z0-9_-]/g, '-')}-${randomBytes(4).toString('hex')}`;
}
