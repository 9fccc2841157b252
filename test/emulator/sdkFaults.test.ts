import Anthropic from '@anthropic-ai/sdk';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Emulator, type Fault, startEmulator } from '../../src/emulator/index.js';

// The faults as each official SDK surfaces them (what PROTOCOLS.md measured against real servers).
let emulator: Emulator;
const faults: Record<string, Fault> = {
  s429: { kind: 'status', status: 429, retryAfter: 3 },
  s503: { kind: 'status', status: 503 },
  s529: { kind: 'status', status: 529 },
  reset2: { kind: 'reset', afterTokens: 2 },
  inband1: { kind: 'inband_error', afterTokens: 1 },
  malformed1: { kind: 'malformed_chunk', afterTokens: 1 },
  close2: { kind: 'close_without_end', afterTokens: 2 },
};

beforeAll(async () => {
  // The SDKs print the text they could not parse; keep the test output clean (asserted below).
  vi.spyOn(console, 'error').mockImplementation(() => {});
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  const models = Object.fromEntries(
    Object.entries(faults).map(([name, fault]) => [name, { text: 'a b c d', fault }]),
  );
  emulator = await startEmulator({ models });
});
afterAll(async () => {
  vi.restoreAllMocks();
  await emulator.close();
});

const messages = [{ role: 'user' as const, content: 'x' }];

async function openaiRun(model: string): Promise<{ text: string; finished: boolean }> {
  const openai = new OpenAI({ apiKey: 'k', baseURL: emulator.baseURLs.openai, maxRetries: 0 });
  const stream = await openai.chat.completions.create({ model, messages, stream: true });
  let text = '';
  let finished = false;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
    if (chunk.choices[0]?.finish_reason) finished = true;
  }
  return { text, finished };
}

async function anthropicRun(model: string): Promise<{ text: string; finished: boolean }> {
  const anthropic = new Anthropic({ apiKey: 'k', baseURL: emulator.baseURLs.anthropic, maxRetries: 0 });
  const stream = await anthropic.messages.create({ model, messages, max_tokens: 100, stream: true });
  let text = '';
  let finished = false;
  for await (const event of stream) {
    if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    if (event.type === 'message_stop') finished = true;
  }
  return { text, finished };
}

async function ollamaRun(model: string): Promise<{ text: string; finished: boolean }> {
  const ollama = new Ollama({ host: emulator.baseURLs.ollama });
  const stream = await ollama.chat({ model, messages, stream: true });
  let text = '';
  let finished = false;
  for await (const part of stream) {
    text += part.message.content;
    if (part.done) finished = true;
  }
  return { text, finished };
}

describe('openai SDK', () => {
  it('429 → RateLimitError with retry-after; 503 → InternalServerError', async () => {
    const error = await openaiRun('s429').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('3');
    await expect(openaiRun('s503')).rejects.toBeInstanceOf(OpenAI.InternalServerError);
  });

  it('in-band error → APIError without status; reset → TypeError; malformed → SyntaxError; clean close → ends unfinished', async () => {
    const inband = await openaiRun('inband1').catch((e: unknown) => e);
    expect(inband).toBeInstanceOf(OpenAI.APIError);
    expect((inband as InstanceType<typeof OpenAI.APIError>).status).toBeUndefined();
    await expect(openaiRun('reset2')).rejects.toThrow(TypeError);
    await expect(openaiRun('malformed1')).rejects.toThrow(SyntaxError);
    expect(await openaiRun('close2')).toEqual({ text: 'a b', finished: false });
  });
});

describe('anthropic SDK', () => {
  it('429 → RateLimitError, 503 → ServiceUnavailableError, 529 → OverloadedError', async () => {
    await expect(anthropicRun('s429')).rejects.toBeInstanceOf(Anthropic.RateLimitError);
    await expect(anthropicRun('s503')).rejects.toBeInstanceOf(Anthropic.ServiceUnavailableError);
    await expect(anthropicRun('s529')).rejects.toBeInstanceOf(Anthropic.OverloadedError);
  });

  it('in-band error → APIError; reset → TypeError; malformed → SyntaxError; clean close → ends unfinished', async () => {
    const inband = await anthropicRun('inband1').catch((e: unknown) => e);
    expect(inband).toBeInstanceOf(Anthropic.APIError);
    expect(String(inband)).toContain('overloaded_error');
    await expect(anthropicRun('reset2')).rejects.toThrow(TypeError);
    await expect(anthropicRun('malformed1')).rejects.toThrow(SyntaxError);
    expect(await anthropicRun('close2')).toEqual({ text: 'a b', finished: false });
  });
});

describe('ollama SDK', () => {
  it('HTTP errors → ResponseError with the status', async () => {
    const error = await ollamaRun('s429').catch((e: unknown) => e);
    expect((error as Error).name).toBe('ResponseError');
    expect((error as { status_code?: number }).status_code).toBe(429);
  });

  it('in-band error → Error; reset → TypeError; malformed → skipped (!); clean close → Error', async () => {
    await expect(ollamaRun('inband1')).rejects.toThrow('an error was encountered while running the model');
    await expect(ollamaRun('reset2')).rejects.toThrow(TypeError);
    // ollama-js warns "invalid json" and drops the line: a client cannot see this fault through it.
    const warn = vi.mocked(console.warn);
    warn.mockClear();
    expect(await ollamaRun('malformed1')).toEqual({ text: 'a b c d', finished: true });
    expect(String(warn.mock.calls[0]?.[0])).toContain('invalid json');
    // Unlike the other two, ollama-js notices the missing `done: true` itself.
    await expect(ollamaRun('close2')).rejects.toThrow('Did not receive done or success response in stream.');
  });
});
