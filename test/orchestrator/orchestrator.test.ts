/**
 * The orchestrator's own logic over a scripted pool: cascade launches, the quality threshold,
 * progress and variant events, per-call overrides, text agreement and option validation.
 */
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { ChorusConfigInput } from '../../src/config/schema.js';
import type { ConsensusProgress, ConsensusVariantEvent } from '../../src/decision.js';
import { ConfigError } from '../../src/errors.js';
import { LLMOrchestrator } from '../../src/orchestrator.js';
import type { Scorer } from '../../src/scorers/scorer.js';
import { type FakeScript, fakePool } from './fakePool.js';

const MATH = 'Ann has 5 bags of 8 marbles. How many marbles?';
const RIGHT = 'Ann has 5 x 8 = 40 marbles. The answer is 40.';
const WRONG = 'Ann has 5 + 8 = 13 marbles. The answer is 13.';

const config = (orchestration: object = {}): ChorusConfigInput => ({
  orchestration: {
    variations: { providers: ['pricey', 'cheap', 'mid'] },
    consensus: { method: 'majority', min_responses: 2, task: 'math' },
    ...orchestration,
  },
  providers: {
    pricey: { kind: 'openai', model: 'big', prices: { input: 10, output: 30 } },
    cheap: { kind: 'openai', model: 'small', prices: { input: 0.1, output: 0.4 } },
    mid: { kind: 'anthropic', model: 'medium', prices: { input: 1, output: 4 } },
  },
});

const chorusWith = (scripts: Record<string, FakeScript>, input = config(), options = {}) => {
  const pool = fakePool(scripts);
  return { pool, chorus: new LLMOrchestrator(input, { pool, cache: false, ...options }) };
};

describe('strategy = "cascade"', () => {
  const cascade = (extra: object = {}) => config({ strategy: 'cascade', ...extra });

  it('starts with the cheapest min_responses variants and stops there when they agree', async () => {
    const { pool, chorus } = chorusWith({ '*': { text: RIGHT } }, cascade());
    const decision = await chorus.run(MATH);
    expect(pool.launched).toEqual(['cheap:small#1', 'mid:medium#1']);
    expect(decision).toMatchObject({ stoppedBy: 'quorum', complexity: { level: 'simple' } });
    expect(decision.variants.map((v) => v.id)).toEqual(['cheap:small#1', 'mid:medium#1']);
  });

  it('escalates to the next variant while the first ones disagree', async () => {
    const { pool, chorus } = chorusWith(
      { cheap: { text: WRONG }, mid: { text: RIGHT, ttftMs: 20 }, pricey: { text: RIGHT } },
      cascade(),
    );
    const decision = await chorus.run(MATH);
    expect(pool.launched).toEqual(['cheap:small#1', 'mid:medium#1', 'pricey:big#1']);
    const escalated = decision.variants.find((v) => v.id === 'pricey:big#1')!;
    expect(escalated.origin).toBe('cascade');
    expect(['won', 'agreed']).toContain(escalated.outcome);
    expect(decision.variants.find((v) => v.id === 'cheap:small#1')?.outcome).toBe('lost');
    expect(decision).toMatchObject({ stoppedBy: 'quorum', quorum: { key: '40' } });
    expect(decision.notices).toContainEqual(
      expect.objectContaining({ type: 'launch', origin: 'cascade', variant: 'pricey:big#1' }),
    );
  });

  it('runs the whole plan at once for a complex prompt', async () => {
    const { pool, chorus } = chorusWith({ '*': { text: RIGHT } }, cascade());
    const hard =
      'Design a thread-safe rate limiter in Rust. It must handle bursts exactly, explain why each ' +
      'design choice is safe, analyze the trade-offs, prove the bound, and cover edge cases:\n' +
      '1. clock skew\n2. overflow\n3. fairness\n```rust\nfn main() {}\n```';
    const decision = await chorus.run(hard, { task: 'code' });
    expect(decision.complexity.level).toBe('complex');
    expect(pool.launched.slice(0, 3).sort()).toEqual(['cheap:small#1', 'mid:medium#1', 'pricey:big#1']);
  });
});

describe('quality_threshold', () => {
  const marker: Scorer<{ best: boolean }> = {
    name: 'marker',
    version: '1',
    init: () => ({ best: false }),
    feed: (s, delta) => ({ best: s.best || delta.includes('!') }),
    score: (s) => (s.best ? 1 : 0.2),
  };

  it('decides at once when a finished answer scores high enough, cancelling the rest', async () => {
    const { pool, chorus } = chorusWith(
      {
        cheap: { text: 'The answer is 40!' },
        mid: { text: RIGHT, ttftMs: 200 },
        pricey: { text: RIGHT, ttftMs: 200 },
      },
      config({ consensus: { method: 'majority', min_responses: 2, task: 'math', quality_threshold: 0.9 } }),
      { scorers: [marker] },
    );
    const decision = await chorus.run(MATH);
    expect(decision).toMatchObject({
      stoppedBy: 'quality',
      winner: 'cheap:small#1',
      text: 'The answer is 40!',
      confidence: 1,
      noConsensus: false,
    });
    expect(pool.cancelled.sort()).toEqual(['mid:medium#1', 'pricey:big#1']);
    expect(decision.variants.filter((v) => v.outcome === 'cancelled')).toHaveLength(2);
    // Cancelled variants are billed (estimated) before the decision is built.
    expect(decision.cost.total.records).toBe(3);
  });
});

describe('events', () => {
  it('streams variant changes at once and throttled progress rows, then one decision', async () => {
    const { chorus } = chorusWith(
      {
        cheap: { text: RIGHT.repeat(3), everyMs: 3, chunk: 2 },
        mid: { text: RIGHT.repeat(3), everyMs: 3, chunk: 2, ttftMs: 30 },
        pricey: { text: WRONG.repeat(20), everyMs: 3, chunk: 2 },
      },
      config(),
      { progressMs: 40 },
    );
    const events = await lastValueFrom(chorus.stream(MATH).pipe(toArray()));
    const last = events.at(-1)!;
    expect(last.type).toBe('decision');
    const changes = events.filter((e): e is ConsensusVariantEvent => e.type === 'variant');
    expect(changes.filter((e) => e.change === 'launched').map((e) => e.variant.id)).toEqual([
      'pricey:big#1',
      'cheap:small#1',
      'mid:medium#1',
    ]);
    expect(
      changes
        .filter((e) => e.change === 'finished')
        .map((e) => e.variant.id)
        .sort(),
    ).toEqual(['cheap:small#1', 'mid:medium#1']);
    const progress = events.filter((e): e is ConsensusProgress => e.type === 'progress');
    // Text arrives every 3 ms for ~500 ms; throttled to 40 ms that is far fewer events.
    const deltas = events.length;
    expect(progress.length).toBeLessThan(40);
    expect(deltas).toBeLessThan(80);
    const row = progress.at(-1)!.variants.find((v) => v.id === 'pricey:big#1')!;
    expect(row).toMatchObject({ provider: 'pricey', model: 'big', state: 'streaming', origin: 'plan' });
    expect(row.chars).toBeGreaterThan(0);
    expect(row.tokens).toBeGreaterThan(0);
    expect(row.tokensPerSecond).toBeGreaterThan(0);
    expect(progress.some((p) => p.agreeing === 1 && p.leader !== undefined)).toBe(true);
    expect(progress.every((p) => p.quorum === 2)).toBe(true);
  });
});

describe('per-call options', () => {
  it('applies config overrides for one call, validated like the file', async () => {
    const { chorus } = chorusWith({ '*': { text: RIGHT } });
    const decision = await chorus.run(MATH, {
      overrides: { orchestration: { consensus: { method: 'quality_weighted', min_responses: 3 } } },
    });
    expect(decision.method).toBe('quality_weighted');
    expect(decision.quorum.required).toBe(3);
    const bad = await chorus
      .run(MATH, { overrides: { orchestration: { consensus: { method: 'majorty' } } } as never })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ConfigError);
    expect((bad as ConfigError).path).toBe('orchestration.consensus.method');
    expect((await chorus.run(MATH)).method).toBe('majority');
  });

  it('detects the task with `auto` and votes on free text by similarity', async () => {
    const { chorus } = chorusWith(
      {
        cheap: { text: 'Paris is the capital of France.' },
        mid: { text: 'The capital of France is Paris.' },
        pricey: { text: 'Paris is the capital city of France.', ttftMs: 40 },
      },
      config({ consensus: { method: 'majority', min_responses: 2, task: 'auto' } }),
      { textAgreement: 0.5 },
    );
    const decision = await chorus.run('Name the capital of France in one sentence.');
    expect(decision.task).toBe('text');
    expect(decision.stoppedBy).toBe('quorum');
    expect(decision.text).toContain('Paris');
  });

  it('accepts chat messages', async () => {
    const { chorus } = chorusWith({ '*': { text: RIGHT } });
    const decision = await chorus.run({
      messages: [
        { role: 'system', content: 'Answer with a number.' },
        { role: 'user', content: MATH },
      ],
    });
    expect(decision.quorum.key).toBe('40');
  });
});

describe('validation', () => {
  it('validates the config and the options where they are written', () => {
    expect(() => new LLMOrchestrator({ orchestration: { timeout_seconds: 0 } })).toThrow(ConfigError);
    const pool = fakePool({});
    expect(() => new LLMOrchestrator(config(), { pool, progressMs: -1 })).toThrow(/`progressMs`/);
    expect(() => new LLMOrchestrator(config(), { pool, textAgreement: 2 })).toThrow(/`textAgreement`/);
    expect(() => new LLMOrchestrator(config(), { pool: {} as never })).toThrow(/`pool`/);
    const chorus = new LLMOrchestrator(config(), { pool });
    expect(() => chorus.stream('')).not.toThrow(); // cold: nothing happens before subscribing
  });

  it('rejects a malformed prompt or task', async () => {
    const { chorus } = chorusWith({ '*': { text: RIGHT } });
    await expect(chorus.run('  ')).rejects.toThrow(/`prompt`/);
    await expect(chorus.run({ messages: [{ role: 'robot', content: 'x' }] } as never)).rejects.toThrow(
      /prompt\.messages\[0\]/,
    );
    await expect(chorus.run(MATH, { task: 'poetry' as never })).rejects.toThrow(/`options.task`/);
  });
});
