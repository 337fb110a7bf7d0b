import { z } from 'zod';

/*
 * How the processes run: the HTTP API, its keys, metrics and admin pages, the queues and the
 * shutdown deadline. The routing ladder and its money settings are in `config-schema.ts`.
 */

export const apiSchema = z.strictObject({
  /**
   * Address to listen on. Unset: all interfaces when `auth.keys` has keys, loopback (127.0.0.1)
   * in open mode, so a stack without keys is never reachable from the network by accident.
   */
  host: z.string().min(1).optional(),
  port: z.number().int().min(0).max(65_535).default(8080),
  /** Largest accepted body for single requests (bytes); each item of a batch is held to it too, as compact JSON. */
  bodyLimitBytes: z.number().int().positive().default(1_048_576),
  /**
   * Most messages in one request, alone or in a batch: OpenAI's own limit, and it bounds the work
   * of validating one.
   */
  maxMessages: z.number().int().positive().default(2_048),
  /** Largest accepted body for `POST /v1/batches` (bytes). */
  batchBodyLimitBytes: z
    .number()
    .int()
    .positive()
    .default(64 * 1_048_576),
  maxBatchSize: z.number().int().positive().default(10_000),
  /**
   * Largest file `POST /v1/files` takes (bytes). Files are kept in Redis, so the limit bounds its
   * memory: 64 MiB, like `batchBodyLimitBytes`, holds a JSONL file of `maxBatchSize` requests of
   * about 6 KB each.
   */
  filesMaxBytes: z
    .number()
    .int()
    .positive()
    .default(64 * 1_048_576),
  /**
   * How long an uploaded file is kept. 7 days, the default `queue.retentionSeconds`: an input file
   * lives as long as the records of the batch made from it.
   */
  filesTtlSeconds: z
    .number()
    .int()
    .positive()
    .default(7 * 24 * 3600),
  /**
   * A batch's progress stream recounts at least this often, not only on completion events: an
   * event published while the API's subscription was down is never delivered, and without the
   * recount the stream would wait for `done` forever. Each recount reads one field per request.
   */
  /**
   * Longest time to receive one whole request, headers and body. Without it a client that sends
   * part of a body holds its connection (and its buffered bytes) forever; 60 s lets a 64 MB batch
   * through at about 1 MB/s. Waiting for the answer (long polls, event streams, synchronous chat
   * completions) is not counted: it starts once the request is in.
   */
  requestTimeoutMs: z.number().int().min(100).default(60_000),
  /** Longest time to receive the headers: they are small, so a client this slow is holding a connection open. */
  headersTimeoutMs: z.number().int().min(100).default(10_000),
  /**
   * An idle keep-alive connection is closed after this; above the 60 s idle timeout of common load
   * balancers, as Fastify's own default.
   */
  keepAliveTimeoutMs: z.number().int().min(100).default(72_000),
  progressRecountMs: z.number().int().min(100).default(5_000),
  /**
   * How long `POST /v1/chat/completions` waits for the answer before a 504 that names the request
   * id (the request keeps running; `GET /v1/requests/:id` collects it). 5 minutes: below the
   * official OpenAI SDKs' own 10-minute timeout, so a client gets our 504 with the id instead of
   * its own timeout without one, and above a long answer of a slow top-tier model.
   */
  syncTimeoutMs: z.number().int().positive().default(300_000),
});

/** One API key. The secret itself is never stored: only its SHA-256, as printed by `switchyard keys create`. */
export const apiKeySchema = z.strictObject({
  /** A name; this id (never the secret) goes on request records, the ledger and logs. */
  id: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/,
      'must be 1-64 letters, digits, ".", "-" or "_", starting with a letter or digit',
    ),
  hash: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be "sha256:" and 64 lowercase hex digits'),
  /** `admin` reads every key's requests and batches and reaches the admin routes. */
  role: z.enum(['client', 'admin']).default('client'),
  /** Requests this key may start per minute, across every API instance; unset = no limit. */
  requestsPerMinute: z.number().int().positive().optional(),
  /** Tokens (prompt estimate + `max_tokens`) this key may ask for per minute; unset = no limit. */
  tokensPerMinute: z.number().int().positive().optional(),
});

export const authSchema = z.strictObject({
  /** Empty = open mode: every request is the admin `local`, and the API binds to loopback. */
  keys: z.array(apiKeySchema).default([]),
  /**
   * Open mode on a non-loopback `api.host` is refused unless this is true: without keys anyone
   * who can reach the port submits paid work and reads every answer.
   */
  allowOpenNetwork: z.boolean().default(false),
});

/** The metrics and health port of worker processes (the API serves `/metrics` on its own port). */
export const metricsSchema = z.strictObject({
  /** Port of `/metrics`, `/healthz` and `/readyz` on classifier and executor processes; absent: no port. */
  port: z.number().int().min(0).max(65_535).optional(),
  /** Every interface by default: Prometheus and the kubelet call from outside the pod. */
  host: z.string().default('0.0.0.0'),
});

/** The admin pages (Bull Board at `/admin/queues`, `/dashboard`). */
export const adminSchema = z.strictObject({
  /** Bull Board without retry, clean, promote or remove: for an API instance that on-call viewers use. */
  readOnly: z.boolean().default(false),
});

export const queueSchema = z.strictObject({
  /** Namespace of every Redis key Switchyard writes. */
  prefix: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/)
    .default('switchyard'),
  /** BullMQ attempts per hop for retryable failures. */
  attempts: z.number().int().positive().default(3),
  backoffMs: z.number().int().positive().default(1_000),
  classifierConcurrency: z.number().int().positive().default(50),
  executorConcurrency: z.number().int().positive().default(20),
  /**
   * How long a job stays locked to a worker between heartbeats, and how often workers look for
   * jobs whose worker died. A killed worker's job runs again after at most about twice this.
   */
  lockDurationMs: z.number().int().min(1_000).default(30_000),
  /**
   * How long a request's answer stream (the chunks a streaming chat completion relays) is kept
   * after its last write. 15 minutes: longer than `api.syncTimeoutMs`, so a client attaching
   * late still reads from the first chunk; the record keeps the answer for longer.
   */
  answerStreamTtlSeconds: z.number().int().positive().default(900),
  /**
   * Entries kept per answer stream (approximate trim): one per streamed text piece; 10,000 covers
   * an 8k-token answer.
   */
  answerStreamMaxLength: z.number().int().min(100).default(10_000),
  /** How long request records, batches and finished jobs are kept. */
  retentionSeconds: z
    .number()
    .int()
    .positive()
    .default(7 * 24 * 3600),
  /**
   * At most this many completed and this many failed jobs kept per queue, however young: about
   * 1.6 KB each, so 10,000 is about 16 MB per queue and state. Records are kept regardless.
   */
  finishedJobsKept: z.number().int().positive().default(10_000),
  /**
   * What start-up does when Redis's `maxmemory-policy` is not `noeviction`: an evicting Redis drops
   * queue keys and records under memory pressure, losing jobs silently. `refuse` stops the process
   * with the reason, `warn` logs it and goes on. A Redis that refuses `CONFIG GET` (managed
   * services) cannot be checked: that is a warning either way.
   */
  evictionPolicyCheck: z.enum(['refuse', 'warn']).default('refuse'),
});

export const shutdownSchema = z.strictObject({
  /**
   * How long a process may take to stop after SIGTERM/SIGINT: workers stop taking jobs, in-flight
   * hops finish or are handed back to the queue, the API drains its connections; whatever is
   * still open then is dropped (a hop dropped this way runs again after its lock expires). 25 s
   * leaves 5 s of the 30 s Kubernetes waits before it kills a pod (`terminationGracePeriodSeconds`
   * in the deploy files must stay above this).
   */
  deadlineMs: z.number().int().min(0).default(25_000),
});

/**
 * The exact-match response cache (off by default: a cached answer is the same text every time,
 * whatever the temperature).
 */
