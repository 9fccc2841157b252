/**
 * Cancellation and the total timeout through the real SDKs and the emulator: an AbortSignal (or an
 * unsubscribe) aborts every request (the emulator sees every client go away) and `run` rejects
 * with a `ChorusAbortError` carrying the partials; `timeout_seconds` decides with what finished,
 * else with the best partial text (flagged), else rejects with its partials.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChorusConfigInput } from '../../src/config/schema.js';
import { validateConfig } from '../../src/config/validateConfig.js';
import {
  type Emulator,
  type ModelScript,
  type RequestRecord,
  startEmulator,
} from '../../src/emulator/index.js';
import { ChorusAbortError } from '../../src/orchestrator/chorusAbortError.js';
import { DecisionError } from '../../src/orchestrator/decisionError.js';
import { emulatorClients } from '../../src/orchestrator/emulatorClients.js';
import { LLMOrchestrator } from '../../src/orchestrator.js';

const PROMPT = 'What is 6 times 7?';
const LONG = `${'Counting slowly, one step after another. '.repeat(40)}The answer is 42.`;
const streaming = (interToken = 15): ModelScript => ({ text: LONG, ttft: 10, interToken });

const config = (timeoutSeconds = 10): ChorusConfigInput => ({
  orchestration: {
    timeout_seconds: timeoutSeconds,
    variations: { providers: ['a', 'b', 'c'] },
    consensus: { method: 'majority', min_responses: 2, task: 'math' },
  },
  providers: Object.fromEntries(
    (
      [
        ['a', 'openai', 'alpha'],
        ['b', 'anthropic', 'beta'],
        ['c', 'ollama', 'gamma'],
      ] as const
    ).map(([name, kind, model]) => [
      name,
      {
        kind,
        model,
        prices: { input: 1, output: 4 },
        retries: { max_attempts: 1 },
        // The decision's own timeout comes first; the providers' would mark variants failed.
        timeouts: { total_ms: 60_000 },
      },
    ]),
  ),
});

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ models: { '*': streaming() } });
});
afterAll(() => emulator.close());

const orchestrator = (input: ChorusConfigInput) => {
  const validated = validateConfig(input);
  return new LLMOrchestrator(validated, { clients: emulatorClients(validated, emulator), cache: false });
};

/** Resolves once `n` clients went away, with their records. */
const clientsGone = (n: number): Promise<RequestRecord[]> =>
  new Promise((resolve) => {
    const records: RequestRecord[] = [];
    const listener = (record: RequestRecord) => {
      records.push(record);
      if (records.length === n) {
        emulator.off('gone', listener);
        resolve(records);
      }
    };
    emulator.on('gone', listener);
  });

/** Polls `ready` every 5 ms (up to 5 s). */
async function until(ready: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !ready(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!ready()) throw new Error('condition not met within 5 s');
}

describe('AbortSignal', () => {
  it('aborts every request and rejects with the partial outcomes, usage and cost', async () => {
    emulator.setScenario({ models: { '*': streaming() } });
    emulator.resetStats();
    const chorus = orchestrator(config());
    const controller = new AbortController();
    const gone = clientsGone(3);
    const run = chorus.run(PROMPT, { signal: controller.signal }).catch((e: unknown) => e);
    // Abort once every request has streamed a few tokens.
    await until(() => {
      const log = emulator.stats().log;
      return log.length === 3 && log.every((r) => r.tokensWritten >= 3);
    });
    // Let those tokens reach the clients (they stream every 15 ms for seconds more).
    await new Promise((r) => setTimeout(r, 60));
    controller.abort(new Error('user pressed stop'));
    const error = await run;

    expect(error).toBeInstanceOf(ChorusAbortError);
    const e = error as ChorusAbortError;
    expect(e.type).toBe('aborted');
    expect((e.cause as Error).message).toBe('user pressed stop');
    expect(e.partials.variants.map((v) => v.outcome)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(e.partials.variants.every((v) => v.text.length > 0 && v.finish === 'cancelled')).toBe(true);
    expect(e.partials.cost.estimated).toBe(true);
    expect(e.partials.cost.total.outputTokens).toBeGreaterThan(0);
    expect(e.partials.cost.usd).toBeGreaterThan(0);
    expect(Object.keys(e.partials.cost.byProvider).sort()).toEqual(['a', 'b', 'c']);

    // Every client gone, nothing written after.
    const records = await gone;
    expect(records).toHaveLength(3);
    await emulator.idle();
    const stats = emulator.stats();
    expect(stats.totals.requests).toBe(3);
    expect(stats.totals.clientsGone).toBe(3);
    expect(stats.totals.open).toBe(0);
    expect(stats.totals.tokensAfterGone).toBe(0);
  });

  it('sends nothing when the signal is already aborted', async () => {
    emulator.resetStats();
    const error = await orchestrator(config())
      .run(PROMPT, { signal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChorusAbortError);
    expect((error as ChorusAbortError).partials.variants).toEqual([]);
    expect(emulator.stats().totals.requests).toBe(0);
  });

  it('aborts a stream() subscriber with the same error', async () => {
    emulator.setScenario({ models: { '*': streaming() } });
    const controller = new AbortController();
    const error = await new Promise<unknown>((resolve) => {
      orchestrator(config())
        .stream(PROMPT, { signal: controller.signal })
        .subscribe({
          next: (e) => {
            if (e.type === 'variant' && e.change === 'started') controller.abort();
          },
          error: resolve,
          complete: () => resolve(undefined),
        });
    });
    expect(error).toBeInstanceOf(ChorusAbortError);
    expect((error as ChorusAbortError).partials.variants.length).toBe(3);
    await emulator.idle();
  });

  it('unsubscribing from stream() aborts every request too', async () => {
    emulator.setScenario({ models: { '*': streaming() } });
    emulator.resetStats();
    const gone = clientsGone(3);
    const subscription = orchestrator(config())
      .stream(PROMPT)
      .subscribe((e) => {
        if (e.type === 'progress' && e.variants.filter((v) => v.state === 'streaming').length === 3) {
          subscription.unsubscribe();
        }
      });
    expect((await gone).map((r) => r.outcome)).toEqual(['gone', 'gone', 'gone']);
    await emulator.idle();
    expect(emulator.stats().totals.tokensAfterGone).toBe(0);
  });
});

describe('timeout_seconds', () => {
  it('decides with the finished answers when time runs out, flagged and cancelling the rest', async () => {
    emulator.setScenario({
      models: {
        alpha: { text: 'The answer is 42.', ttft: 10, interToken: 2 },
        beta: { ...streaming(), fault: { kind: 'stall', afterTokens: 3 } },
        gamma: { ...streaming(), fault: { kind: 'stall', afterTokens: 3 } },
      },
    });
    emulator.resetStats();
    const decision = await orchestrator(config(0.4)).run(PROMPT);
    expect(decision).toMatchObject({
      stoppedBy: 'timeout',
      noConsensus: true,
      partial: false,
      winner: 'a:alpha#1',
      text: 'The answer is 42.',
    });
    expect(decision.notices).toContainEqual(expect.objectContaining({ type: 'timeout', timeoutMs: 400 }));
    expect(decision.variants.map((v) => v.outcome)).toEqual(['won', 'cancelled', 'cancelled']);
    expect(decision.timings.decidedMs).toBeGreaterThanOrEqual(395);
    await emulator.idle();
    expect(emulator.stats().totals.clientsGone).toBe(2);
  });

  it('falls back on the best partial text, flagged, when nothing finished', async () => {
    emulator.setScenario({
      models: {
        alpha: { ...streaming(), fault: { kind: 'stall', afterTokens: 2 } },
        beta: { ...streaming(), fault: { kind: 'stall', afterTokens: 12 } },
        gamma: { ...streaming(), fault: { kind: 'stall', afterTokens: 4 } },
      },
    });
    const decision = await orchestrator(config(0.4)).run(PROMPT);
    expect(decision).toMatchObject({ stoppedBy: 'timeout', partial: true, noConsensus: true, confidence: 0 });
    expect(decision.winner).toBe('b:beta#1'); // the longest of the equally scored partials
    expect(decision.text.length).toBeGreaterThan(0);
    expect(decision.variants.find((v) => v.id === 'b:beta#1')?.outcome).toBe('won');
  });

  it('rejects with a DecisionError carrying the partials when no text arrived in time', async () => {
    emulator.setScenario({ models: { '*': { text: 'late', ttft: 5_000 } } });
    emulator.resetStats();
    const gone = clientsGone(3);
    const error = await orchestrator(config(0.3))
      .run(PROMPT)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecisionError);
    const e = error as DecisionError;
    expect(e.type).toBe('timeout');
    expect(e.isRetryable).toBe(true);
    expect(e.partials.variants.map((v) => v.outcome)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect((await gone).length).toBe(3);
  });
});
