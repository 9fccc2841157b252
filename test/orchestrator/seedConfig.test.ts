/**
 * The seed's configuration example (DESIGN.md), run as written through the real SDKs against the
 * provider emulator: a quorum of 2 of 3 decides right after the second answer, the third request
 * is aborted mid-stream (the emulator sees its client go away) and billed with estimated tokens,
 * and the cost ledger equals the emulator's token counts times the prices.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/parseConfig.js';
import { createPriceTable } from '../../src/cost/priceTable.js';
import type { ConsensusEvent, Decision } from '../../src/decision.js';
import { type Emulator, type RequestRecord, startEmulator } from '../../src/emulator/index.js';
import { emulatorClients } from '../../src/orchestrator/emulatorClients.js';
import { LLMOrchestrator } from '../../src/orchestrator.js';
import { SEED_TOML } from '../fixtures/seedConfig.js';

const PROMPT = 'A baker makes 6 trays of 7 rolls. How many rolls is that?';
const SLOW = `${'Let me count the rolls one tray at a time, carefully. '.repeat(30)}So the total is 41.`;

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({
    seed: 3,
    models: {
      'claude-sonnet-4-5': {
        text: '6 trays times 7 rolls is 42 rolls. The answer is 42.',
        ttft: 30,
        interToken: 4,
      },
      'gpt-4': { text: 'Each tray has 7 rolls, so 6 x 7 = 42.\nThe answer is 42.', ttft: 90, interToken: 6 },
      // Streams for seconds: still going when the other two have agreed.
      'llama3.2': { text: SLOW, ttft: 10, interToken: 20 },
    },
  });
});
afterAll(() => emulator.close());

describe('the seed configuration against the emulator', () => {
  it('decides at the quorum of 2, cancels the third and bills it estimated', async () => {
    const config = parseConfig(SEED_TOML, 'chorus.toml');
    const chorus = new LLMOrchestrator(config, { clients: emulatorClients(config, emulator) });
    emulator.resetStats();
    const gone = new Promise<RequestRecord>((resolve) => emulator.once('gone', resolve));
    const events: ConsensusEvent[] = [];
    let decidedAt = 0;
    const decision = await new Promise<Decision>((resolve, reject) => {
      chorus.stream(PROMPT).subscribe({
        next: (e) => {
          events.push(e);
          if (e.type === 'decision') {
            decidedAt = performance.now();
            resolve(e.decision);
          }
        },
        error: reject,
      });
    });

    expect(decision).toMatchObject({
      text: expect.stringContaining('42'),
      method: 'quality_weighted',
      task: 'math',
      noConsensus: false,
      stoppedBy: 'quorum',
      cached: false,
      partial: false,
      quorum: { required: 2, reached: true, agreeing: 2, key: '42' },
    });
    const byId = Object.fromEntries(decision.variants.map((v) => [v.id, v]));
    expect(Object.keys(byId)).toEqual([
      'claude:claude-sonnet-4-5@t0.2,p0.9#1',
      'gpt-4:gpt-4@t0.5,p0.95#1',
      'ollama:llama3.2@t0.8,p0.9#1',
    ]);
    expect(decision.variants.map((v) => v.outcome).sort()).toEqual(['agreed', 'cancelled', 'won']);
    const slow = byId['ollama:llama3.2@t0.8,p0.9#1']!;
    expect(slow).toMatchObject({ outcome: 'cancelled', finish: 'cancelled', provider: 'ollama' });
    expect(slow.text.length).toBeGreaterThan(0);
    expect(slow.cost.estimated).toBe(true);
    expect(slow.cost.outputTokens).toBeGreaterThan(0);

    // The emulator saw the third client go away, soon after the decision, and wrote nothing after.
    const record = await gone;
    expect(record.model).toBe('llama3.2');
    expect(record.outcome).toBe('gone');
    await emulator.idle();
    const stats = emulator.stats();
    expect(stats.totals.requests).toBe(3);
    expect(stats.totals.tokensAfterGone).toBe(0);

    // Decision time minus the second finish: the engine's overhead.
    const finishes = decision.variants
      .filter((v) => v.outcome !== 'cancelled')
      .map((v) => v.timings.endMs!)
      .sort((a, b) => a - b);
    const overheadMs = decision.timings.decidedMs - finishes[1]!;
    console.info(
      `[orchestrator] decision − 2nd finish: ${overheadMs.toFixed(3)} ms (decided at ${decision.timings.decidedMs.toFixed(1)} ms); ` +
        `3rd client gone ${(record.goneAt! - record.startedAt).toFixed(1)} ms after its request, after ${record.tokensWritten} chunks`,
    );
    expect(overheadMs).toBeGreaterThanOrEqual(0);
    // The first decision of a process pays for warming up (JIT, first fetch abort); generous bound.
    expect(overheadMs).toBeLessThan(250);
    expect(decidedAt).toBeGreaterThan(0);

    // Progress for UIs, with every variant's row, then exactly one decision, last.
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)!.variants).toHaveLength(3);
    expect(events.filter((e) => e.type === 'decision')).toHaveLength(1);
    expect(events.at(-1)!.type).toBe('decision');

    // The ledger: completed requests at the counts the emulator reported, times the prices.
    const prices = createPriceTable(config);
    for (const v of decision.variants.filter((x) => x.outcome !== 'cancelled')) {
      const request = stats.log.find((r) => r.model === v.model)!;
      expect(v.cost.estimated).toBe(false);
      expect(v.cost.outputTokens).toBe(request.tokensWritten);
      const price = prices.lookup(v.model, { provider: v.provider })!;
      expect(v.cost.usd).toBeCloseTo(
        (v.cost.inputTokens * price.input + v.cost.outputTokens * price.output) / 1e6,
        12,
      );
    }
    expect(decision.cost.usd).toBeCloseTo(
      decision.variants.reduce((sum, v) => sum + (v.cost.usd ?? 0), 0),
      12,
    );
    expect(decision.cost.estimated).toBe(true);
    expect(Object.keys(decision.cost.byProvider).sort()).toEqual(['claude', 'gpt-4', 'ollama']);
  });
});

describe('decision overhead', () => {
  it('stays within milliseconds of the k-th finish over repeated runs', async () => {
    const config = parseConfig(SEED_TOML, 'chorus.toml');
    const chorus = new LLMOrchestrator(config, { clients: emulatorClients(config, emulator) });
    const overheads: number[] = [];
    for (let i = 0; i < 6; i++) {
      const decision = await chorus.run(PROMPT, { cache: false });
      expect(decision.stoppedBy).toBe('quorum');
      const finishes = decision.variants
        .filter((v) => v.outcome === 'won' || v.outcome === 'agreed')
        .map((v) => v.timings.endMs!)
        .sort((a, b) => a - b);
      overheads.push(decision.timings.decidedMs - finishes[1]!);
    }
    await emulator.idle();
    const later = overheads.slice(1).sort((a, b) => a - b);
    const median = later[Math.floor(later.length / 2)]!;
    console.info(
      `[orchestrator] decision − 2nd finish over ${overheads.length} runs: first ${overheads[0]!.toFixed(2)} ms, ` +
        `then median ${median.toFixed(2)} ms, max ${later.at(-1)!.toFixed(2)} ms`,
    );
    // Generous bound for a loaded 2-core machine; the measured numbers are printed above.
    expect(median).toBeLessThan(50);
  });
});
