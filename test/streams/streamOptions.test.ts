import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { anthropicStream, ollamaStream, openaiStream } from '../../src/streams/index.js';
import { resolveStreamOptions } from '../../src/streams/streamOptions.js';

describe('stream options', () => {
  it('defaults the variant to provider:model and the provider by adapter', () => {
    const resolved = resolveStreamOptions(undefined, 'openai', 'gpt-4o-mini');
    expect(resolved).toMatchObject({ variant: 'openai:gpt-4o-mini', provider: 'openai' });
    expect(typeof resolved.now()).toBe('number');
    expect(resolveStreamOptions({ provider: 'groq' }, 'openai', 'llama').variant).toBe('groq:llama');
  });

  it.each([
    [{ variant: '' }, '`options.variant`'],
    [{ provider: 3 }, '`options.provider`'],
    [{ onUsage: 'log' }, '`options.onUsage`'],
    [{ now: 5 }, '`options.now`'],
    [{ signal: { aborted: false } }, '`options.signal`'],
  ])('rejects %j naming %s', (options, name) => {
    expect(() => resolveStreamOptions(options as never, 'openai', 'm')).toThrow(TypeError);
    expect(() => resolveStreamOptions(options as never, 'openai', 'm')).toThrow(name);
  });

  it('checks the client and the model when the stream is created, not when subscribed', () => {
    const openai = new OpenAI({ apiKey: 'k', baseURL: 'http://127.0.0.1:9/v1' });
    const anthropic = new Anthropic({ apiKey: 'k', baseURL: 'http://127.0.0.1:9' });
    expect(() => openaiStream({} as never, { model: 'm', messages: [] })).toThrow('`client`');
    expect(() => openaiStream(openai, { model: '', messages: [] })).toThrow('`request.model`');
    expect(() => anthropicStream({} as never, { model: 'm', max_tokens: 1, messages: [] })).toThrow(
      '`client`',
    );
    expect(() => anthropicStream(anthropic, {} as never)).toThrow('`request.model`');
    expect(() => ollamaStream(null as never, { model: 'm' })).toThrow('`client`');
  });
});
