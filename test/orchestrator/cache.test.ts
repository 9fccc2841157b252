/**
 * The decision cache through the orchestrator: a hit replays the same decision as a stream with
 * zero requests at the emulator; identical calls in flight share one run; undecided results are
 * never stored; per-call overrides and namespaces change the key; reliability is learned.
 */
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChorusConfigInput } from '../../src/config/schema.js';
import { validateConfig } from '../../src/config/validateConfig.js';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { ChorusAbortError } from '../../src/orchestrator/chorusAbortError.js';
import { emulatorClients } from '../../src/orchestrator/emulatorClients.js';
import { LLMOrchestrator } from '../../src/orchestrator.js';

const PROMPT = 'Sam buys 3 packs of 4 pens. How many pens?';

const input = (): ChorusConfigInput => ({
  orchestration: {
    variations: { providers: ['a', 'b', 'c'] },
    consensus: { method: 'majority', min_responses: 2, task: 'math', cache_ttl: 60 },
  },
  providers: {
    a: { kind: 'openai', model: 'alpha', prices: { input: 1, output: 2 } },
    b: { kind: 'anthropic', model: 'beta', prices: { input: 1, output: 2 } },
    c: { kind: 'ollama', model: 'gamma' },
  },
});

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({
    models: {
      alpha: { text: '3 x 4 = 12. The answer is 12.', ttft: 10, interToken: 2 },
      beta: { text: 'That makes 12 pens. The answer is 12.', ttft: 20, interToken: 2 },
      gamma: { text: `${'Hmm. '.repeat(80)}The answer is 11.`, ttft: 10, interToken: 10 },
    },
  });
});
afterAll(() => emulator.close());

const orchestrator = () => {
  const config = validateConfig(input());
  return new LLMOrchestrator(config, { clients: emulatorClients(config, emulator) });
};

describe('decision cache', () => {
  it('replays a hit as a stream with zero requests', async () => {
    const chorus = orchestrator();
    emulator.resetStats();
    const first = await chorus.run(PROMPT);
    await emulator.idle();
    const requests = emulator.stats().totals.requests;
    expect(requests).toBe(3);
    expect(first.cached).toBe(false);

    // The same prompt up to whitespace: the same key.
    const events = await lastValueFrom(chorus.stream(`  ${PROMPT.replace(' 3 ', '  3 ')}\n`).pipe(toArray()));
    expect(events.map((e) => e.type)).toEqual(['decision']);
    const second = (events[0] as Extract<(typeof events)[number], { type: 'decision' }>).decision;
    expect(second).toEqual({ ...first, cached: true });
    expect(emulator.stats().totals.requests).toBe(requests);
    expect(chorus.cache?.stats).toMatchObject({ hits: 1, misses: 1, joins: 0, size: 1 });
  });

  it('shares one run between identical calls in flight', async () => {
    const chorus = orchestrator();
    emulator.resetStats();
    const [a, b] = await Promise.all([chorus.run(PROMPT), chorus.run(PROMPT)]);
    expect(a.text).toBe(b.text);
    expect([a.cached, b.cached].sort()).toEqual([false, true]);
    await emulator.idle();
    expect(emulator.stats().totals.requests).toBe(3);
    expect(chorus.cache?.stats).toMatchObject({ misses: 1, joins: 1 });
  });

  it('lets one caller of a shared run leave without cancelling it for the others', async () => {
    const chorus = orchestrator();
    emulator.setScenario({
      models: {
        alpha: { text: 'The answer is 12.', ttft: 60 },
        beta: { text: 'The answer is 12.', ttft: 60 },
        gamma: { text: 'The answer is 12.', ttft: 60 },
      },
    });
    emulator.resetStats();
    const leaving = new AbortController();
    const first = chorus.run(PROMPT, { signal: leaving.signal }).catch((e: unknown) => e);
    const second = chorus.run(PROMPT);
    setTimeout(() => leaving.abort(), 20);
    const [left, decision] = await Promise.all([first, second]);
    expect(left).toBeInstanceOf(ChorusAbortError);
    // The one that started the run reports what the run had when it left.
    expect((left as ChorusAbortError).partials.variants).toHaveLength(3);
    expect(decision).toMatchObject({ stoppedBy: 'quorum', cached: true });
    await emulator.idle();
    expect(emulator.stats().totals).toMatchObject({ requests: 3, clientsGone: 0 });
  });

  it('keys per-call overrides, namespaces and `cache: false` apart', async () => {
    const chorus = orchestrator();
    emulator.resetStats();
    await chorus.run(PROMPT);
    await chorus.run(PROMPT, { namespace: 'tenant-2' });
    await chorus.run(PROMPT, { overrides: { orchestration: { consensus: { method: 'quality_weighted' } } } });
    const skipped = await chorus.run(PROMPT, { cache: false });
    expect(skipped.cached).toBe(false);
    await emulator.idle();
    expect(emulator.stats().totals.requests).toBe(12);
    expect(chorus.cache?.stats).toMatchObject({ hits: 0, misses: 3, size: 3 });
  });

  it('never stores a decision without consensus', async () => {
    const chorus = orchestrator();
    emulator.setScenario({
      models: {
        alpha: { text: 'The answer is 12.', ttft: 5 },
        beta: { text: 'The answer is 13.', ttft: 5 },
        gamma: { text: 'The answer is 14.', ttft: 5 },
      },
    });
    emulator.resetStats();
    const first = await chorus.run(PROMPT);
    expect(first).toMatchObject({ noConsensus: true, stoppedBy: 'exhausted' });
    const second = await chorus.run(PROMPT);
    expect(second.cached).toBe(false);
    await emulator.idle();
    expect(emulator.stats().totals.requests).toBe(6);
    expect(chorus.cache?.stats.size).toBe(0);
  });

  it('learns source reliability from its decisions, unsupervised', async () => {
    const chorus = orchestrator();
    emulator.setScenario({
      models: {
        alpha: { text: 'The answer is 12.', ttft: 5 },
        beta: { text: 'The answer is 12.', ttft: 5 },
        gamma: { text: 'The answer is 11.', ttft: 5 },
      },
    });
    for (let i = 0; i < 3; i++)
      await chorus.run(`${PROMPT} (${i})`, {
        overrides: { orchestration: { consensus: { min_responses: 3 } } },
      });
    const json = chorus.reliability.toJSON();
    expect(Object.keys(json.sources).sort()).toEqual(['a:alpha', 'b:beta', 'c:gamma']);
    expect(chorus.reliability.reliability('a:alpha')).toBeGreaterThan(
      chorus.reliability.reliability('c:gamma'),
    );
    // Saved and restored.
    const restored = new LLMOrchestrator(validateConfig(input()), {
      pool: chorus.pool,
      reliability: JSON.parse(JSON.stringify(json)),
    });
    expect(restored.reliability.reliability('a:alpha')).toBeCloseTo(
      chorus.reliability.reliability('a:alpha'),
      12,
    );
  });
});
