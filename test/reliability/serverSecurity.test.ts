/**
 * Issue 9, part 5, for `serve` (the server's own tests cover the env key in answers and a 401
 * upstream, the 413, the loopback Host check and the refusal to listen off loopback without a
 * token): a canary key written in the config (`api_key`) never reaches a client, whether the
 * consensus succeeds, times out or fails upstream; the server's 401 never echoes the token a client
 * sent; and the bearer token is compared in constant time, whatever the length of what was sent
 * (both sides are hashed and `timingSafeEqual` always compares two 32-byte digests).
 */
import type * as crypto from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { validateConfig } from '../../src/config/validateConfig.js';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { LLMOrchestrator } from '../../src/orchestrator.js';
import { type ChorusServer, createChorusServer } from '../../src/server/createChorusServer.js';

const spy = vi.hoisted(() => ({ calls: [] as [number, number][] }));
vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof crypto>();
  return {
    ...original,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      spy.calls.push([a.byteLength, b.byteLength]);
      return original.timingSafeEqual(a, b);
    },
  };
});

const CANARY = 'sk-canary-srv-3c4d5e6f7a8b9c0d1e2f3a4b';
const OTHER = 'sk-canary-srv-expected-9f8e7d6c5b4a';
const TOKEN = 'chorus-token-0123456789abcdef';
const NEEDLES = [CANARY, CANARY.slice(10, 30), OTHER, OTHER.slice(10, 30)];

let good: Emulator;
let wrongKey: Emulator;
/** Without `apiKey`: it compares no key, so every `timingSafeEqual` call is the server's. */
let open: Emulator;
const servers: ChorusServer[] = [];

beforeAll(async () => {
  const models = {
    '*': { text: 'Six times seven is 42. The answer is 42.', ttft: 2, interToken: 1 },
  };
  good = await startEmulator({ seed: 1, models }, { apiKey: CANARY });
  wrongKey = await startEmulator({ seed: 1, models }, { apiKey: OTHER });
  open = await startEmulator({ seed: 1, models });
});
afterAll(async () => {
  for (const server of servers) await server.close();
  await Promise.all([good.close(), wrongKey.close(), open.close()]);
});
beforeEach(() => {
  spy.calls.length = 0;
});

/** A server whose three providers carry the canary as a literal `api_key`, pointed at `at`. */
async function serve(at: Emulator, token?: string): Promise<string> {
  const provider = (kind: 'openai' | 'anthropic' | 'ollama') => ({
    kind,
    model: 'm',
    base_url: at.baseURLs[kind],
    api_key: CANARY,
    retries: { max_attempts: 1 },
  });
  const config = validateConfig({
    orchestration: {
      max_providers: 3,
      variations: { providers: ['a', 'b', 'c'] },
      consensus: { min_responses: 2, task: 'math' },
    },
    providers: { a: provider('openai'), b: provider('anthropic'), c: provider('ollama') },
  });
  const chorus = new LLMOrchestrator(config, { cache: false });
  const server = createChorusServer({
    orchestrator: chorus,
    port: 0,
    ...(token !== undefined && { token }),
    profiles: {
      chorus: {},
      // Every variant slower than the whole decision may take: a timeout.
      hurried: { overrides: { orchestration: { timeout_seconds: 0.15 } } },
    },
  });
  servers.push(server);
  return server.listen();
}

async function ask(
  url: string,
  options: { model?: string; stream?: boolean; authorization?: string; content?: string } = {},
) {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.authorization !== undefined && { authorization: options.authorization }),
    },
    body: JSON.stringify({
      model: options.model ?? 'chorus',
      stream: options.stream ?? false,
      messages: [{ role: 'user', content: options.content ?? 'What is 6 * 7?' }],
    }),
  });
  return { status: response.status, body: await response.text(), headers: [...response.headers].join('\n') };
}

function expectClean(what: string, text: string): void {
  for (const needle of NEEDLES) expect(text.includes(needle), `${what} contains a secret`).toBe(false);
}

describe('serve: a key written in the config never reaches a client', () => {
  it('in answers, streamed or not, decided or timed out', async () => {
    const url = await serve(good);
    for (const stream of [false, true]) {
      const ok = await ask(url, { stream });
      expect(ok.status).toBe(200);
      expect(ok.body).toContain('42');
      expectClean(`answer (stream ${stream})`, ok.body + ok.headers);
    }
    // The slow model with a 0.15 s budget: no variant finishes (a partial answer or an error).
    good.setScenario({ seed: 1, models: { '*': { text: 'The answer is 42.', ttft: 400, interToken: 5 } } });
    try {
      for (const stream of [false, true]) {
        const late = await ask(url, { model: 'hurried', stream });
        expect([200, 502, 504]).toContain(late.status);
        expectClean(`timeout (stream ${stream})`, late.body + late.headers);
      }
    } finally {
      good.setScenario({
        seed: 1,
        models: { '*': { text: 'Six times seven is 42. The answer is 42.', ttft: 2, interToken: 1 } },
      });
    }
    // The key was really used: the emulator only answers requests that carry it.
    expect(good.stats().totals.rejected).toBe(0);
  });

  it('in the error after every provider refused the key (401 upstream)', async () => {
    const url = await serve(wrongKey);
    for (const stream of [false, true]) {
      const failed = await ask(url, { stream });
      expect(failed.status).toBe(stream ? 200 : 502);
      expect(failed.body).toMatch(/no_answer|auth/);
      expectClean(`upstream 401 (stream ${stream})`, failed.body + failed.headers);
    }
    expect(wrongKey.stats().totals.rejected).toBeGreaterThanOrEqual(3);
  });
});

describe('serve: the bearer token', () => {
  it('a 401 never echoes the token sent', async () => {
    const url = await serve(good, TOKEN);
    const refused = await ask(url, { authorization: `Bearer ${CANARY}` });
    expect(refused.status).toBe(401);
    expectClean('401 body', refused.body + refused.headers);
    expect(refused.body).not.toContain(TOKEN);
  });

  it('is compared in constant time: always two SHA-256 digests, whatever was sent', async () => {
    const url = await serve(open, TOKEN);
    const attempts: [string, string | undefined, number][] = [
      ['no header', undefined, 401],
      ['empty', 'Bearer ', 401],
      ['one character', 'Bearer x', 401],
      ['all but the last character', `Bearer ${TOKEN.slice(0, -1)}`, 401],
      ['one character more', `Bearer ${TOKEN}x`, 401],
      ['same length, last character wrong', `Bearer ${TOKEN.slice(0, -1)}X`, 401],
      ['ten kilobytes', `Bearer ${'a'.repeat(10_240)}`, 401],
      ['another scheme', `Basic ${TOKEN}`, 401],
      ['the token', `Bearer ${TOKEN}`, 200],
      ['the token, lower-case scheme', `bearer ${TOKEN}`, 200],
    ];
    for (const [what, authorization, status] of attempts) {
      spy.calls.length = 0;
      const response = await ask(url, authorization === undefined ? {} : { authorization });
      expect(response.status, what).toBe(status);
      expect(spy.calls, what).toEqual([[32, 32]]);
    }
  });
});
