/**
 * `on_low_confidence = "ask"` through the real SDKs against the emulator: a decision less
 * confident than `confidence_threshold` launches up to `max_extra_variants` more variants (the
 * plan's continuation, within the budget) and decides again with them; the result says so.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChorusConfigInput } from '../../src/config/schema.js';
import { validateConfig } from '../../src/config/validateConfig.js';
import type { ConsensusEvent, Decision } from '../../src/decision.js';
import { type EmulatedRequest, type Emulator, startEmulator } from '../../src/emulator/index.js';
import { emulatorClients } from '../../src/orchestrator/emulatorClients.js';
import { LLMOrchestrator } from '../../src/orchestrator.js';

const PROMPT = 'Tom has 6 boxes of 7 apples. How many apples does he have?';

/** alpha at temperature 0.2 says 41; every other variant says 42. */
const answer = (request: EmulatedRequest): string =>
  request.model === 'alpha' && request.temperature === 0.2
    ? 'I think 6 x 7 = 41. The answer is 41.'
    : 'He has 6 x 7 = 42 apples. The answer is 42.';

const config = (consensus: object, orchestration: object = {}): ChorusConfigInput => ({
  orchestration: {
    timeout_seconds: 20,
    max_providers: 3,
    // The plan: a@0.2 (41), b@0.5 (42), a@0.5 (42); its continuation: b@0.8, a@0.8, b@0.2, …
    variations: { providers: ['a', 'b'], temperature: [0.2, 0.5, 0.8] },
    consensus: {
      method: 'majority',
      task: 'math',
      min_responses: 2,
      confidence_threshold: 0.8,
      ...consensus,
    },
    ...orchestration,
  },
  providers: {
    a: { kind: 'openai', model: 'alpha', prices: { input: 1, output: 2 }, retries: { max_attempts: 1 } },
    b: { kind: 'anthropic', model: 'beta', prices: { input: 1, output: 2 }, retries: { max_attempts: 1 } },
  },
});

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({
    models: {
      // Both alphas finish first (41 and 42: no quorum at 80 %), beta's 42 makes it 2 of 3.
      alpha: { text: answer, ttft: 5, interToken: 1 },
      beta: { text: answer, ttft: 60, interToken: 1 },
    },
  });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.resetStats());

const orchestrator = (input: ChorusConfigInput) => {
  const validated = validateConfig(input);
  return new LLMOrchestrator(validated, { clients: emulatorClients(validated, emulator), cache: false });
};

describe('on_low_confidence', () => {
  it('"flag" (the default) returns the best guess, flagged, with no more requests', async () => {
    const decision = await orchestrator(config({})).run(PROMPT);
    expect(decision).toMatchObject({ noConsensus: true, stoppedBy: 'exhausted', quorum: { reached: false } });
    expect(decision.confidence).toBeCloseTo(2 / 3, 6);
    expect(decision.asked).toBeUndefined();
    await emulator.idle();
    expect(emulator.stats().totals.requests).toBe(3);
  });

  it('"ask" launches max_extra_variants more variants and decides again with them', async () => {
    const chorus = orchestrator(config({ on_low_confidence: 'ask' }));
    const events: ConsensusEvent[] = [];
    const decision = await new Promise<Decision>((resolve, reject) => {
      chorus.stream(PROMPT).subscribe({
        next: (e) => {
          events.push(e);
          if (e.type === 'decision') resolve(e.decision);
        },
        error: reject,
      });
    });
    expect(decision.asked).toEqual({
      confidence: expect.closeTo(2 / 3, 6),
      winner: expect.any(String),
      launched: ['b:beta@t0.8#1', 'a:alpha@t0.8#1'],
    });
    // 4 of 5 now say 42: confident enough, and a quorum after all.
    expect(decision).toMatchObject({
      noConsensus: false,
      stoppedBy: 'quorum',
      quorum: { reached: true, agreeing: 4, key: '42' },
      text: expect.stringContaining('42'),
    });
    expect(decision.confidence).toBeCloseTo(0.8, 6);
    expect(decision.reason).toMatch(
      /^confidence 0\.67 < confidence_threshold 0\.8: asked for 2 more variants; /,
    );
    const extras = decision.variants.filter((v) => v.origin === 'extra');
    expect(extras.map((v) => [v.id, v.outcome === 'won' || v.outcome === 'agreed'])).toEqual([
      ['b:beta@t0.8#1', true],
      ['a:alpha@t0.8#1', true],
    ]);
    expect(decision.notices.filter((n) => n.type === 'launch').map((n) => n.variant)).toEqual([
      'b:beta@t0.8#1',
      'a:alpha@t0.8#1',
    ]);
    // They streamed like the others: launched, started, finished, and in the progress rows.
    const launched = events.flatMap((e) =>
      e.type === 'variant' && e.change === 'launched' ? [e.variant.id] : [],
    );
    expect(launched).toHaveLength(5);
    const last = events.filter((e) => e.type === 'progress').at(-1);
    expect(last?.type === 'progress' && last.variants.some((v) => v.origin === 'extra')).toBe(true);
    await emulator.idle();
    expect(emulator.stats().totals.requests).toBe(5);
  });

  it('"ask" still flags the decision when the extra answers do not help', async () => {
    const decision = await orchestrator(
      config({ on_low_confidence: 'ask', confidence_threshold: 0.9, max_extra_variants: 1 }),
    ).run(PROMPT);
    // 3 of 4 say 42: 0.75 < 0.9.
    expect(decision.asked?.launched).toEqual(['b:beta@t0.8#1']);
    expect(decision).toMatchObject({ noConsensus: true });
    expect(decision.confidence).toBeCloseTo(0.75, 6);
  });

  describe('within budget_usd', () => {
    // beta is expensive: the plan's one beta fits the budget, a second one does not.
    const pricey = (consensus: object): ChorusConfigInput => {
      const input = config(consensus, { budget_usd: 0.021, max_tokens: 100 });
      const providers = input.providers as Record<string, Record<string, unknown>>;
      providers['b'] = { ...providers['b'], prices: { input: 1, output: 200 } };
      return input;
    };

    it('skips an extra variant the budget cannot pay for and tries the next', async () => {
      const decision = await orchestrator(pricey({ on_low_confidence: 'ask' })).run(PROMPT);
      expect(decision.asked?.launched).toEqual(['a:alpha@t0.8#1']);
      const skipped = decision.variants.find((v) => v.id === 'b:beta@t0.8#1');
      expect(skipped).toMatchObject({ origin: 'extra', outcome: 'skipped', error: { type: 'budget' } });
      expect(decision.cost.usd!).toBeLessThanOrEqual(0.021);
      // 3 of 4 say 42: still below 0.8.
      expect(decision.noConsensus).toBe(true);
      await emulator.idle();
      expect(emulator.stats().totals.requests).toBe(4);
    });

    it('launches nothing when the budget allows none, and says so', async () => {
      const decision = await orchestrator(pricey({ on_low_confidence: 'ask', max_extra_variants: 1 })).run(
        PROMPT,
      );
      expect(decision.asked).toMatchObject({ launched: [] });
      expect(decision.reason).toContain('no more variants were launched (the budget allowed none)');
      expect(decision.noConsensus).toBe(true);
      await emulator.idle();
      expect(emulator.stats().totals.requests).toBe(3);
    });
  });

  it('"ask" with max_extra_variants = 0 asks for nothing', async () => {
    const decision = await orchestrator(config({ on_low_confidence: 'ask', max_extra_variants: 0 })).run(
      PROMPT,
    );
    expect(decision.asked).toMatchObject({ launched: [] });
    expect(decision.reason).toContain('max_extra_variants is 0');
    expect(decision.noConsensus).toBe(true);
  });

  it('is not asked when the decision is confident enough', async () => {
    const decision = await orchestrator(config({ on_low_confidence: 'ask', confidence_threshold: 0.6 })).run(
      PROMPT,
    );
    expect(decision.asked).toBeUndefined();
    expect(decision.noConsensus).toBe(false);
    await emulator.idle();
    expect(emulator.stats().totals.requests).toBe(3);
  });
});
