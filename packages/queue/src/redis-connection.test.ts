import { describe, expect, it } from 'vitest';
import { redactRedisUrl } from './redis-connection.ts';

describe('redactRedisUrl', () => {
  it('hides the password of a single-server and of a cluster address', () => {
    expect(redactRedisUrl('redis://:secret@cache:6379/0')).toBe('redis://:***@cache:6379/0');
    expect(redactRedisUrl('rediss+cluster://app:secret@a:7000,[::1]:7001')).toBe(
      'rediss+cluster://app:***@a:7000,[::1]:7001',
    );
    expect(redactRedisUrl('redis+cluster://a:7000')).toBe('redis+cluster://a:7000');
    expect(redactRedisUrl('redis+cluster://')).toBe('(unparseable Redis URL)');
  });
});
