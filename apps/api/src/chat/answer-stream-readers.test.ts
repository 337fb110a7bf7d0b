import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import { describe, expect, it } from 'vitest';
import { AnswerStreamReaders, KeySpace } from '@switchyard/queue';

describe('answer stream readers', () => {
  it('open at most maxReaders connections: a reader beyond them waits for one to be released', async () => {
    const readers = new AnswerStreamReaders(await redisUrlForTests(), new KeySpace(uniquePrefix('readers')), 2);
    try {
      const first = await readers.acquire();
      await readers.acquire();
      let third: unknown;
      const waiting = readers.acquire().then((reader) => {
        third = reader;
        return reader;
      });
      // A round trip on a held connection lets the pool settle whatever it would do at once.
      await first.connection.ping();
      expect(third).toBeUndefined();
      expect(readers.openConnections).toBe(2);
      first.release();
      const handedOver = await waiting;
      expect(handedOver.connection).toBe(first.connection);
      expect(readers.openConnections).toBe(2);
    } finally {
      readers.close();
    }
  });

  it('fail to acquire, holding nothing, when Redis takes no connection', async () => {
    const readers = new AnswerStreamReaders('redis://127.0.0.1:1', new KeySpace(uniquePrefix('readers')), 2);
    await expect(readers.acquire()).rejects.toThrow(/Redis did not answer/);
    expect(readers.openConnections).toBe(0);
    readers.close();
  });
});
