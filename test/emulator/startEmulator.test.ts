import { performance } from 'node:perf_hooks';
import Anthropic from '@anthropic-ai/sdk';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Emulator,
  MAX_BODY_BYTES,
  type RequestRecord,
  startEmulator,
} from '../../src/emulator/index.js';
import { chatBody, deltasOf, framesOf, PROTOCOLS, postChat, readAll } from './rawClient.js';

const LONG = Array.from({ length: 200 }, (_, i) => `w${i}`).join(' ');

describe('cancellation seen from the server', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ seed: 5, models: { '*': { text: LONG, ttft: 5, interToken: 10 } } });
  });
  afterAll(() => emulator.close());

  const gone = (model: string) =>
    new Promise<RequestRecord>((resolve) => {
      const listener = (record: RequestRecord) => {
        if (record.model === model) {
          emulator.off('gone', listener);
          resolve(record);
        }
      };
      emulator.on('gone', listener);
    });

  /** Streams with the protocol's SDK and aborts after 3 deltas; returns when the abort happened. */
  async function streamAndAbort(protocol: (typeof PROTOCOLS)[number], model: string): Promise<number> {
    const controller = new AbortController();
    let deltas = 0;
    const messages = [{ role: 'user' as const, content: 'go' }];
    try {
      if (protocol === 'openai') {
        const openai = new OpenAI({ apiKey: 'k', baseURL: emulator.baseURLs.openai, maxRetries: 0 });
        const stream = await openai.chat.completions.create(
          { model, messages, stream: true },
          { signal: controller.signal },
        );
        for await (const chunk of stream) if (chunk.choices[0]?.delta.content && ++deltas === 3) break;
      } else if (protocol === 'anthropic') {
        const anthropic = new Anthropic({ apiKey: 'k', baseURL: emulator.baseURLs.anthropic, maxRetries: 0 });
        const stream = await anthropic.messages.create(
          { model, messages, max_tokens: 1000, stream: true },
          { signal: controller.signal },
        );
        for await (const event of stream) if (event.type === 'content_block_delta' && ++deltas === 3) break;
      } else {
        // Ollama has no per-request signal: pass one through fetch (PROTOCOLS.md).
        const ollama = new Ollama({
          host: emulator.baseURLs.ollama,
          fetch: (url, init) => fetch(url, { ...init, signal: controller.signal }),
        });
        const stream = await ollama.chat({ model, messages, stream: true });
        for await (const part of stream) if (part.message.content && ++deltas === 3) break;
      }
    } finally {
      controller.abort();
    }
    return performance.now();
  }

  it.each(PROTOCOLS)(
    '%s: an abort after 3 deltas is seen as gone, and nothing is written after',
    async (protocol) => {
      const model = `cancel-${protocol}`;
      const seen = gone(model);
      const abortedAt = await streamAndAbort(protocol, model);
      const record = await seen;
      expect(record).toMatchObject({ outcome: 'gone', tokensAfterGone: 0 });
      expect(record.tokensWritten).toBeGreaterThanOrEqual(3);
      expect(record.tokensWritten).toBeLessThan(200);
      expect(record.goneAt! - abortedAt).toBeLessThan(1000);
      expect(record.lastWriteAt!).toBeLessThanOrEqual(record.goneAt!);
      await new Promise((resolve) => setTimeout(resolve, 60));
      const after = emulator.stats().log.find((r) => r.id === record.id)!;
      expect(after.tokensWritten).toBe(record.tokensWritten);
      expect(after.bytesWritten).toBe(record.bytesWritten);
      expect(emulator.stats().models[model]).toMatchObject({ clientsGone: 1, tokensAfterGone: 0, open: 0 });
    },
  );
});

describe('requests the emulator refuses', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ models: { known: { text: 'hi' } } }, { apiKey: 'secret' });
  });
  afterAll(() => emulator.close());

  it.each(PROTOCOLS)('%s: a missing or wrong key gets a 401 in the provider shape', async (protocol) => {
    const missing = await postChat(emulator, protocol, 'known');
    expect(missing.status).toBe(401);
    const body = (await missing.json()) as Record<string, unknown>;
    if (protocol === 'openai')
      expect(body).toMatchObject({ error: { type: 'invalid_request_error', code: 'invalid_api_key' } });
    if (protocol === 'anthropic')
      expect(body).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    if (protocol === 'ollama') expect(body).toEqual({ error: 'unauthorized' });
    const wrong = await postChat(emulator, protocol, 'known', { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    await wrong.body?.cancel();
  });

  it.each(PROTOCOLS)('%s: Bearer and x-api-key are both accepted', async (protocol) => {
    const variants: Record<string, string>[] = [
      { authorization: 'Bearer secret' },
      { 'x-api-key': 'secret' },
    ];
    for (const headers of variants) {
      const response = await postChat(emulator, protocol, 'known', { headers, stream: false });
      expect(response.status).toBe(200);
      await response.body?.cancel();
    }
  });

  it('the SDKs authenticate with their own headers', async () => {
    const anthropic = new Anthropic({
      apiKey: 'secret',
      baseURL: emulator.baseURLs.anthropic,
      maxRetries: 0,
    });
    const message = await anthropic.messages.create({
      model: 'known',
      max_tokens: 5,
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'hi' }]);
    const badOpenai = new OpenAI({ apiKey: 'wrong', baseURL: emulator.baseURLs.openai, maxRetries: 0 });
    await expect(
      badOpenai.chat.completions.create({ model: 'known', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  const auth = { authorization: 'Bearer secret' };

  it.each(PROTOCOLS)('%s: an unknown model is a 404 like the real provider', async (protocol) => {
    const response = await postChat(emulator, protocol, 'nope', { headers: auth });
    expect(response.status).toBe(404);
    const body = JSON.stringify(await response.json());
    expect(body).toContain('nope');
    if (protocol === 'openai') expect(body).toContain('model_not_found');
    if (protocol === 'anthropic') expect(body).toContain('not_found_error');
  });

  it.each(PROTOCOLS)('%s: a body that is not JSON is a 400 in the provider shape', async (protocol) => {
    const path = { openai: '/v1/chat/completions', anthropic: '/v1/messages', ollama: '/api/chat' }[protocol];
    const response = await fetch(emulator.url + path, { method: 'POST', headers: auth, body: '{"model": ' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as Record<string, unknown>;
    if (protocol === 'openai') expect(body).toMatchObject({ error: { type: 'invalid_request_error' } });
    if (protocol === 'anthropic')
      expect(body).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    if (protocol === 'ollama') expect(body).toEqual({ error: expect.any(String) });
  });

  it('a body over the limit is a 413', async () => {
    const body = JSON.stringify({
      ...chatBody('openai', 'known', false),
      padding: 'x'.repeat(MAX_BODY_BYTES),
    });
    const response = await fetch(`${emulator.baseURLs.openai}/chat/completions`, {
      method: 'POST',
      headers: auth,
      body,
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
  });

  it('unknown paths are 404 JSON in the shape the client expects', async () => {
    const openai = await fetch(`${emulator.url}/v1/nothing`, { headers: auth });
    expect(openai.status).toBe(404);
    expect(await openai.json()).toMatchObject({ error: { message: 'Invalid URL (GET /v1/nothing)' } });
    const ollama = await fetch(`${emulator.url}/api/nothing`, { headers: auth });
    expect(await ollama.json()).toEqual({ error: 'Invalid URL (GET /api/nothing)' });
    const anthropic = await fetch(`${emulator.url}/v1/nothing`, {
      headers: { ...auth, 'anthropic-version': '2023-06-01' },
    });
    expect(await anthropic.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
  });

  it('anthropic requires max_tokens, like the real API', async () => {
    const response = await fetch(`${emulator.url}/v1/messages`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ model: 'known', messages: [] }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { message: 'max_tokens: Field required' } });
  });

  it('refusals are counted apart from the scenario requests', () => {
    const stats = emulator.stats();
    expect(stats.totals.rejected).toBeGreaterThan(10);
    expect(stats.models['nope']).toBeUndefined();
  });
});

describe('options', () => {
  it.each(['0.0.0.0', '192.168.1.10', '::', 'example.com', '10.0.0.1'])(
    'refuses the non-loopback host %s',
    async (host) => {
      await expect(startEmulator({ models: {} }, { host })).rejects.toThrow(/`host`/);
    },
  );

  it('accepts loopback hosts and reports the URL it bound', async () => {
    const emulator = await startEmulator({ models: { '*': {} } }, { host: 'localhost' });
    expect(emulator.url).toMatch(/^http:\/\/(127\.0\.0\.1|\[::1\]):\d+$/);
    expect(emulator.baseURLs.openai).toBe(`${emulator.url}/v1`);
    await emulator.close();
  });

  it('rejects a bad port, key or scenario with a TypeError naming it', async () => {
    await expect(startEmulator({ models: {} }, { port: 70000 })).rejects.toThrow(/`port`/);
    await expect(startEmulator({ models: {} }, { apiKey: '' })).rejects.toThrow(/`apiKey`/);
    await expect(startEmulator({ models: { m: { ttft: -1 } } })).rejects.toThrow(/`models\.m\.ttft`/);
    await expect(
      startEmulator({ models: { m: { fault: [null, { kind: 'reset', afterTokens: -2 }] } } }),
    ).rejects.toThrow(/`models\.m\.fault\.1\.afterTokens`/);
  });
});

describe('scenario features over HTTP', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({
      seed: 11,
      timeScale: 0.05,
      models: {
        slow: { text: 'a b', ttft: 1000, headersDelay: 400 },
        cycle: { text: ['first', 'second'], fault: [null, { kind: 'status', status: 500 }] },
        fn: { text: (request) => `echo ${request.protocol} ${request.index} ${request.prompt}` },
        'llama3:latest': { text: 'tagged' },
        throws: {
          text: () => {
            throw new Error('script bug');
          },
        },
      },
    });
  });
  afterAll(() => emulator.close());

  it('timeScale scales headers delay and time to first token', async () => {
    const response = await postChat(emulator, 'openai', 'slow');
    await readAll(response);
    const record = emulator.stats().log.at(-1)!;
    // 400 ms × 0.05 = 20 ms to headers, 1000 ms × 0.05 = 50 ms to the first chunk (generous bounds).
    expect(record.headersAt! - record.startedAt).toBeGreaterThanOrEqual(18);
    expect(record.firstChunkAt! - record.startedAt).toBeGreaterThanOrEqual(48);
    expect(record.firstChunkAt! - record.startedAt).toBeLessThan(900);
  });

  it('text lists cycle and fault lists apply by request index', async () => {
    const texts: string[] = [];
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await postChat(emulator, 'ollama', 'cycle');
      statuses.push(response.status);
      texts.push(deltasOf('ollama', framesOf('ollama', (await readAll(response)).text)).join(''));
    }
    expect(statuses).toEqual([200, 500, 200]);
    expect(texts).toEqual(['first', '', 'first']);
  });

  it('text functions see the parsed request', async () => {
    const response = await postChat(emulator, 'anthropic', 'fn', { stream: false });
    expect(((await response.json()) as { content: { text: string }[] }).content[0]?.text).toBe(
      'echo anthropic 0 tell me something',
    );
  });

  it('a throwing script function answers a 500 that says why, and the server goes on', async () => {
    const response = await postChat(emulator, 'openai', 'throws');
    expect(response.status).toBe(500);
    expect(JSON.stringify(await response.json())).toContain('script bug');
    expect((await postChat(emulator, 'openai', 'fn', { stream: false })).status).toBe(200);
  });

  it('ollama model names match with or without :latest', async () => {
    const ollama = new Ollama({ host: emulator.baseURLs.ollama });
    const response = await ollama.chat({ model: 'llama3', messages: [{ role: 'user', content: 'x' }] });
    expect(response.message.content).toBe('tagged');
  });

  it('setScenario swaps scripts and restarts indexes; resetStats clears the counters', async () => {
    emulator.setScenario({
      models: { cycle: { text: ['again'], fault: [{ kind: 'status', status: 429 }] } },
    });
    const response = await postChat(emulator, 'openai', 'cycle');
    expect(response.status).toBe(429);
    await response.body?.cancel();
    expect(() => emulator.setScenario({ models: { x: { chunking: { kind: 'chars', size: 0 } } } })).toThrow(
      /`models\.x\.chunking\.size`/,
    );
    emulator.resetStats();
    expect(emulator.stats()).toEqual({
      totals: {
        requests: 0,
        completed: 0,
        faults: 0,
        tokensWritten: 0,
        bytesWritten: 0,
        clientsGone: 0,
        tokensAfterGone: 0,
        open: 0,
        rejected: 0,
      },
      models: {},
      log: [],
    });
  });

  it('emits request and end events with the record', async () => {
    emulator.setScenario({ models: { '*': { text: 'one two' } } });
    const events: string[] = [];
    const onRequest = (r: RequestRecord) => events.push(`request ${r.model} ${r.outcome}`);
    const onEnd = (r: RequestRecord) => events.push(`end ${r.model} ${r.outcome} ${r.tokensWritten}`);
    emulator.on('request', onRequest).on('end', onEnd);
    await readAll(await postChat(emulator, 'openai', 'evt'));
    await emulator.idle();
    emulator.off('request', onRequest).off('end', onEnd);
    expect(events).toEqual(['request evt open', 'end evt completed 2']);
  });
});
