import { describe, expect, it } from 'vitest';
import { openaiWire } from '../../../src/emulator/protocols/openaiWire.js';
import type { WireMeta } from '../../../src/emulator/protocols/wire.js';

const meta: WireMeta = {
  id: 'chatcmpl-1',
  requestId: 'req_1',
  model: 'm',
  created: 1_700_000_000_000,
  includeUsage: true,
};
const timings = { totalMs: 10, promptEvalMs: 2, evalMs: 8 };
const head =
  '{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"m","system_fingerprint":"fp_emu"';

describe('openaiWire', () => {
  it('writes the chunks exactly as PROTOCOLS.md records them', () => {
    expect(openaiWire.streamStart(meta, { input: 7, output: 6 })).toBe(
      `data: ${head},"choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}\n\n`,
    );
    expect(openaiWire.streamDelta(meta, 'Hel', 0)).toBe(
      `data: ${head},"choices":[{"index":0,"delta":{"content":"Hel"},"logprobs":null,"finish_reason":null}],"usage":null}\n\n`,
    );
    expect(openaiWire.streamEnd(meta, 'stop', { input: 7, output: 6 }, timings, 0)).toBe(
      `data: ${head},"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}\n\n` +
        `data: ${head},"choices":[],"usage":{"prompt_tokens":7,"completion_tokens":6,"total_tokens":13}}\n\n` +
        'data: [DONE]\n\n',
    );
  });

  it('leaves out usage entirely unless include_usage was asked', () => {
    const plain = { ...meta, includeUsage: false };
    expect(openaiWire.streamDelta(plain, 'x', 0)).not.toContain('usage');
    expect(openaiWire.streamEnd(plain, 'length', { input: 1, output: 1 }, timings, 0)).toBe(
      `data: ${head},"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"length"}]}\n\n` +
        'data: [DONE]\n\n',
    );
  });

  it('has the error shapes: in-band, HTTP, unknown model', () => {
    expect(openaiWire.streamError(meta, 'boom')).toBe(
      'data: {"error":{"message":"boom","type":"server_error","param":null,"code":null}}\n\n',
    );
    expect(JSON.parse(openaiWire.errorBody(429, undefined, meta))).toEqual({
      error: { message: expect.any(String), type: 'requests', param: null, code: 'rate_limit_exceeded' },
    });
    expect(JSON.parse(openaiWire.errorBody(500, 'x', meta))).toEqual({
      error: { message: 'x', type: 'server_error', param: null, code: null },
    });
    const unknown = openaiWire.unknownModel('gpt-9');
    expect(unknown).toMatchObject({ status: 404, code: 'model_not_found' });
  });

  it('cuts a malformed chunk in the middle of its JSON', () => {
    const frame = openaiWire.streamMalformed(meta, 0);
    expect(frame.startsWith('data: {')).toBe(true);
    expect(frame.endsWith('\n\n')).toBe(true);
    expect(() => JSON.parse(frame.slice('data: '.length))).toThrow();
  });

  it('parses requests: content parts, max_completion_tokens, include_usage only when streaming', () => {
    const parsed = openaiWire.parseChat({
      model: 'm',
      stream: true,
      stream_options: { include_usage: true },
      max_completion_tokens: 5,
      temperature: 0.2,
      messages: [
        { role: 'system', content: 'be brief' },
        {
          role: 'user',
          content: [{ type: 'text', text: 'a' }, { type: 'image_url' }, { type: 'text', text: 'b' }],
        },
      ],
    });
    expect(parsed).toEqual({
      model: 'm',
      stream: true,
      includeUsage: true,
      maxTokens: 5,
      temperature: 0.2,
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'ab' },
      ],
    });
    expect(
      openaiWire.parseChat({ model: 'm', messages: [], stream_options: { include_usage: true } }),
    ).toMatchObject({
      stream: false,
      includeUsage: false,
    });
    expect(openaiWire.parseChat({ messages: [] })).toMatchObject({ rejected: true });
    expect(openaiWire.parseChat({ model: 'm' })).toMatchObject({ rejected: true });
    expect(openaiWire.parseChat({ model: 'm', messages: [], max_tokens: 'x' })).toMatchObject({
      rejected: true,
    });
  });
});
