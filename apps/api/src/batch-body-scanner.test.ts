import { describe, expect, it } from 'vitest';
import type { ApiError } from './api-errors.ts';
import { BatchBodyText, readBatchItems } from './batch-body-scanner.ts';

const options = { maxItemBytes: 1_000, maxItems: 5 };
const read = (text: string) => {
  const { pathPrefix, items } = readBatchItems(new BatchBodyText(text), options);
  return { pathPrefix, items: [...items] };
};
function refusal(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected a refusal');
}

describe('batch body scanner', () => {
  it('cuts an array or a {"requests": [...]} object into the same items JSON.parse would find', () => {
    const items = [
      { messages: [{ role: 'user', content: 'a "quoted" ] } [ \\\\ \\u0041' }] },
      { n: -1.5e3 },
      'x',
      null,
    ];
    const text = JSON.stringify(items, null, 2);
    expect(read(text)).toEqual({ pathPrefix: [], items });
    expect(read(` {"model": {"x": [1]}, "requests": ${text} , "other": true } `)).toEqual({
      pathPrefix: ['requests'],
      items,
    });
    expect(read(`{"requests": ${text}}`).items).toEqual(items);
  });

  it('refuses malformed bodies with invalid_json naming the place', () => {
    expect(refusal(() => read('[{"a": 1}, {"a": 2')).code).toBe('invalid_json');
    expect(refusal(() => read('[{"a": 1} {"a": 2}]')).message).toContain('after [0]');
    expect(refusal(() => read('[{"a": 1}] trailing')).code).toBe('invalid_json');
    expect(refusal(() => read('[{"a": 1}, {"a": tru}]')).message).toContain('[1]');
    expect(refusal(() => read('{"requests": [], "x": }')).code).toBe('invalid_json');
    expect(refusal(() => read('{"requests": [] "x": 1}')).code).toBe('invalid_json');
    expect(refusal(() => read('[')).code).toBe('invalid_json');
  });

  it('refuses what is not a batch, an empty batch, too many items and an oversized item before parsing it', () => {
    expect(refusal(() => read('{"prompt": "hi"}')).code).toBe('invalid_body');
    expect(refusal(() => read('"hi"')).code).toBe('invalid_body');
    expect(refusal(() => read('{"requests": 3}')).code).toBe('invalid_body');
    expect(refusal(() => read(' [ ] ')).message).toBe('the batch is empty');
    expect(refusal(() => read(JSON.stringify(Array.from({ length: 6 }, () => ({}))))).code).toBe('batch_too_large');
    // Not valid JSON, but over the limit: refused for its size without being parsed.
    const big = refusal(() => read(`{"requests": [{}, {"x": "${'y'.repeat(2_000)}" oops}]}`));
    expect(big.code).toBe('request_too_large');
    expect(big.param).toBe('requests[1]');
  });
});
