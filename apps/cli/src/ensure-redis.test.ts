import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureRedis } from './ensure-redis.ts';

describe('ensureRedis', () => {
  it('starts nothing for a cluster that does not answer, and says how to fix it without the password', async () => {
    const said: string[] = [];
    const dataDir = join(tmpdir(), `switchyard-ensure-${randomBytes(4).toString('hex')}`);
    const attempt = ensureRedis('redis+cluster://app:secret@127.0.0.1:1,127.0.0.1:2', dataDir, (line) =>
      said.push(line),
    );
    await expect(attempt).rejects.toThrow(
      'No Redis Cluster answers at redis+cluster://app:***@127.0.0.1:1,127.0.0.1:2.',
    );
    await expect(attempt).rejects.toThrow('cluster_state:ok');
    await expect(attempt).rejects.not.toThrow('secret');
    expect(said).toEqual([]);
    expect(existsSync(dataDir)).toBe(false);
  });
});
