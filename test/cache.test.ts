import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDecisionCache, type DecisionKeyInput, decisionCacheKey, normalizeText } from '../src/cache.js';
import { expandVariants } from '../src/variation.js';

/** A run whose settlement the test controls. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('createDecisionCache', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a miss runs, a hit does not', async () => {
    const cache = createDecisionCache<string>({ ttlMs: 60_000, maxSize: 10 });
    const run = vi.fn(async () => 'decided');
    expect(await cache.getOrRun('k', run)).toBe('decided');
    expect(await cache.getOrRun('k', run)).toBe('decided');
    expect(run).toHaveBeenCalledTimes(1);
    expect(cache.stats).toEqual({ hits: 1, misses: 1, joins: 0, inflight: 0, size: 1 });
    expect(cache.size).toBe(1);
    expect(cache.peek('k')).toBe('decided');
  });

  it('results expire after ttlMs (quick-lru maxAge on Date.now, faked here)', async () => {
    const cache = createDecisionCache<number>({ ttlMs: 1_000, maxSize: 10 });
    let n = 0;
    const run = async () => ++n;
    expect(await cache.getOrRun('k', run)).toBe(1);
    vi.advanceTimersByTime(999);
    expect(await cache.getOrRun('k', run)).toBe(1);
    vi.advanceTimersByTime(1);
    expect(cache.peek('k')).toBeUndefined();
    expect(await cache.getOrRun('k', run)).toBe(2);
    expect(cache.stats).toMatchObject({ hits: 1, misses: 2 });
  });

  it('ttlMs Infinity never expires', async () => {
    const cache = createDecisionCache<number>({ ttlMs: Number.POSITIVE_INFINITY, maxSize: 10 });
    await cache.getOrRun('k', async () => 1);
    vi.advanceTimersByTime(365 * 24 * 3_600_000);
    expect(cache.peek('k')).toBe(1);
  });

  it('single-flight: concurrent identical calls share one run', async () => {
    const cache = createDecisionCache<string>({ ttlMs: 60_000, maxSize: 10 });
    const gate = deferred<string>();
    const run = vi.fn(() => gate.promise);
    const calls = Array.from({ length: 5 }, () => cache.getOrRun('k', run));
    expect(cache.stats).toMatchObject({ misses: 1, joins: 4, inflight: 1, size: 0 });
    gate.resolve('shared');
    expect(await Promise.all(calls)).toEqual(Array(5).fill('shared'));
    expect(run).toHaveBeenCalledTimes(1);
    expect(cache.stats).toMatchObject({ inflight: 0, size: 1 });
  });

  it('a failing run is not cached and all its waiters get the error', async () => {
    const cache = createDecisionCache<string>({ ttlMs: 60_000, maxSize: 10 });
    const gate = deferred<string>();
    const boom = new Error('provider down');
    const calls = [cache.getOrRun('k', () => gate.promise), cache.getOrRun('k', () => gate.promise)];
    gate.reject(boom);
    for (const call of calls) await expect(call).rejects.toBe(boom);
    expect(cache.stats).toMatchObject({ inflight: 0, size: 0 });
    expect(await cache.getOrRun('k', async () => 'recovered')).toBe('recovered');
  });

  it('a run that throws synchronously rejects and is not cached', async () => {
    const cache = createDecisionCache<string>({ ttlMs: 60_000, maxSize: 10 });
    await expect(
      cache.getOrRun('k', () => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    expect(cache.stats).toMatchObject({ inflight: 0, size: 0 });
  });

  it('stores only results the predicate accepts', async () => {
    const cache = createDecisionCache<{ decided: boolean }>({
      ttlMs: 60_000,
      maxSize: 10,
      cacheable: (r) => r.decided,
    });
    const undecided = vi.fn(async () => ({ decided: false }));
    await cache.getOrRun('k', undecided);
    await cache.getOrRun('k', undecided);
    expect(undecided).toHaveBeenCalledTimes(2);
    expect(cache.size).toBe(0);
    await cache.getOrRun('k', async () => ({ decided: true }));
    expect(cache.size).toBe(1);
  });

  it('ttlMs 0 stores nothing but still shares runs in flight', async () => {
    const cache = createDecisionCache<number>({ ttlMs: 0, maxSize: 10 });
    const gate = deferred<number>();
    const run = vi.fn(() => gate.promise);
    const both = Promise.all([cache.getOrRun('k', run), cache.getOrRun('k', run)]);
    gate.resolve(7);
    expect(await both).toEqual([7, 7]);
    expect(run).toHaveBeenCalledTimes(1);
    expect(cache.size).toBe(0);
  });

  it('LRU bound, allowing for quick-lru’s two generations', async () => {
    const maxSize = 3;
    const cache = createDecisionCache<number>({ ttlMs: 60_000, maxSize });
    const keys = Array.from({ length: 2 * maxSize + 1 }, (_, i) => `k${i}`);
    for (const [i, key] of keys.entries()) await cache.getOrRun(key, async () => i);
    // The oldest is gone once 2 × maxSize newer keys were stored; the newest maxSize always stay.
    expect(cache.peek('k0')).toBeUndefined();
    for (const key of keys.slice(-maxSize)) expect(cache.peek(key)).toBeDefined();
    const held = keys.filter((k) => cache.peek(k) !== undefined).length;
    expect(held).toBeLessThanOrEqual(2 * maxSize);
    expect(cache.size).toBeLessThanOrEqual(maxSize);
  });

  it('a hit refreshes recency', async () => {
    const cache = createDecisionCache<number>({ ttlMs: 60_000, maxSize: 2 });
    await cache.getOrRun('a', async () => 1);
    await cache.getOrRun('b', async () => 2);
    for (let i = 0; i < 4; i++) {
      await cache.getOrRun('a', async () => -1); // keep `a` recent
      await cache.getOrRun(`x${i}`, async () => i);
    }
    expect(cache.peek('a')).toBe(1);
    expect(cache.peek('b')).toBeUndefined();
  });

  it('delete and clear', async () => {
    const cache = createDecisionCache<number>({ ttlMs: 60_000, maxSize: 10 });
    await cache.getOrRun('a', async () => 1);
    await cache.getOrRun('b', async () => 2);
    expect(cache.delete('a')).toBe(true);
    expect(cache.size).toBe(1);
    cache.clear();
    expect(cache.size).toBe(0);
  });

  describe('abort', () => {
    it('a caller that aborts stops waiting; the others still get the result', async () => {
      const cache = createDecisionCache<string>({ ttlMs: 60_000, maxSize: 10 });
      const gate = deferred<string>();
      let runSignal: AbortSignal | undefined;
      const run = (signal: AbortSignal) => {
        runSignal = signal;
        return gate.promise;
      };
      const leaving = new AbortController();
      const first = cache.getOrRun('k', run, { signal: leaving.signal });
      const second = cache.getOrRun('k', run);
      leaving.abort(new Error('user left'));
      await expect(first).rejects.toThrow('user left');
      expect(runSignal!.aborted).toBe(false);
      gate.resolve('done');
      expect(await second).toBe('done');
      expect(cache.size).toBe(1);
    });

    it('the run is aborted when every caller has left, and its key is free again', async () => {
      const cache = createDecisionCache<string>({ ttlMs: 60_000, maxSize: 10 });
      const gate = deferred<string>();
      let runSignal: AbortSignal | undefined;
      const a = new AbortController();
      const b = new AbortController();
      const calls = [a, b].map((c) =>
        cache.getOrRun(
          'k',
          (signal) => {
            runSignal = signal;
            return gate.promise;
          },
          { signal: c.signal },
        ),
      );
      a.abort();
      expect(runSignal!.aborted).toBe(false);
      b.abort();
      expect(runSignal!.aborted).toBe(true);
      for (const call of calls) await expect(call).rejects.toThrow();
      expect(cache.stats.inflight).toBe(0);
      gate.resolve('too late'); // the abandoned run finishing is not stored
      for (let i = 0; i < 10; i++) await Promise.resolve();
      expect(cache.peek('k')).toBeUndefined();
      expect(await cache.getOrRun('k', async () => 'fresh')).toBe('fresh');
    });

    it('an already aborted signal rejects at once without running', async () => {
      const cache = createDecisionCache<string>({ ttlMs: 60_000, maxSize: 10 });
      const run = vi.fn(async () => 'x');
      await expect(
        cache.getOrRun('k', run, { signal: AbortSignal.abort(new Error('gone')) }),
      ).rejects.toThrow('gone');
      expect(run).not.toHaveBeenCalled();
    });

    it('removes its abort listener once settled', async () => {
      const cache = createDecisionCache<string>({ ttlMs: 60_000, maxSize: 10 });
      const controller = new AbortController();
      const remove = vi.spyOn(controller.signal, 'removeEventListener');
      await cache.getOrRun('k', async () => 'x', { signal: controller.signal });
      expect(remove).toHaveBeenCalledWith('abort', expect.any(Function));
    });
  });

  it('rejects bad options with a TypeError naming the option', () => {
    expect(() => createDecisionCache({ ttlMs: -1, maxSize: 1 })).toThrow(/`ttlMs`/);
    expect(() => createDecisionCache({ ttlMs: 1, maxSize: 0 })).toThrow(/`maxSize`/);
    expect(() => createDecisionCache({ ttlMs: 1, maxSize: 1, cacheable: 3 as never })).toThrow(/`cacheable`/);
  });
});

describe('decisionCacheKey', () => {
  const CANARY = 'sk-canary-91b7d3e2aa';
  const plan = expandVariants({
    targets: [
      { provider: 'claude', kind: 'anthropic', model: 'claude-haiku-4-5' },
      { provider: 'openai', kind: 'openai', model: 'gpt-4o-mini' },
    ],
    temperature: [0.2, 0.8],
  });
  const base: DecisionKeyInput = {
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'What is 2 + 2?' },
    ],
    plan,
    consensus: { method: 'majority', min_responses: 2 },
    scorerVersions: { syntax: '1', answer: '2' },
  };
  const key = decisionCacheKey(base);

  it('is a sha256 hex digest, stable across calls', () => {
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(decisionCacheKey(structuredClone(base))).toBe(key);
  });

  it('does not depend on key order, whitespace runs, line endings or role case', () => {
    expect(
      decisionCacheKey({
        scorerVersions: [
          { name: 'answer', version: '2' },
          { name: 'syntax', version: '1' },
        ],
        consensus: { min_responses: 2, method: 'majority' },
        plan,
        messages: [
          { role: 'System', content: '  Be   brief.\r\n\r\n' },
          { role: 'user', content: 'What  is\t2 + 2?   ' },
        ],
      }),
    ).toBe(key);
  });

  it('changes with what matters', () => {
    const variants: DecisionKeyInput[] = [
      { ...base, messages: [{ role: 'user', content: 'What is 2 + 3?' }] },
      { ...base, plan: plan.slice(1) },
      { ...base, consensus: { method: 'tournament', min_responses: 2 } },
      { ...base, consensus: { method: 'tournament', min_responses: 2, judge: 'claude' } },
      { ...base, consensus: { method: 'hybrid_merge', min_responses: 2, fuser: 'openai' } },
      {
        ...base,
        consensus: { method: 'majority', min_responses: 2, on_low_confidence: 'ask', max_extra_variants: 2 },
      },
      { ...base, scorerVersions: { syntax: '2', answer: '2' } },
      { ...base, namespace: 'tenant-a' },
      { ...base, maxTokens: 64 },
      { ...base, strategy: 'cascade' },
    ];
    const keys = new Set([key, ...variants.map(decisionCacheKey)]);
    expect(keys.size).toBe(variants.length + 1);
  });

  it('never includes API keys, headers or other fields', () => {
    const withSecrets = {
      ...base,
      messages: [
        { role: 'system', content: 'Be brief.', headers: { authorization: `Bearer ${CANARY}` } },
        { role: 'user', content: 'What is 2 + 2?' },
      ],
      plan: plan.map((v) => ({ ...v, apiKey: CANARY, baseURL: 'https://x' })),
      consensus: { method: 'majority' as const, min_responses: 2, api_key: CANARY },
      apiKey: CANARY,
    } as DecisionKeyInput;
    expect(decisionCacheKey(withSecrets)).toBe(key);
  });

  it('cache.keyFor uses the cache’s namespace unless given one', () => {
    const cache = createDecisionCache<string>({ ttlMs: 1, maxSize: 1, namespace: 'tenant-a' });
    expect(cache.keyFor(base)).toBe(decisionCacheKey({ ...base, namespace: 'tenant-a' }));
    expect(cache.keyFor({ ...base, namespace: 'tenant-b' })).toBe(
      decisionCacheKey({ ...base, namespace: 'tenant-b' }),
    );
    expect(cache.keyFor(base)).not.toBe(key);
  });

  it('non-text content parts enter by hash', () => {
    const image = (data: string) =>
      decisionCacheKey({ ...base, messages: [{ role: 'user', content: [{ type: 'image', data }] }] });
    expect(image('AAAA')).not.toBe(image('BBBB'));
    expect(
      decisionCacheKey({
        ...base,
        messages: [{ role: 'user', content: [{ type: 'text', text: 'hi  there' }] }],
      }),
    ).toBe(decisionCacheKey({ ...base, messages: [{ role: 'user', content: 'hi there' }] }));
  });
});

describe('normalizeText', () => {
  it('keeps relative indentation (meaning in code prompts)', () => {
    expect(normalizeText('    def f():\n        return  1\n')).toBe('def f():\n    return 1');
    expect(normalizeText('def f():\n  return 1')).not.toBe(normalizeText('def f():\n    return 1'));
  });

  it('collapses blank-line runs and trims', () => {
    expect(normalizeText('\n\n a\n\n\n\n b  \n\n')).toBe('a\n\nb');
    expect(normalizeText(' a\nb')).toBe(' a\nb'); // not a shared indent: kept
    expect(normalizeText('e\u0301')).toBe('\u00e9');
  });
});
