import { describe, expect, it } from 'vitest';
import type { ApiError } from './api-errors.ts';
import { maxListedProblems, parseBatchItems, parseChatRequest } from './request-validation.ts';

const limits = { maxRequestBytes: 4_096, maxMessages: 100 };
const user = (content: string) => ({ role: 'user', content });

async function refusal(run: () => unknown): Promise<ApiError> {
  try {
    await run();
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected a refusal');
}

describe('request validation', async () => {
  it('lists at most 20 problems and stops there, in an answer of bounded size', async () => {
    const badMessages = Array.from({ length: 50 }, () => ({ role: 'robot', content: 1 }));
    let consumed = 0;
    function* items() {
      for (let index = 0; index < 2_000; index += 1) {
        consumed += 1;
        yield { messages: badMessages };
      }
    }
    const error = await refusal(() => parseBatchItems(items(), limits, ['requests']));
    expect(error.code).toBe('invalid_body');
    expect(error.details).toHaveLength(maxListedProblems);
    expect(error.details[0]).toEqual({ path: 'requests[0].messages[0].role', message: expect.any(String) });
    expect(error.param).toBe('requests[0].messages[0].role');
    expect(error.message).toContain('stopped at the first 20 problems');
    expect(consumed).toBe(1);
    expect(JSON.stringify(error.toBody()).length).toBeLessThan(10_000);
  });

  it('stops checking a single request at 20 problems too, and says so', async () => {
    const messages = Array.from({ length: 30 }, () => ({ role: 'robot', content: 'x' }));
    const error = await refusal(() => parseChatRequest({ messages, temperature: 9 }, limits));
    expect(error.details).toHaveLength(maxListedProblems);
    expect(error.message).toContain('stopped at the first 20 problems');
  });

  it('cuts long problem messages', async () => {
    const keys = Object.fromEntries(Array.from({ length: 5_000 }, (_, index) => [`extra${index}`, 1]));
    const error = await refusal(() => parseChatRequest({ messages: [user('hi')], ...keys }, limits));
    expect(error.details).toHaveLength(1);
    expect(error.details[0]?.message.length).toBeLessThan(250);
  });

  it('holds every batch item to the single-request limits with a 413 naming the item', async () => {
    const tooMany = await refusal(() =>
      parseBatchItems(
        [{ messages: [user('fine')] }, { messages: Array.from({ length: 101 }, () => user('x')) }],
        limits,
      ),
    );
    expect(tooMany.code).toBe('request_too_large');
    expect(tooMany.status).toBe(413);
    expect(tooMany.param).toBe('[1].messages');
    expect(tooMany.message).toContain('101 messages');

    const tooBig = await refusal(() =>
      parseBatchItems([{ messages: [user('x'.repeat(5_000))] }], limits, ['requests']),
    );
    expect(tooBig.code).toBe('request_too_large');
    expect(tooBig.param).toBe('requests[0]');

    expect((await refusal(() => parseChatRequest({ messages: [user('x'.repeat(5_000))] }, limits))).code).toBe(
      'request_too_large',
    );
  });

  it('refuses a request without a user message that has content, naming the field', async () => {
    const onlySystem = await refusal(() =>
      parseChatRequest({ messages: [{ role: 'system', content: 'be brief' }] }, limits),
    );
    expect(onlySystem.code).toBe('invalid_body');
    expect(onlySystem.param).toBe('messages');
    const onlyAssistant = await refusal(() =>
      parseChatRequest({ messages: [{ role: 'assistant', content: 'hi' }] }, limits),
    );
    expect(onlyAssistant.param).toBe('messages');
    const empty = await refusal(() =>
      parseChatRequest({ messages: [{ role: 'system', content: 'be brief' }, user('  ')] }, limits),
    );
    expect(empty.param).toBe('messages[1].content');
    const inBatch = await refusal(() =>
      parseBatchItems([{ messages: [user('ok')] }, { messages: [user('')] }], limits),
    );
    expect(inBatch.param).toBe('[1].messages[0].content');
  });

  it('passes valid requests through unchanged', async () => {
    const items = [
      { custom_id: 'a', messages: [{ role: 'system', content: 'terse' }, user('hi')], max_tokens: 5 },
      { messages: [user('hello'), { role: 'assistant', content: '' }] },
    ];
    expect(await parseBatchItems(items, limits)).toEqual(items);
  });
});
