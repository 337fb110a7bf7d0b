import type { KeySpace } from './key-space.ts';
import type { RedisClient } from './redis-connection.ts';

/** An uploaded file as stored, without its bytes. Times are epoch milliseconds. */
export interface StoredFile {
  id: string;
  /** The uploading API key's id: only it (and admins) may read the file. */
  keyId: string;
  filename: string;
  purpose: string;
  bytes: number;
  createdAtMs: number;
  expiresAtMs: number;
}

const describedFields = ['id', 'keyId', 'filename', 'purpose', 'bytes', 'createdAtMs', 'expiresAtMs'] as const;

/**
 * Uploaded files (`POST /v1/files`), one Redis hash each: the description and the bytes, written
 * with their TTL in one transaction. Reading a description never fetches the bytes.
 */
export class FileStore {
  private readonly redis: RedisClient;
  private readonly keys: KeySpace;

  constructor(redis: RedisClient, keys: KeySpace) {
    this.redis = redis;
    this.keys = keys;
  }

  async create(file: Omit<StoredFile, 'expiresAtMs'>, content: Buffer, ttlSeconds: number): Promise<StoredFile> {
    const stored: StoredFile = { ...file, expiresAtMs: file.createdAtMs + ttlSeconds * 1_000 };
    const key = this.keys.file(file.id);
    const fields: Record<string, string | Buffer> = { content };
    for (const field of describedFields) fields[field] = String(stored[field]);
    await this.redis.multi().hset(key, fields).expire(key, ttlSeconds).exec();
    return stored;
  }

  async get(fileId: string): Promise<StoredFile | undefined> {
    const values = await this.redis.hmget(this.keys.file(fileId), ...describedFields);
    const [id, keyId, filename, purpose, bytes, createdAtMs, expiresAtMs] = values;
    if (id === null || id === undefined) return undefined;
    return {
      id,
      keyId: keyId ?? '',
      filename: filename ?? '',
      purpose: purpose ?? '',
      bytes: Number(bytes),
      createdAtMs: Number(createdAtMs),
      expiresAtMs: Number(expiresAtMs),
    };
  }

  /** The file's bytes, or undefined when it does not exist (or expired). */
  async content(fileId: string): Promise<Buffer | undefined> {
    return (await this.redis.hgetBuffer(this.keys.file(fileId), 'content')) ?? undefined;
  }
}
