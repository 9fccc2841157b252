/**
 * Failures through the real SDKs and the emulator: a variant failing mid-stream is not restarted
 * and the decision is rescued from the others; when the quorum can no longer be met a fallback
 * variant is launched; a provider failing before its first token moves to its fallback inside the
 * pool; the budget keeps variants from launching; a run where everything fails rejects with its
 * partials.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChorusConfigInput } from '../../src/config/schema.js';
import { validateConfig } from '../../src/config/validateConfig.js';
import type { ModelScript } from '../../src/emulator/index.js';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { isProviderError } from '../../src/errors.js';
import { DecisionError } from '../../src/orchestrator/decisionError.js';
import { emulatorClients } from '../../src/orchestrator/emulatorClients.js';
import { LLMOrchestrator } from '../../src/orchestrator.js';

const PROMPT = 'Tom has 6 boxes of 7 apples. How many apples does he have?';
const GOOD = 'He has 6 x 7 = 42 apples. The answer is 42.';
const fast = (text = GOOD): ModelScript => ({ text, ttft: 10, interToken: 3 });
const slow = (text = GOOD): ModelScript => ({ text, ttft: 120, interToken: 6 });

const base = (overrides: Partial<Record<'orchestration', object>> = {}): ChorusConfigInput => ({
  orchestration: {
    timeout_seconds: 10,
    max_providers: 3,
    variations: { providers: ['a', 'b', 'c'] },
    consensus: { method: 'majority', min_responses: 2, task: 'math' },
    ...overrides.orchestration,
  },
  providers: {
    a: { kind: 'openai', model: 'alpha', prices: { input: 1, output: 2 }, retries: { max_attempts: 1 } },
    b: {
      kind: 'openai',
      model: 'beta',
      fallback: ['d'],
      prices: { input: 1, output: 2 },
      retries: { max_attempts: 1 },
    },
    c: { kind: 'anthropic', model: 'gamma', prices: { input: 3, output: 15 }, retries: { max_attempts: 1 } },
    d: { kind: 'ollama', model: 'delta', retries: { max_attempts: 1 } },
  },
});

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ models: { '*': fast() } });
});
afterAll(() => emulator.close());

const orchestrator = (input: ChorusConfigInput) => {
  const config = validateConfig(input);
  return new LLMOrchestrator(config, { clients: emulatorClients(config, emulator), cache: false });
};

describe('failures', () => {
  it('rescues the decision from the others when a variant fails mid-stream (no restart, no fallback)', async () => {
    emulator.setScenario({
      models: {
        alpha: { ...fast(), fault: { kind: 'reset', afterTokens: 3 } },
        beta: slow(),
        gamma: slow(),
        delta: fast(),
      },
    });
    emulator.resetStats();
    const decision = await orchestrator(base()).run(PROMPT);
    expect(decision).toMatchObject({ stoppedBy: 'quorum', noConsensus: false, quorum: { key: '42' } });
    const a = decision.variants.find((v) => v.id.startsWith('a:'))!;
    expect(a.outcome).toBe('failed');
    expect(a.finish).toBe('error');
    expect(isProviderError(a.error)).toBe(true);
    expect(a.text.length).toBeGreaterThan(0); // what it streamed before failing is kept
    expect(JSON.parse(JSON.stringify(a.error))).toMatchObject({ name: 'ProviderError', provider: 'a' });
    // Still two running for a quorum of two: nothing else launched.
    expect(decision.variants).toHaveLength(3);
    expect(decision.notices.filter((n) => n.type === 'launch')).toEqual([]);
    await emulator.idle();
    expect(emulator.stats().totals.requests).toBe(3);
  });

  it('launches a fallback variant once the quorum can no longer be met by the variants still running', async () => {
    emulator.setScenario({
      models: {
        alpha: { ...fast(), fault: { kind: 'reset', afterTokens: 2 } },
        beta: { ...fast(), ttft: 30, fault: { kind: 'reset', afterTokens: 2 } },
        gamma: slow(),
        delta: fast(),
      },
    });
    emulator.resetStats();
    const decision = await orchestrator(base()).run(PROMPT);
    expect(decision).toMatchObject({ stoppedBy: 'quorum', noConsensus: false, quorum: { key: '42' } });
    const rescue = decision.variants.find((v) => v.origin === 'fallback')!;
    expect(rescue).toMatchObject({ provider: 'd', model: 'delta', fallbackOf: 'b:beta#1' });
    expect(['won', 'agreed']).toContain(rescue.outcome);
    expect(decision.notices).toContainEqual(
      expect.objectContaining({ type: 'launch', origin: 'fallback', fallbackOf: 'b:beta#1', provider: 'd' }),
    );
    expect(decision.variants.filter((v) => v.outcome === 'failed').map((v) => v.id)).toEqual([
      'a:alpha#1',
      'b:beta#1',
    ]);
    await emulator.idle();
    expect(emulator.stats().models['delta']?.requests).toBe(1);
  });

  it('moves a variant whose provider fails before the first token to its fallback (inside the pool)', async () => {
    emulator.setScenario({
      models: {
        alpha: fast(),
        beta: { ...fast(), fault: { kind: 'status', status: 500 } },
        gamma: slow(),
        delta: fast(),
      },
    });
    emulator.resetStats();
    const decision = await orchestrator(base()).run(PROMPT);
    expect(decision.stoppedBy).toBe('quorum');
    const b = decision.variants.find((v) => v.id === 'b:beta#1')!;
    expect(b.provider).toBe('d');
    expect(b.origin).toBe('plan');
    expect(decision.notices).toContainEqual(
      expect.objectContaining({
        type: 'pool',
        variant: 'b:beta#1',
        notice: expect.objectContaining({ type: 'fallback', from: 'b', to: 'd' }),
      }),
    );
    await emulator.idle();
    expect(emulator.stats().models['beta']?.requests).toBe(1);
  });

  it("reports the pool's retries as notices of the decision", async () => {
    emulator.setScenario({
      models: { alpha: { ...fast(), fault: [{ kind: 'status', status: 503 }, null] }, '*': slow() },
    });
    const input = base();
    const providers = input.providers as Record<string, object>;
    providers['a'] = { ...providers['a'], retries: { max_attempts: 2, base_delay_ms: 5, max_delay_ms: 5 } };
    const decision = await orchestrator(input).run(PROMPT);
    expect(decision.variants.find((v) => v.id === 'a:alpha#1')?.outcome).not.toBe('failed');
    expect(decision.notices).toContainEqual(
      expect.objectContaining({
        type: 'pool',
        variant: 'a:alpha#1',
        notice: expect.objectContaining({ type: 'retry', provider: 'a', attempt: 1 }),
      }),
    );
  });

  it('does not launch a variant the budget cannot pay for', async () => {
    emulator.setScenario({ models: { '*': fast() } });
    emulator.resetStats();
    const input = base({
      orchestration: {
        timeout_seconds: 10,
        max_providers: 3,
        max_tokens: 100,
        budget_usd: 0.001,
        variations: { providers: ['a', 'b', 'c'] },
        consensus: { method: 'majority', min_responses: 2, task: 'math' },
      },
    });
    // c's worst case (100 output tokens at $15 per million, plus its input) is over $0.0015.
    const decision = await orchestrator(input).run(PROMPT);
    const c = decision.variants.find((v) => v.id.startsWith('c:'))!;
    expect(c.outcome).toBe('skipped');
    expect(c.error).toMatchObject({ type: 'budget', provider: 'c' });
    expect(decision.notices).toContainEqual(
      expect.objectContaining({ type: 'budget', variant: c.id, budgetUsd: 0.001 }),
    );
    expect(decision.stoppedBy).toBe('quorum');
    expect(decision.cost.usd!).toBeLessThanOrEqual(0.001);
    await emulator.idle();
    expect(emulator.stats().models['gamma']?.requests ?? 0).toBe(0);
  });

  it('rejects with a DecisionError carrying the partials when every variant fails', async () => {
    emulator.setScenario({ models: { '*': { ...fast(), fault: { kind: 'status', status: 400 } } } });
    const error = await orchestrator(base())
      .run(PROMPT)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecisionError);
    const e = error as DecisionError;
    expect(e.type).toBe('no_answer');
    expect(e.partials.variants.map((v) => v.outcome)).toEqual(['failed', 'failed', 'failed']);
    expect(e.partials.variants.every((v) => isProviderError(v.error, 'bad_request'))).toBe(true);
    expect(e.partials.cost.usd).toBe(0); // refused requests are billed nothing
    expect(JSON.parse(JSON.stringify(e))).toMatchObject({ type: 'no_answer', name: 'DecisionError' });
  });
});
