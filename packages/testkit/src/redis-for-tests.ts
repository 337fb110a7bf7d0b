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
  let started: StartedTestContainer;
  try {
    started = await container;
  } catch (error) {
    throw new Error(
      `REDIS_URL is not set and testcontainers could not start a redis:7 container (${(error as Error).message}). ` +
        'Start Docker, or set REDIS_URL=redis://127.0.0.1:6379 to use a running Redis.',
      { cause: error },
    );
  }
  return `redis://${started.getHost()}:${started.getMappedPort(6379)}`;
}

/** A queue/key prefix no other test uses, so tests can share one Redis. */
export function uniquePrefix(label: string): string {
  return `test-${label.replace(/[^A-Za-z0-9_-]/g, '-')}-${randomBytes(4).toString('hex')}`;
}
