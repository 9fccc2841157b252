import Anthropic from '@anthropic-ai/sdk';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';

const TEXT = 'Hello wörld 🌍, from the emulator.';
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({
    seed: 3,
    models: {
      '*': { text: TEXT, ttft: 5, interToken: 1 },
      fixed: { text: 'one two three four', usage: { input: 42, output: 7 } },
    },
  });
});
afterAll(() => emulator.close());

const messages = [{ role: 'user' as const, content: 'say hello to me' }];

describe('official SDKs stream from the emulator', () => {
  it('openai: text and usage (stream_options.include_usage)', async () => {
    const openai = new OpenAI({ apiKey: 'k', baseURL: emulator.baseURLs.openai, maxRetries: 0 });
    const stream = await openai.chat.completions.create({
      model: 'gpt-x',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(TEXT);
    expect(finish).toBe('stop');
    // Default counts: input = words of the prompt, output = chunks (token-like words here).
    expect(usage).toEqual({ prompt_tokens: 4, completion_tokens: 6, total_tokens: 10 });
  });

  it('openai: non-streamed completion and max_tokens → finish_reason length', async () => {
    const openai = new OpenAI({ apiKey: 'k', baseURL: emulator.baseURLs.openai, maxRetries: 0 });
    const full = await openai.chat.completions.create({ model: 'fixed', messages });
    expect(full.choices[0]?.message.content).toBe('one two three four');
    expect(full.usage).toEqual({ prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 });
    const cut = await openai.chat.completions.create({ model: 'gpt-x', messages, max_tokens: 2 });
    expect(cut.choices[0]?.message.content).toBe('Hello wörld');
    expect(cut.choices[0]?.finish_reason).toBe('length');
  });

  it('openai: lists the scenario models', async () => {
    const openai = new OpenAI({ apiKey: 'k', baseURL: emulator.baseURLs.openai, maxRetries: 0 });
    const ids: string[] = [];
    for await (const model of openai.models.list()) ids.push(model.id);
    expect(ids).toEqual(['fixed']);
  });

  it('anthropic: text, input tokens first, output tokens at the end', async () => {
    const anthropic = new Anthropic({ apiKey: 'k', baseURL: emulator.baseURLs.anthropic, maxRetries: 0 });
    const stream = await anthropic.messages.create({
      model: 'claude-x',
      max_tokens: 100,
      messages,
      stream: true,
    });
    let text = '';
    const types: string[] = [];
    let input = -1;
    let output = -1;
    let stop: string | null = null;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'message_start') input = event.message.usage.input_tokens;
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
      if (event.type === 'message_delta') {
        output = event.usage.output_tokens;
        stop = event.delta.stop_reason;
      }
    }
    expect(text).toBe(TEXT);
    expect([input, output, stop]).toEqual([4, 6, 'end_turn']);
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
  });

  it('anthropic: non-streamed and max_tokens → stop_reason max_tokens', async () => {
    const anthropic = new Anthropic({ apiKey: 'k', baseURL: emulator.baseURLs.anthropic, maxRetries: 0 });
    const message = await anthropic.messages.create({ model: 'claude-x', max_tokens: 3, messages });
    expect(message.content).toEqual([{ type: 'text', text: 'Hello wörld 🌍,' }]);
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.usage).toMatchObject({ input_tokens: 4, output_tokens: 3 });
  });

  it('anthropic: the final message helper agrees', async () => {
    const anthropic = new Anthropic({ apiKey: 'k', baseURL: emulator.baseURLs.anthropic, maxRetries: 0 });
    const final = await anthropic.messages
      .stream({ model: 'fixed', max_tokens: 50, messages })
      .finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: 'one two three four' }]);
    expect(final.usage).toMatchObject({ input_tokens: 42, output_tokens: 7 });
  });

  it('ollama: NDJSON stream with the final counts', async () => {
    const ollama = new Ollama({ host: emulator.baseURLs.ollama });
    const stream = await ollama.chat({ model: 'llama-x', messages, stream: true });
    let text = '';
    let last: Awaited<ReturnType<typeof ollama.chat>> | undefined;
    for await (const part of stream) {
      text += part.message.content;
      last = part;
    }
    expect(text).toBe(TEXT);
    expect(last).toMatchObject({ done: true, done_reason: 'stop', prompt_eval_count: 4, eval_count: 6 });
    expect(last?.total_duration).toBeGreaterThan(0);
  });

  it('ollama: non-streamed, num_predict → done_reason length, and tags', async () => {
    const ollama = new Ollama({ host: emulator.baseURLs.ollama });
    const response = await ollama.chat({ model: 'llama-x', messages, options: { num_predict: 2 } });
    expect(response.message.content).toBe('Hello wörld');
    expect(response).toMatchObject({ done: true, done_reason: 'length', eval_count: 2 });
    const tags = await ollama.list();
    expect(tags.models.map((m) => m.name)).toEqual(['fixed']);
  });

  it('counts what it served', () => {
    const stats = emulator.stats();
    expect(stats.totals.tokensAfterGone).toBe(0);
    expect(stats.totals.open).toBe(0);
    expect(stats.totals.completed).toBe(stats.totals.requests);
    expect(stats.models['gpt-x']?.requests).toBe(2);
  });
});
