import { describe, expect, it } from 'vitest';
import { nativeRequest } from '../../src/pool/nativeStream.js';

const messages = [
  { role: 'system', content: 'Be brief.' },
  { role: 'system', content: 'Answer in English.' },
  { role: 'user', content: 'Hi' },
  { role: 'assistant', content: 'Hello' },
  { role: 'user', content: 'Again' },
] as const;

describe('nativeRequest', () => {
  it('OpenAI: messages as they are, top_p, and max_completion_tokens (max_tokens for compatible servers)', () => {
    const params = { model: 'gpt-4o-mini', temperature: 0.2, topP: 0.9, maxTokens: 64 };
    expect(nativeRequest('openai', messages, params)).toEqual({
      model: 'gpt-4o-mini',
      messages: messages.map((m) => ({ role: m.role, content: m.content })),
      temperature: 0.2,
      top_p: 0.9,
      max_completion_tokens: 64,
    });
    const legacy = nativeRequest('openai', messages, { ...params, legacyMaxTokens: true });
    expect(legacy).toMatchObject({ max_tokens: 64 });
    expect(legacy).not.toHaveProperty('max_completion_tokens');
  });

  it('omits parameters the spec leaves to the provider', () => {
    const body = nativeRequest('openai', messages, { model: 'm', maxTokens: 5 });
    expect(body).not.toHaveProperty('temperature');
    expect(body).not.toHaveProperty('top_p');
    expect(nativeRequest('ollama', messages, { model: 'm', maxTokens: 5 }).options).toEqual({
      num_predict: 5,
    });
  });

  it('Anthropic: system messages joined into `system`, max_tokens, temperature clamped to 1, no top_p with a temperature', () => {
    const body = nativeRequest('anthropic', messages, {
      model: 'claude-haiku-4-5',
      temperature: 1.4,
      topP: 0.9,
      maxTokens: 256,
    });
    expect(body).toEqual({
      model: 'claude-haiku-4-5',
      system: 'Be brief.\n\nAnswer in English.',
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello' },
        { role: 'user', content: 'Again' },
      ],
      max_tokens: 256,
      temperature: 1,
    });
    const topPOnly = nativeRequest('anthropic', [{ role: 'user', content: 'x' }], {
      model: 'c',
      topP: 0.8,
      maxTokens: 1,
    });
    expect(topPOnly).toEqual({
      model: 'c',
      messages: [{ role: 'user', content: 'x' }],
      max_tokens: 1,
      top_p: 0.8,
    });
  });

  it('Ollama: sampling parameters and num_predict under `options`', () => {
    expect(
      nativeRequest('ollama', messages, { model: 'llama3.2', temperature: 0.5, topP: 0.95, maxTokens: 99 }),
    ).toEqual({
      model: 'llama3.2',
      messages: messages.map((m) => ({ role: m.role, content: m.content })),
      options: { temperature: 0.5, top_p: 0.95, num_predict: 99 },
    });
  });
});
