/**
 * The OpenAI-compatible consensus server, driven by the official `openai` client (streamed and
 * not: the client parses every chunk) and by plain `fetch`, over a real LLMOrchestrator whose
 * providers are the emulator (one per protocol).
 */
import { request } from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/validateConfig.js';
import { type Emulator, type RequestRecord, startEmulator } from '../../src/emulator/index.js';
import { emulatorClients } from '../../src/orchestrator/emulatorClients.js';
import { LLMOrchestrator } from '../../src/orchestrator.js';
import { type ChorusServer, createChorusServer } from '../../src/server/createChorusServer.js';

const ANSWER = 'Seventeen times twenty-three: 17 * 23 = 391. The answer is 391.';
const TOKEN = 'test-token-0123456789abcdef';

let emulator: Emulator;
let chorus: LLMOrchestrator;
let open: ChorusServer;
let openUrl: string;
let guarded: ChorusServer;
let guardedUrl: string;

const config = validateConfig({
  orchestration: {
    max_providers: 3,
    variations: { providers: ['openai', 'anthropic', 'ollama'] },
    consensus: { min_responses: 2, task: 'math' },
  },
});

beforeAll(async () => {
  emulator = await startEmulator({
    seed: 5,
    models: {
      // The first two agree quickly; the third is slow and gets cancelled.
      'gpt-4o-mini': { text: ANSWER, ttft: 5, interToken: 1 },
      'claude-sonnet-4-5': { text: ANSWER, ttft: 10, interToken: 1 },
      'llama3.2': { text: `${'Let me think. '.repeat(200)}The answer is 390.`, ttft: 5, interToken: 5 },
      // For the disconnect test: nothing finishes for a long time.
      slow: { text: `${'slowly '.repeat(400)}391`, ttft: 50, interToken: 20 },
    },
  });
  chorus = new LLMOrchestrator(config, { clients: emulatorClients(config, emulator), env: {}, cache: false });
  const profiles = {
    chorus: { description: 'as configured' },
    slow: {
      overrides: {
        orchestration: { variations: { models: ['slow'] } },
      },
    },
  };
  open = createChorusServer({ orchestrator: chorus, profiles, port: 0, maxBodyBytes: 64 * 1024 });
  openUrl = await open.listen();
  guarded = createChorusServer({ orchestrator: chorus, port: 0, token: TOKEN });
  guardedUrl = await guarded.listen();
});

afterAll(async () => {
  await open?.close();
  await guarded?.close();
  await emulator?.close();
});

const messages = [{ role: 'user' as const, content: 'What is 17 * 23?' }];

describe('createChorusServer with the official openai client', () => {
  it('answers a non-streamed completion with the decided text and the consensus details', async () => {
    const client = new OpenAI({ apiKey: 'unused', baseURL: `${openUrl}/v1`, maxRetries: 0 });
    const completion = await client.chat.completions.create({ model: 'chorus', messages });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('chorus');
    expect(completion.choices).toHaveLength(1);
    expect(completion.choices[0]!.message.role).toBe('assistant');
    expect(completion.choices[0]!.message.content).toBe(ANSWER);
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    const details = (completion as unknown as { chorus: Record<string, unknown> }).chorus;
    expect(details['method']).toBe('majority');
    expect(details['noConsensus']).toBe(false);
    const variants = details['variants'] as { id: string; outcome: string; text?: string }[];
    expect(variants).toHaveLength(3);
    expect(variants.map((v) => v.outcome).sort()).toEqual(['agreed', 'cancelled', 'won']);
    // The answer is `content`; the variants' texts are not repeated in the details.
    expect(variants.every((v) => v.text === undefined)).toBe(true);
    expect(completion.usage!.total_tokens).toBe(
      completion.usage!.prompt_tokens + completion.usage!.completion_tokens,
    );
    expect(completion.usage!.completion_tokens).toBeGreaterThan(0);
  });

  it('streams the decided text as chunks the client parses, then the details, the usage and [DONE]', async () => {
    const client = new OpenAI({ apiKey: 'unused', baseURL: `${openUrl}/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'chorus',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let role: string | undefined;
    let finish: string | null = null;
    let details: Record<string, unknown> | undefined;
    let usage: OpenAI.CompletionUsage | null | undefined;
    let chunks = 0;
    const ids = new Set<string>();
    for await (const chunk of stream) {
      chunks++;
      ids.add(chunk.id);
      expect(chunk.object).toBe('chat.completion.chunk');
      const choice = chunk.choices[0];
      role ??= choice?.delta.role ?? undefined;
      text += choice?.delta.content ?? '';
      if (choice?.finish_reason) {
        finish = choice.finish_reason;
        details = (chunk as unknown as { chorus: Record<string, unknown> }).chorus;
      }
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(ANSWER);
    expect(role).toBe('assistant');
    expect(finish).toBe('stop');
    expect(details?.['winner']).toMatch(/^(openai|anthropic):/);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    expect(ids.size).toBe(1);
    // role chunk + at least two text chunks + finish chunk + usage chunk
    expect(chunks).toBeGreaterThanOrEqual(5);
  });

  it('lists the profiles as models, and refuses an unknown model with 404 model_not_found', async () => {
    const client = new OpenAI({ apiKey: 'unused', baseURL: `${openUrl}/v1`, maxRetries: 0 });
    const models = [];
    for await (const model of client.models.list()) models.push(model.id);
    expect(models).toEqual(['chorus', 'slow']);
    const error = await client.chat.completions.create({ model: 'gpt-5', messages }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
    expect((error as Error).message).toContain('`chorus`');
  });

  it('requires the bearer token when one is configured (client apiKey)', async () => {
    const wrong = new OpenAI({ apiKey: 'not-the-token', baseURL: `${guardedUrl}/v1`, maxRetries: 0 });
    const error = await wrong.chat.completions.create({ model: 'chorus', messages }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('invalid_api_key');
    const right = new OpenAI({ apiKey: TOKEN, baseURL: `${guardedUrl}/v1`, maxRetries: 0 });
    const completion = await right.chat.completions.create({ model: 'chorus', messages });
    expect(completion.choices[0]!.message.content).toBe(ANSWER);
  });
});

describe('createChorusServer over plain fetch', () => {
  const post = (url: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  const expectOpenAIError = async (response: Response, status: number, code: string) => {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/json');
    const body = (await response.json()) as { error: Record<string, unknown> };
    expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(body.error['code']).toBe(code);
    expect(typeof body.error['message']).toBe('string');
    return body.error;
  };

  it('a missing or wrong token gets 401 in OpenAI’s error shape; the right one passes', async () => {
    const body = JSON.stringify({ model: 'chorus', messages });
    const missing = await expectOpenAIError(await post(guardedUrl, body), 401, 'invalid_api_key');
    expect(missing['message']).toMatch(/Missing bearer token/);
    await expectOpenAIError(
      await post(guardedUrl, body, { authorization: `Bearer ${TOKEN}x` }),
      401,
      'invalid_api_key',
    );
    await expectOpenAIError(await post(guardedUrl, body, { authorization: TOKEN }), 401, 'invalid_api_key');
    const models = await fetch(`${guardedUrl}/v1/models`);
    expect(models.status).toBe(401);
    const ok = await post(guardedUrl, body, { authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
    const completion = (await ok.json()) as { choices: { message: { content: string } }[] };
    expect(completion.choices[0]!.message.content).toBe(ANSWER);
  });

  it('an oversized body gets 413, malformed ones 400, all in OpenAI’s error shape', async () => {
    const huge = JSON.stringify({
      model: 'chorus',
      messages: [{ role: 'user', content: 'x'.repeat(100_000) }],
    });
    await expectOpenAIError(await post(openUrl, huge), 413, 'request_too_large');
    await expectOpenAIError(await post(openUrl, '{"model": "chorus", '), 400, 'invalid_json');
    const noMessages = await expectOpenAIError(
      await post(openUrl, JSON.stringify({ model: 'chorus' })),
      400,
      'missing_required_parameter',
    );
    expect(noMessages['param']).toBe('messages');
    const n = await expectOpenAIError(
      await post(openUrl, JSON.stringify({ model: 'chorus', messages, n: 3 })),
      400,
      'unsupported_value',
    );
    expect(n['param']).toBe('n');
    const textPlain = await fetch(`${openUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ model: 'chorus', messages }),
    });
    await expectOpenAIError(textPlain, 415, 'unsupported_media_type');
    const wrongMethod = await fetch(`${openUrl}/v1/chat/completions`);
    await expectOpenAIError(wrongMethod, 405, 'method_not_allowed');
    await expectOpenAIError(await fetch(`${openUrl}/v2/anything`), 404, 'unknown_url');
  });

  it('without a token, answers only requests addressed to a loopback host (DNS rebinding)', async () => {
    const port = new URL(openUrl).port;
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/v1/models', headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await status('evil.example:80')).toBe(403);
    expect(await status(`localhost:${port}`)).toBe(200);
    expect(await status(`127.0.0.1:${port}`)).toBe(200);
    // With a token, any Host is fine once authenticated.
    const guardedPort = new URL(guardedUrl).port;
    const res = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: guardedPort,
          path: '/v1/models',
          headers: { host: 'chorus.internal', authorization: `Bearer ${TOKEN}` },
        },
        (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(res).toBe(200);
  });

  it('a client that disconnects mid-stream cancels the consensus: every upstream request goes away', async () => {
    const seen: RequestRecord[] = [];
    const gone: RequestRecord[] = [];
    const onRequest = (r: RequestRecord) => seen.push(r);
    const onGone = (r: RequestRecord) => gone.push(r);
    emulator.on('request', onRequest).on('gone', onGone);
    try {
      const controller = new AbortController();
      const pending = fetch(`${openUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'slow', messages, stream: true }),
        signal: controller.signal,
      });
      const streamed = await pending;
      expect(streamed.headers.get('content-type')).toContain('text/event-stream');
      const reader = streamed.body!.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      expect(first).toContain('"role":"assistant"');
      await waitFor(() => seen.filter((r) => r.model === 'slow').length === 3);
      controller.abort();
      await waitFor(() => gone.filter((r) => r.model === 'slow').length === 3);
      await emulator.idle();
      expect(emulator.stats().totals.open).toBe(0);
      expect(emulator.stats().totals.tokensAfterGone).toBe(0);
    } finally {
      emulator.off('request', onRequest).off('gone', onGone);
    }
  });
});

describe('createChorusServer options', () => {
  it('refuses to listen off loopback without a token of 16+ characters', () => {
    expect(() => createChorusServer({ orchestrator: chorus, host: '0.0.0.0' })).toThrow(
      /`token`.*not loopback/,
    );
    expect(() => createChorusServer({ orchestrator: chorus, host: '0.0.0.0', token: 'short' })).toThrow(
      /at least 16/,
    );
    expect(() => createChorusServer({ orchestrator: chorus, host: '::', token: TOKEN })).not.toThrow();
    expect(() => createChorusServer({ orchestrator: chorus, port: 70000 })).toThrow(/`port`/);
    expect(() => createChorusServer({ orchestrator: chorus, maxBodyBytes: 0 })).toThrow(/`maxBodyBytes`/);
  });
});

async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
