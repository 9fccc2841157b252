/**
 * The extra variants of `on_low_confidence = "ask"` live within the decision: they share what is
 * left of `timeout_seconds`, and an abort cancels them like any variant (scripted pool).
 */
import { describe, expect, it } from 'vitest';
import type { ChorusConfigInput } from '../../src/config/schema.js';
import { ChorusAbortError } from '../../src/orchestrator/chorusAbortError.js';
import { LLMOrchestrator } from '../../src/orchestrator.js';
import type { Scorer } from '../../src/scorers/scorer.js';
import { fakePool } from './fakePool.js';

const PROMPT = 'Ann has 5 bags of 8 marbles. How many marbles?';
const flat: Scorer<null> = { name: 'flat', version: '1', init: () => null, feed: (s) => s, score: () => 0.5 };
const say = (n: number): string => `So 5 x 8 = ${n}. The answer is ${n}.`;

// a, b, c disagree; d (the plan's continuation) is slow.
const scripts = {
  a: { text: say(40), ttftMs: 2 },
  b: { text: say(41), ttftMs: 4 },
  c: { text: say(42), ttftMs: 6 },
  d: { text: say(40), ttftMs: 5000 },
};

const config = (timeoutSeconds: number): ChorusConfigInput => ({
  orchestration: {
    timeout_seconds: timeoutSeconds,
    max_providers: 3,
    variations: { providers: ['a', 'b', 'c', 'd'] },
    consensus: {
      method: 'majority',
      task: 'math',
      min_responses: 2,
      on_low_confidence: 'ask',
      max_extra_variants: 1,
    },
  },
  providers: { a: { kind: 'openai' }, b: { kind: 'openai' }, c: { kind: 'openai' }, d: { kind: 'openai' } },
});

describe('on_low_confidence = "ask" and the decision’s limits', () => {
  it('cancels the extra variants at timeout_seconds and decides with what finished', async () => {
    const pool = fakePool(scripts);
    const chorus = new LLMOrchestrator(config(0.5), { pool, cache: false, scorers: [flat] });
    const started = performance.now();
    const decision = await chorus.run(PROMPT);
    expect(performance.now() - started).toBeLessThan(4000);
    expect(decision.asked?.launched).toEqual(['d:gpt-4o-mini#1']);
    expect(pool.cancelled).toEqual(['d:gpt-4o-mini#1']);
    expect(decision.variants.find((v) => v.id === 'd:gpt-4o-mini#1')).toMatchObject({
      origin: 'extra',
      outcome: 'cancelled',
    });
    expect(decision.notices).toContainEqual(expect.objectContaining({ type: 'timeout' }));
    expect(decision).toMatchObject({ noConsensus: true, stoppedBy: 'exhausted' });
    // The cancelled extra is billed before the decision is built.
    expect(pool.usage.filter((u) => u.variant === 'd:gpt-4o-mini#1')).toHaveLength(1);
  });

  it('an abort while the extra variants stream cancels them and rejects with the partials', async () => {
    const pool = fakePool(scripts);
    const chorus = new LLMOrchestrator(config(30), { pool, cache: false, scorers: [flat] });
    const controller = new AbortController();
    const error = await new Promise<unknown>((resolve) => {
      chorus.stream(PROMPT, { signal: controller.signal }).subscribe({
        next: (e) => {
          if (e.type === 'variant' && e.change === 'launched' && e.variant.origin === 'extra') {
            setTimeout(() => controller.abort(), 20);
          }
        },
        error: resolve,
      });
    });
    expect(error).toBeInstanceOf(ChorusAbortError);
    expect(pool.cancelled).toEqual(['d:gpt-4o-mini#1']);
    const extra = (error as ChorusAbortError).partials.variants.find((v) => v.origin === 'extra');
    expect(extra).toMatchObject({ id: 'd:gpt-4o-mini#1', outcome: 'cancelled' });
  });
});
