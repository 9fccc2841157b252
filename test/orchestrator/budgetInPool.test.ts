/**
 * `budget_usd` inside the pool, through the real SDKs against the emulator: the decision's budget
 * is asked before every retry, hedge and fallback the pool would send on its own.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChorusConfigInput } from '../../src/config/schema.js';
import { validateConfig } from '../../src/config/validateConfig.js';
import { createCostLedger } from '../../src/cost/costLedger.js';
import { createPriceTable } from '../../src/cost/priceTable.js';
import { type Emulator, type ModelScript, startEmulator } from '../../src/emulator/index.js';
import { emulatorClients } from '../../src/orchestrator/emulatorClients.js';
import { LLMOrchestrator } from '../../src/orchestrator.js';

const PROMPT = 'Tom has 6 boxes of 7 apples. How many apples does he have?';
const GOOD = 'He has 6 x 7 = 42 apples. The answer is 42.';
const fast: ModelScript = { text: GOOD, ttft: 5, interToken: 1 };

const config = (a: object, budget: number | undefined): ChorusConfigInput => ({
  orchestration: {
    timeout_seconds: 20,
    max_tokens: 100,
    ...(budget !== undefined && { budget_usd: budget }),
    variations: { providers: ['a', 'b', 'c'] },
    consensus: { method: 'majority', min_responses: 2, task: 'math' },
  },
  providers: {
    a: {
      kind: 'openai',
      model: 'alpha',
      prices: { input: 1, output: 2 },
      retries: { max_attempts: 1 },
      ...a,
    },
    b: { kind: 'anthropic', model: 'beta', prices: { input: 1, output: 2 }, retries: { max_attempts: 1 } },
    c: { kind: 'ollama', model: 'gamma', prices: { input: 1, output: 2 }, retries: { max_attempts: 1 } },
    d: {
      kind: 'openai',
      model: 'delta',
      prices: { input: 1000, output: 1000 },
      retries: { max_attempts: 1 },
    },
  },
});

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ models: { '*': fast } });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.resetStats());

const orchestrator = (input: ChorusConfigInput) => {
  const validated = validateConfig(input);
  return new LLMOrchestrator(validated, { clients: emulatorClients(validated, emulator), cache: false });
};

describe('budget_usd inside the pool', () => {
  it('refuses a fallback the budget cannot pay for: not sent, and the variant fails with a budget error', async () => {
    emulator.setScenario({
      models: { '*': fast, alpha: { ...fast, fault: { kind: 'status', status: 500 } } },
    });
    const decision = await orchestrator(config({ fallback: ['d'] }, 0.01)).run(PROMPT);
    expect(decision).toMatchObject({ stoppedBy: 'quorum', noConsensus: false });
    const a = decision.variants.find((v) => v.id === 'a:alpha#1')!;
    expect(a).toMatchObject({ outcome: 'failed', error: { type: 'budget', provider: 'd' } });
    expect(decision.notices).toContainEqual(
      expect.objectContaining({
        type: 'pool',
        variant: 'a:alpha#1',
        notice: { type: 'refused', variant: 'a:alpha#1', launch: 'fallback', provider: 'd', model: 'delta' },
      }),
    );
    await emulator.idle();
    expect(emulator.stats().models['delta']?.requests ?? 0).toBe(0);
    expect(decision.cost.usd!).toBeLessThanOrEqual(0.01);
  });

  it('lets the same fallback go without a budget', async () => {
    emulator.setScenario({
      models: { '*': fast, alpha: { ...fast, fault: { kind: 'status', status: 500 } } },
    });
    const decision = await orchestrator(config({ fallback: ['d'] }, undefined)).run(PROMPT);
    expect(decision.variants.find((v) => v.id === 'a:alpha#1')?.provider).toBe('d');
    await emulator.idle();
    expect(emulator.stats().models['delta']?.requests).toBe(1);
  });

  it('refuses a retry once what was spent and what still runs leave no room for it', async () => {
    // alpha's first request stalls before its first token (a first-token timeout, billed for its
    // input); beta and gamma are still running, so their worst cases are still reserved.
    emulator.setScenario({
      models: {
        alpha: { ...fast, fault: [{ kind: 'stall', afterTokens: 0 }, null] },
        beta: { ...fast, ttft: 1500 },
        gamma: { ...fast, ttft: 1500 },
      },
    });
    const a = {
      retries: { max_attempts: 2, base_delay_ms: 0, max_delay_ms: 0 },
      timeouts: { first_token_ms: 150, idle_ms: 5000 },
    };
    // The budget is the plan's worst case exactly: all three may start; nothing more fits.
    const probe = validateConfig(config(a, undefined));
    const ledger = createCostLedger(createPriceTable(probe));
    const worst = (provider: string, model: string) =>
      ledger.estimate({
        provider,
        model,
        kind: probe.providers[provider]!.kind,
        prompt: PROMPT,
        maxOutputTokens: 100,
      })!;
    const budget = worst('a', 'alpha') + worst('b', 'beta') + worst('c', 'gamma') + 1e-9;

    const decision = await orchestrator(config(a, budget)).run(PROMPT);
    const alpha = decision.variants.find((v) => v.id === 'a:alpha#1')!;
    expect(alpha).toMatchObject({ outcome: 'failed', error: { type: 'budget', provider: 'a' } });
    expect(decision.notices).toContainEqual(
      expect.objectContaining({
        type: 'pool',
        notice: { type: 'refused', variant: 'a:alpha#1', launch: 'retry', provider: 'a', model: 'alpha' },
      }),
    );
    expect(decision).toMatchObject({ stoppedBy: 'quorum', quorum: { key: '42' } });
    expect(decision.cost.usd!).toBeLessThanOrEqual(budget);
    await emulator.idle();
    expect(emulator.stats().models['alpha']?.requests).toBe(1);
  });
});
