import { describe, expect, it } from 'vitest';
import { ApiError } from '../api-errors.ts';
import { parseChatCompletion } from './chat-body.ts';

const errorOf = (body: unknown): ApiError => {
  try {
    parseChatCompletion(body);
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the body to be refused');
};

describe('chat completion bodies', () => {
  it('takes the OpenAI fields and ignores unknown ones', () => {
    const { body, request } = parseChatCompletion({
      model: 'auto',
      messages: [
        { role: 'developer', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Hello' },
            { type: 'text', text: 'there' },
          ],
        },
        { role: 'assistant', content: null, tool_calls: [] },
        { role: 'user', content: 'Again?', name: 'ana' },
      ],
      max_completion_tokens: 64,
      max_tokens: 10,
      temperature: 0.3,
      stop: 'END',
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: {} } },
      user: 'user-1',
      metadata: { team: 'a' },
      seed: 7,
      tools: [],
      logprobs: null,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(body.stream).toBe(true);
    expect(request).toEqual({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello\nthere' },
        { role: 'assistant', content: '' },
        { role: 'user', content: 'Again?' },
      ],
      max_tokens: 64,
      temperature: 0.3,
      stop: ['END'],
      response_format: { type: 'json_object' },
      metadata: { team: 'a' },
    });
  });

  it('names the bad field', () => {
    const error = errorOf({ model: 'auto', messages: [{ role: 'user', content: 'hi' }], temperature: 3 });
    expect(error.code).toBe('invalid_body');
    expect(error.param).toBe('temperature');
    expect(errorOf({ model: 'auto', messages: [{ role: 'robot', content: 'hi' }] }).param).toBe('messages[0].role');
    expect(errorOf({ messages: [{ role: 'user', content: 'hi' }] }).param).toBe('model');
    expect(errorOf({ model: 'auto', messages: [] }).message).toMatch(/messages: at least one message/);
    expect(errorOf({ model: 'auto', messages: [{ role: 'user', content: 'hi' }], n: 2 }).param).toBe('n');
    expect(errorOf({ model: 'auto', messages: [{ role: 'user', content: [{ type: 'text' }] }] }).param).toBe(
      'messages[0].content[0].text',
    );
  });

  it('refuses images, audio and tool messages with their own code', () => {
    const image = errorOf({
      model: 'auto',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this?' },
            { type: 'image_url', image_url: {} },
          ],
        },
      ],
    });
    expect(image.code).toBe('unsupported_content');
    expect(image.param).toBe('messages[0].content[1].type');
    expect(image.message).toMatch(/"image_url" parts are not supported/);
    const tool = errorOf({ model: 'auto', messages: [{ role: 'tool', content: '42', tool_call_id: 'c' }] });
    expect(tool.code).toBe('unsupported_content');
    expect(tool.param).toBe('messages[0].role');
  });
  it('names what content and stop must be', () => {
    const user = (content: unknown) => ({ model: 'auto', messages: [{ role: 'user', content }] });
    for (const content of [[null], 42]) {
      expect(errorOf(user(content)).message).toBe(
        'invalid request: messages[0].content: ' +
          'expected a string, an array of content parts ({"type": "text", "text": "..."}) or null',
      );
    }
    expect(errorOf({ ...user('hi'), stop: ['a', 'b', 'c', 'd', 'e'] }).message).toBe(
      'invalid request: stop: expected a non-empty string or an array of at most 4 non-empty strings',
    );
  });
});
