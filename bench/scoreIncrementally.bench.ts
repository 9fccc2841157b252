/**
 * Is `snapshots() → scoreIncrementally()` linear in the number of deltas?
 *
 *   npx tsx bench/scoreIncrementally.bench.ts
 *
 * Three in-memory variants, interleaved like a merge, of 1k, 10k and 100k deltas each, through
 * snapshots → scoreIncrementally with two incremental scorers (a character counter and a code-fence
 * tracker), scoring every snapshot (the default `emit: 'delta'`). Prints the median time per delta
 * and the ratios between sizes; linear means 10x the deltas costs at most 11x the time.
 */
import { from } from 'rxjs';
import type { ScoredSnapshot, VariantEvent } from '../src/events.js';
import { scoreIncrementally } from '../src/operators/scoreIncrementally.js';
import { snapshots } from '../src/operators/snapshots.js';
import type { Scorer } from '../src/scorers/scorer.js';

const VARIANTS = 3;
const SIZES = [1_000, 10_000, 100_000] as const;
/** Each batch runs the same total number of deltas at every size (so GC costs amortize alike). */
const BATCH_DELTAS = 200_000;
/** Rounds per size; the fastest is reported, being the least disturbed on a shared machine. */
const ROUNDS = 9;

/** Counts characters; scores longer answers higher, up to 10k characters. */
const charCounter: Scorer<{ chars: number }> = {
  name: 'chars',
  version: '1',
  init: () => ({ chars: 0 }),
  feed: (state, delta) => {
    state.chars += delta.length;
    return state;
  },
  score: (state) => Math.min(1, state.chars / 10_000),
};

/** Tracks code fences (runs of 3+ backticks) across deltas; 1 when every block is closed. */
const fenceTracker: Scorer<{ run: number; open: boolean; closed: number }> = {
  name: 'fences',
  version: '1',
  init: () => ({ run: 0, open: false, closed: 0 }),
  feed: (state, delta) => {
    for (let i = 0; i < delta.length; i++) {
      if (delta.charCodeAt(i) === 96) {
        state.run++;
        continue;
      }
      if (state.run >= 3) {
        if (state.open) state.closed++;
        state.open = !state.open;
      }
      state.run = 0;
    }
    return state;
  },
  score: (state) => (state.open ? 0.5 : 1),
};

function eventsFor(deltas: number): VariantEvent[] {
  const events: VariantEvent[] = [];
  for (let v = 0; v < VARIANTS; v++) events.push({ type: 'start', variant: `v${v}`, at: 0 });
  for (let i = 0; i < deltas; i++) {
    for (let v = 0; v < VARIANTS; v++) {
      const text = i % 50 === 0 ? '\n```\n' : i % 7 === 0 ? ' token\n' : ' tok';
      events.push({ type: 'delta', variant: `v${v}`, text, at: i });
    }
  }
  for (let v = 0; v < VARIANTS; v++)
    events.push({ type: 'end', variant: `v${v}`, finish: 'stop', at: deltas });
  return events;
}

/** One run; returns the variants' final snapshots (which hold their texts). */
function runOnce(events: readonly VariantEvent[]): ScoredSnapshot[] {
  const finals: ScoredSnapshot[] = [];
  from(events)
    .pipe(snapshots(), scoreIncrementally([charCounter, fenceTracker]))
    .subscribe((s) => {
      if (s.done) finals.push(s);
    });
  return finals;
}

/**
 * Mean time of one run over a batch of back-to-back runs that together stream `BATCH_DELTAS`
 * deltas per variant, keeping every run's final texts until the batch ends.
 *
 * Why a batch and not single runs: the work of the operators is per delta, but the texts they
 * accumulate stay alive, and the garbage collector's cost grows with live memory. Single runs of
 * different sizes would compare 300k retained deltas with 3k (and a small run's allocations fit in
 * the young generation, so a median of them leaves garbage collection out). Every batch here
 * streams and retains the same number of deltas, so what differs between sizes is only the length
 * of each variant's text, which is what linearity is about.
 */
function batch(events: readonly VariantEvent[], runs: number): number {
  const kept: ScoredSnapshot[][] = [];
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) kept.push(runOnce(events));
  const elapsed = performance.now() - t0;
  if (kept.length !== runs || kept.some((finals) => finals.length !== VARIANTS))
    throw new Error('lost a variant');
  return elapsed / runs;
}

const inputs = SIZES.map((size) => ({
  size,
  events: eventsFor(size),
  runs: Math.max(1, BATCH_DELTAS / size),
}));
for (const { events } of inputs) runOnce(events); // warm-up: JIT
const times = new Map<number, number[]>(SIZES.map((size) => [size, []]));
// Rounds interleave the sizes, so a burst of load on this shared machine hits all of them alike.
for (let round = 0; round < ROUNDS; round++) {
  for (const { size, events, runs } of inputs) times.get(size)!.push(batch(events, runs));
}
const results = SIZES.map((size) => ({ deltas: size, ms: Math.min(...times.get(size)!) }));

console.log(`snapshots → scoreIncrementally, ${VARIANTS} variants, 2 incremental scorers, emit 'delta'`);
for (const { deltas, ms } of results) {
  const perDelta = (ms * 1e6) / (deltas * VARIANTS);
  console.log(
    `  ${String(deltas).padStart(7)} deltas/variant: ${ms.toFixed(2).padStart(9)} ms  ${perDelta.toFixed(0).padStart(5)} ns/delta`,
  );
}
let linear = true;
for (let i = 1; i < results.length; i++) {
  const ratio = results[i]!.ms / results[i - 1]!.ms;
  const ok = ratio <= 11;
  linear &&= ok;
  console.log(
    `  time(${results[i]!.deltas}) / time(${results[i - 1]!.deltas}) = ${ratio.toFixed(2)}  (10x deltas; linear if <= 11) ${ok ? 'ok' : 'NOT LINEAR'}`,
  );
}
if (!linear) process.exitCode = 1;
