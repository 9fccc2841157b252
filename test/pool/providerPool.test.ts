import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type EmulatedRequest, type Emulator, startEmulator } from '../../src/emulator/index.js';
import { ProviderError } from '../../src/errors.js';
import { createProviderPool } from '../../src/pool/providerPool.js';
import { delay, poolConfig, REQUEST, recorder, run, specOn, until } from './poolHarness.js';

const TEXT = 'Hello there, general.';
let emulator: Emulator;
const bodies: Record<string, unknown>[] = [];
const scenario = {
  models: {
    '*': {
      text: (request: EmulatedRequest) => {
        bodies.push(request.body);
        return TEXT;
      },
      usage: { input: 11, output: 4 },
    },
    slow: { text: TEXT, ttft: 150 },
  },
};

beforeAll(async () => {
  emulator = await startEmulator(scenario, { apiKey: 'test-key' });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.setScenario(scenario);
  emulator.resetStats();
  bodies.length = 0;
});

describe('createProviderPool: serving variants through the SDKs', () => {
  it.each(['a', 'b', 'c'] as const)(
    'serves a variant on provider %s: start names it, one usage record',
    async (p) => {
      const pool = createProviderPool(poolConfig(emulator));
      const rec = recorder();
      const spec = specOn(p, `${p}:${p}-model#1`);
      const result = await run(pool.variant(spec, REQUEST, rec.options));
      expect(result.text).toBe(TEXT);
      expect(result.events[0]).toMatchObject({
        type: 'start',
        variant: spec.id,
        provider: p,
        model: `${p}-model`,
      });
      expect(result.end).toMatchObject({ finish: 'stop', variant: spec.id });
      expect(result.events.filter((e) => e.type === 'start')).toHaveLength(1);
      expect(rec.usage).toEqual([
        {
          variant: spec.id,
          provider: p,
          model: `${p}-model`,
          kind: spec.kind,
          input: 11,
          output: 4,
          estimated: false,
        },
      ]);
      expect(rec.notices).toEqual([]);
      expect(emulator.stats().totals.requests).toBe(1);
    },
  );

  it('maps the spec and the request to each native body', async () => {
    const pool = createProviderPool(poolConfig(emulator, { a: { max_tokens: 77 } }));
    const params = { temperature: 0.3, topP: 0.9 };
    await run(pool.variant(specOn('a', 'a1', params), REQUEST));
    await run(pool.variant(specOn('b', 'b1', params), { ...REQUEST, maxTokens: 55 }));
    await run(pool.variant(specOn('c', 'c1', params), REQUEST));
    const [openai, anthropic, ollama] = bodies;
    expect(openai).toMatchObject({
      model: 'a-model',
      temperature: 0.3,
      top_p: 0.9,
      max_completion_tokens: 77,
      stream: true,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say hello to the general.' },
      ],
    });
    expect(anthropic).toMatchObject({
      model: 'b-model',
      system: 'Be brief.',
      max_tokens: 55,
      temperature: 0.3,
      messages: [{ role: 'user', content: 'Say hello to the general.' }],
    });
    expect(anthropic).not.toHaveProperty('top_p');
    expect(ollama).toMatchObject({
      model: 'c-model',
      options: { temperature: 0.3, top_p: 0.9, num_predict: 1024 },
    });
  });

  it('reads keys from the environment it is given', async () => {
    const config = poolConfig(emulator, { a: { api_key: undefined, api_key_env: 'EMU_KEY' } });
    const pool = createProviderPool(config, { env: { EMU_KEY: 'test-key' } });
    expect((await run(pool.variant(specOn('a'), REQUEST))).text).toBe(TEXT);
  });

  it('a missing key ends the variant with a typed auth error and sends nothing', async () => {
    const config = poolConfig(emulator, { a: { api_key: undefined, api_key_env: 'NOT_SET_ANYWHERE' } });
    const pool = createProviderPool(config, { env: {} });
    const rec = recorder();
    const result = await run(pool.variant(specOn('a'), REQUEST, rec.options));
    expect(result.events).toHaveLength(1);
    const error = result.end?.error;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ type: 'auth', provider: 'a', variant: 'a#1', isRetryable: false });
    expect(error?.message).toMatch(/NOT_SET_ANYWHERE/);
    const stats = emulator.stats().totals;
    expect(stats.requests + stats.rejected).toBe(0);
    expect(rec.usage).toEqual([]);
  });

  it('never shows a key in errors or notices (a wrong key: 401)', async () => {
    const config = poolConfig(emulator, { a: { api_key: 'sk-secret-wrong-key', fallback: ['c'] } });
    const pool = createProviderPool(config);
    const rec = recorder();
    const result = await run(pool.variant(specOn('a'), REQUEST, rec.options));
    expect(result.text).toBe(TEXT); // served by the fallback
    expect(rec.notices[0]).toMatchObject({
      type: 'fallback',
      from: 'a',
      to: 'c',
      error: { type: 'auth', status: 401 },
    });
    const shown =
      JSON.stringify(rec.notices) + String(rec.notices.map((n) => ('error' in n ? n.error.message : '')));
    expect(shown).not.toMatch(/sk-secret-wrong-key/);
  });

  it('holds max_concurrency: never more requests open than allowed, the rest wait', async () => {
    const pool = createProviderPool(poolConfig(emulator, { a: { max_concurrency: 2 } }));
    let open = 0;
    let peak = 0;
    const onRequest = () => {
      open += 1;
      peak = Math.max(peak, open);
    };
    const onEnd = () => {
      open -= 1;
    };
    emulator.on('request', onRequest).on('end', onEnd);
    try {
      const runs = [1, 2, 3, 4, 5].map((i) =>
        run(pool.variant(specOn('a', `a#${i}`, { model: 'slow' }), REQUEST)),
      );
      await until(() => pool.health().a!.inFlight === 2, 2000, 'two in flight');
      expect(pool.health().a).toMatchObject({ inFlight: 2, waiting: 3, state: 'closed' });
      const results = await Promise.all(runs);
      expect(results.map((r) => r.text)).toEqual([TEXT, TEXT, TEXT, TEXT, TEXT]);
      expect(peak).toBe(2);
      expect(pool.health().a).toMatchObject({ inFlight: 0, waiting: 0 });
      expect(pool.health().a!.ttftP95Ms).toBeGreaterThanOrEqual(140);
    } finally {
      emulator.off('request', onRequest).off('end', onEnd);
    }
  });

  it('fallbackSpec: the next untried provider of the chain, same parameters, its first model, a new id', () => {
    const pool = createProviderPool(poolConfig(emulator, { a: { fallback: ['b', 'c'] } }));
    const spec = specOn('a', 'a:a-model@t0.2#1', { temperature: 0.2 });
    expect(pool.fallbackSpec(spec, ['a'])).toEqual({
      id: 'a:a-model@t0.2#1>b:b-model',
      provider: 'b',
      kind: 'anthropic',
      model: 'b-model',
      temperature: 0.2,
      attempt: 1,
    });
    expect(pool.fallbackSpec(spec, ['a', 'b'])?.provider).toBe('c');
    expect(pool.fallbackSpec(spec, ['a', 'b', 'c'])).toBeUndefined();
    expect(pool.fallbackSpec(specOn('c'), [])).toBeUndefined();
  });

  it('rejects an unknown provider or a malformed request at once, naming it', () => {
    const pool = createProviderPool(poolConfig(emulator));
    expect(() => pool.variant(specOn('a', 'x', { provider: 'zzz' }), REQUEST)).toThrow(/`zzz`/);
    expect(() => pool.variant(specOn('a'), { messages: [{ role: 'robot', content: 'x' }] } as never)).toThrow(
      /`request\.messages\[0\]`/,
    );
    expect(() => pool.variant(specOn('a'), { ...REQUEST, maxTokens: 0 })).toThrow(/`request\.maxTokens`/);
    expect(() => createProviderPool(poolConfig(emulator), { clients: { nope: {} } })).toThrow(
      /`clients\.nope`/,
    );
  });

  it('sends nothing until subscribed (cold)', async () => {
    const pool = createProviderPool(poolConfig(emulator));
    pool.variant(specOn('a'), REQUEST);
    await delay(50);
    expect(emulator.stats().totals.requests).toBe(0);
  });
});
