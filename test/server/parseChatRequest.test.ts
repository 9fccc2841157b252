import { describe, expect, it } from 'vitest';
import { checkBearerToken } from '../../src/server/checkBearerToken.js';
import { parseChatRequest } from '../../src/server/parseChatRequest.js';

describe('parseChatRequest', () => {
  it('keeps what the consensus uses: text messages, stream, usage option, output limit', () => {
    expect(
      parseChatRequest({
        model: 'fast',
        messages: [
          { role: 'developer', content: 'Be brief.' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is ' },
              { type: 'text', text: '2 + 2?' },
            ],
          },
        ],
        stream: true,
        stream_options: { include_usage: true },
        max_completion_tokens: 64,
        temperature: 0.3,
      }),
    ).toEqual({
      model: 'fast',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'What is 2 + 2?' },
      ],
      stream: true,
      includeUsage: true,
      maxTokens: 64,
    });
  });

  it.each([
    [null, undefined, 'invalid_request_body'],
    [{ messages: [{ role: 'user', content: 'hi' }] }, 'model', 'missing_required_parameter'],
    [{ model: 'chorus', messages: [] }, 'messages', 'missing_required_parameter'],
    [{ model: 'chorus', messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].role', 'invalid_value'],
    [
      { model: 'chorus', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: {} }] }] },
      'messages[0].content',
      'invalid_value',
    ],
    [{ model: 'chorus', messages: [{ role: 'system', content: 'x' }] }, 'messages', 'invalid_value'],
    [{ model: 'chorus', messages: [{ role: 'user', content: 'x' }], n: 2 }, 'n', 'unsupported_value'],
    [
      { model: 'chorus', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function' }] },
      'tools',
      'unsupported_parameter',
    ],
    [
      { model: 'chorus', messages: [{ role: 'user', content: 'x' }], max_tokens: 0 },
      'max_tokens',
      'invalid_value',
    ],
    [
      { model: 'chorus', messages: [{ role: 'user', content: 'x' }], stream: 'yes' },
      'stream',
      'invalid_value',
    ],
  ])('refuses %j naming %s', (body, param, code) => {
    const result = parseChatRequest(body);
    expect(result).toMatchObject({ param, code });
    expect((result as { problem: string }).problem.length).toBeGreaterThan(10);
  });
});

describe('checkBearerToken', () => {
  const token = 'a-long-token-0123456789';
  it('accepts exactly `Bearer <token>`', () => {
    expect(checkBearerToken(`Bearer ${token}`, token)).toBe(true);
    expect(checkBearerToken(`bearer ${token}`, token)).toBe(true);
  });
  it.each([
    undefined,
    '',
    token,
    `Bearer ${token}x`,
    `Bearer ${token.slice(0, -1)}`,
    'Bearer ',
    `Basic ${token}`,
    `Bearer ${token} extra`,
  ])('refuses %j', (header) => {
    expect(checkBearerToken(header, token)).toBe(false);
  });
});
