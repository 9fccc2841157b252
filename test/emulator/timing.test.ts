import { describe, expect, it } from 'vitest';
import { type Emulator, type Scenario, startEmulator } from '../../src/emulator/index.js';
import { postChat, readAll } from './rawClient.js';

const scenario = (seed: number): Scenario => ({
  seed,
  timeScale: 0.1,
  models: {
    a: { text: 'x y', ttft: { kind: 'lognormal', median: 200, sigma: 0.8 } },
    b: { text: 'x y', ttft: { kind: 'uniform', min: 0, max: 300 } },
    paced: { text: Array.from({ length: 40 }, (_, i) => `t${i}`).join(' '), interToken: 50 },
  },
});

async function planned(emulator: Emulator, order: readonly string[]): Promise<Record<string, number[]>> {
  for (const model of order) await readAll(await postChat(emulator, 'openai', model));
  const out: Record<string, number[]> = {};
  for (const record of emulator.stats().log) {
    out[record.model] = [...(out[record.model] ?? []), record.plannedTtftMs];
  }
  return out;
}

describe('seeded timing over HTTP', () => {
  it('the same seed draws the same delays per model and index, whatever the interleaving', async () => {
    const first = await startEmulator(scenario(4));
    const second = await startEmulator(scenario(4));
    const third = await startEmulator(scenario(5));
    try {
      const one = await planned(first, ['a', 'b', 'a', 'b', 'a']);
      const two = await planned(second, ['a', 'a', 'b', 'a', 'b']);
      const other = await planned(third, ['a', 'b', 'a', 'b', 'a']);
      expect(one).toEqual(two);
      expect(one['a']).not.toEqual(other['a']);
      // The measured time to first chunk honours the draw (Node timers may fire up to ~1 ms early).
      for (const record of first.stats().log) {
        expect(record.firstChunkAt! - record.startedAt).toBeGreaterThanOrEqual(record.plannedTtftMs - 2);
      }
    } finally {
      await Promise.all([first.close(), second.close(), third.close()]);
    }
  });

  it('paces chunks on an absolute schedule: 39 gaps of 5 ms take about 195 ms', async () => {
    const emulator = await startEmulator(scenario(1));
    try {
      await readAll(await postChat(emulator, 'openai', 'paced'));
      const record = emulator.stats().log[0]!;
      const span = record.lastWriteAt! - record.firstChunkAt!;
      expect(span).toBeGreaterThanOrEqual(193);
      expect(span).toBeLessThan(1500);
    } finally {
      await emulator.close();
    }
  });
});
