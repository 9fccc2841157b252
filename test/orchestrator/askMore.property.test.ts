/**
 * Raising `confidence_threshold` never turns "no consensus" into a decision, with
 * `on_low_confidence = "ask"` as with `"flag"`: checked over random answers on a scripted pool.
 * The quorum is the whole plan, so the first phase sees the same answers at every threshold (a
 * smaller quorum lets a higher threshold wait for more answers, which is the quorum's own rule).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChorusConfigInput } from '../../src/config/schema.js';
import { LLMOrchestrator } from '../../src/orchestrator.js';
import type { Scorer } from '../../src/scorers/scorer.js';
import { fakePool } from './fakePool.js';

const PROMPT = 'Ann has 5 bags of 8 marbles. How many marbles?';
const flat: Scorer<null> = { name: 'flat', version: '1', init: () => null, feed: (s) => s, score: () => 0.5 };

const answerText = (n: number): string => `So 5 x 8 = ${n}. The answer is ${n}.`;

async function decide(
  answers: readonly number[],
  method: 'majority' | 'quality_weighted' | 'confidence',
  onLow: 'flag' | 'ask',
  threshold: number,
  maxExtra: number,
) {
  const [a, b, c] = answers;
  const pool = fakePool({
    a: { text: answerText(a!), ttftMs: 2 },
    b: { text: answerText(b!), ttftMs: 6 },
    c: { text: answerText(c!), ttftMs: 10 },
  });
  const input: ChorusConfigInput = {
    orchestration: {
      max_providers: 3,
      // Six combinations, three planned: the other three are the extra variants, in order.
      variations: { providers: ['a', 'b', 'c'], temperature: [0.2, 0.8] },
      consensus: {
        method,
        task: 'math',
        min_responses: 3,
        confidence_threshold: threshold,
        on_low_confidence: onLow,
        max_extra_variants: maxExtra,
      },
    },
    providers: { a: { kind: 'openai' }, b: { kind: 'openai' }, c: { kind: 'openai' } },
  };
  const chorus = new LLMOrchestrator(input, { pool, cache: false, scorers: [flat] });
  return chorus.run(PROMPT);
}

describe('confidence_threshold with on_low_confidence', () => {
  it('is monotone: a higher threshold never decides where a lower one found no consensus', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(40, 41, 42), { minLength: 3, maxLength: 3 }),
        fc.constantFrom('majority' as const, 'quality_weighted' as const, 'confidence' as const),
        fc.constantFrom('ask' as const, 'ask' as const, 'ask' as const, 'flag' as const),
        fc.integer({ min: 0, max: 2 }),
        // Thresholds around the vote shares three to five answers can give, where it matters.
        fc.constantFrom(0, 0.3, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.9, 1),
        fc.constantFrom(0, 0.3, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.9, 1),
        async (answers, method, onLow, maxExtra, x, y) => {
          const [low, high] = x <= y ? [x, y] : [y, x];
          const atLow = await decide(answers, method, onLow, low, maxExtra);
          const atHigh = await decide(answers, method, onLow, high, maxExtra);
          if (atLow.noConsensus) expect(atHigh.noConsensus).toBe(true);
          // What was asked is what the threshold asked for, never more than allowed.
          for (const d of [atLow, atHigh]) {
            expect(d.asked === undefined || onLow === 'ask').toBe(true);
            expect(d.asked?.launched.length ?? 0).toBeLessThanOrEqual(maxExtra);
            expect(d.variants.filter((v) => v.origin === 'extra').length).toBe(d.asked?.launched.length ?? 0);
          }
        },
      ),
      { numRuns: 60 },
    );
  }, 60_000);

  it('asks when no quorum was reached, and the extra answers can make one', async () => {
    // 41, 42, 42 with a quorum of 3: no quorum; the extras (a, b, c at 0.8) say 41, 42, 42.
    const flagged = await decide([41, 42, 42], 'majority', 'flag', 0.5, 2);
    expect(flagged).toMatchObject({ noConsensus: true, stoppedBy: 'exhausted' });
    const asked = await decide([41, 42, 42], 'majority', 'ask', 0.5, 2);
    expect(asked.asked).toMatchObject({ launched: ['a:gpt-4o-mini@t0.8#1', 'b:gpt-4o-mini@t0.2#1'] });
    // 42 now has 3 of 5: a quorum of 3, and 0.6 ≥ 0.5.
    expect(asked).toMatchObject({
      noConsensus: false,
      stoppedBy: 'quorum',
      quorum: { reached: true, key: '42' },
    });
    expect(asked.reason).toMatch(/^no quorum of 3: asked for 2 more variants; /);
  });
});
