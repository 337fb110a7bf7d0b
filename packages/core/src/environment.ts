import { z } from 'zod';
import { ConfigError } from './errors.ts';
import { formatIssues } from './config-loader.ts';
import { parseRedisAddress } from './redis-address.ts';

/** The environment variables Switchyard reads (API keys are read by name from `providers.*.apiKeyEnv`). */
export const environmentSchema = z.object({
  /** One server (`redis://`, `rediss://`) or the seed nodes of a Redis Cluster (`redis+cluster://h1:p1,h2:p2`). */
  REDIS_URL: z
    .string()
    .superRefine((url, context) => {
      try {
        parseRedisAddress(url);
      } catch (error) {
        context.addIssue({ code: 'custom', message: (error as Error).message });
      }
    })
    .default('redis://127.0.0.1:6379'),
  /** Path of the YAML/JSON config file; the bundled default when unset. */
  SWITCHYARD_CONFIG: z.string().min(1).optional(),
  /** Overrides `queue.prefix`: lets several independent stacks (or tests) share one Redis. */
  SWITCHYARD_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/)
    .optional(),
  /** `1`/`true`: answer every deployment with the simulated provider, even when keys are set. */
  SWITCHYARD_SIMULATE: z.enum(['0', '1', 'true', 'false']).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  /** Overrides `api.host` (containers listen on 0.0.0.0). */
  SWITCHYARD_HOST: z.string().min(1).optional(),
  /** `1`/`true`: sets `auth.allowOpenNetwork`, an API without keys on a non-loopback address. */
  SWITCHYARD_ALLOW_OPEN_NETWORK: z.enum(['0', '1', 'true', 'false']).optional(),
  /** Signs the admin pages' session cookies; every API replica behind one address must share it. */
  SWITCHYARD_SESSION_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
});

export interface Environment {
  redisUrl: string;
  configPath: string | undefined;
  prefix: string | undefined;
  simulate: boolean;
  /** Unset means the command's own default (`info` for services, `warn` for the demo). */
  logLevel: string | undefined;
  port: number | undefined;
  host: string | undefined;
  allowOpenNetwork: boolean;
  /** Unset: each API process signs with a random secret of its own (sessions end with the process). */
  sessionSecret: string | undefined;
  /** Everything else, for API keys named in the config. */
  variables: Readonly<Record<string, string | undefined>>;
}

/** Parses the environment once, in an entry point. */
export function readEnvironment(env: Readonly<Record<string, string | undefined>>): Environment {
  // An empty variable means unset: compose files pass `${VAR:-}` through as "".
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = environmentSchema.safeParse(present);
  if (!result.success) throw new ConfigError('environment is invalid:', formatIssues(result.error.issues));
  const parsed = result.data;
  return {
    redisUrl: parsed.REDIS_URL,
    configPath: parsed.SWITCHYARD_CONFIG,
    prefix: parsed.SWITCHYARD_PREFIX,
    simulate: parsed.SWITCHYARD_SIMULATE === '1' || parsed.SWITCHYARD_SIMULATE === 'true',
    logLevel: parsed.LOG_LEVEL,
    port: parsed.PORT,
    host: parsed.SWITCHYARD_HOST,
    allowOpenNetwork: parsed.SWITCHYARD_ALLOW_OPEN_NETWORK === '1' || parsed.SWITCHYARD_ALLOW_OPEN_NETWORK === 'true',
    sessionSecret: parsed.SWITCHYARD_SESSION_SECRET,
    variables: env,
  };
}
