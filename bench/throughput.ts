/**
 * Throughput and scaling of the scoring pipeline: tokens per second through
 * merge → snapshots → scoreIncrementally (the default scorers, scoring every snapshot) with
 * in-memory sources, for 1k → 10k → 100k tokens per variant and 3 → 30 variants, and the ratios
 * that show whether the cost is linear (10x the tokens ≤ 11x the time).
 *
 *   npx tsx bench/throughput.ts [--long] [--json] [--rounds N]
 *
 * Sources: `mergedVariants` (bench/lib/inMemory.ts): V variants, each streaming its own realistic
 * code answer (prose, fenced Python, lists) as real BPE tokens (~3.9 characters), interleaved one
 * token per variant in turn, synchronously. Each cell repeats the run until it has processed at
 * least `minTokens` tokens (50k quick, 300k long) per round, and reports the least CPU time per
 * token over the rounds (2 quick, 5 long; CPU time of this process, GC threads included, so that
 * other processes on a shared machine do not count). Also: the same with no scorers (the
 * operators' own cost), and
 * each scorer alone, to show where the time goes.
 */
import { type Observable, tap } from 'rxjs';
import type { VariantEvent } from '../src/events.js';
import { scoreIncrementally } from '../src/operators/scoreIncrementally.js';
import { snapshots } from '../src/operators/snapshots.js';
import { parseArgs } from './lib/args.js';
import { CODE_PROMPT, codeAnswerTokens } from './lib/codeAnswer.js';
import { mergedVariants } from './lib/inMemory.js';
import { createReport } from './lib/report.js';
import { type BenchScorer, describeScorers, loadScorers, scorerOf } from './lib/scorers.js';
import { fmt, verdict } from './lib/stats.js';

const args = parseArgs({ values: ['rounds'] });
const report = createReport('Throughput: merge → snapshots → scoreIncrementally', args);
const rounds = args.number('rounds', args.long ? 5 : 2);
const minTokens = args.long ? 300_000 : 50_000;
const loaded = await loadScorers('code');
report.note(describeScorers(loaded));
const context = { prompt: CODE_PROMPT, task: 'code' as const, language: 'python' };

/** One synchronous run; returns the number of scored snapshots (so nothing is optimized away). */
function runOnce(source: Observable<VariantEvent>, scorers: readonly BenchScorer[] | undefined): number {
  let n = 0;
  const scored = scorers
    ? source.pipe(snapshots(), scoreIncrementally(scorers, { context }))
    : source.pipe(snapshots());
  scored.pipe(tap(() => n++)).subscribe();
  return n;
}

/**
 * µs of CPU time (this process, all threads: GC helpers included) per token, the least of `times`
 * rounds, each round ≥ `minTokens` tokens. CPU time rather than wall time, and the least rather
 * than the median, because the machine is shared: other processes' time slices are not ours.
 */
function measure(
  variants: number,
  tokens: number,
  scorers: readonly BenchScorer[] | undefined,
  times = rounds,
): number {
  const source = mergedVariants(variants, tokens);
  const perRound = variants * tokens;
  const repeats = Math.max(1, Math.ceil(minTokens / perRound));
  runOnce(mergedVariants(variants, Math.min(tokens, 2_000)), scorers); // warm-up (JIT)
  const samples: number[] = [];
  for (let r = 0; r < times; r++) {
    const cpu = process.cpuUsage();
    for (let i = 0; i < repeats; i++) runOnce(source, scorers);
    const used = process.cpuUsage(cpu);
    samples.push((used.user + used.system) / (perRound * repeats));
  }
  return Math.min(...samples);
}

// Tokenize every answer once up front so that no cell pays for it.
for (let v = 0; v < 4; v++) codeAnswerTokens(100_000, v);

const cells: (readonly [number, number])[] = [
  [3, 1_000],
  [3, 10_000],
  [3, 100_000],
  [30, 1_000],
  [30, 10_000],
];
if (args.long) cells.push([30, 100_000]);

const results = new Map<string, { full: number; bare: number }>();
const rows: string[][] = [];
for (const [variants, tokens] of cells) {
  const full = measure(variants, tokens, loaded.scorers);
  const bare = measure(variants, tokens, undefined);
  results.set(`${variants}x${tokens}`, { full, bare });
  rows.push([
    String(variants),
    tokens.toLocaleString('en-US'),
    (variants * tokens).toLocaleString('en-US'),
    fmt(full, 2),
    Math.round(1e6 / full).toLocaleString('en-US'),
    fmt(bare, 2),
  ]);
}
report.table({
  title: `CPU time per token (least of ${rounds} rounds)`,
  headers: [
    'variants',
    'tokens per variant',
    'tokens in all',
    'µs/token, scored',
    'tokens/s, scored',
    'µs/token, snapshots only',
  ],
  rows,
});
report.data('cells', Object.fromEntries(results));

// time(10x) / time(1x) = 10 × (µs/token at 10x) / (µs/token at 1x).
const scale = (a: string, b: string, which: 'full' | 'bare'): number => {
  const x = results.get(a)?.[which] ?? Number.NaN;
  const y = results.get(b)?.[which] ?? Number.NaN;
  return (10 * y) / x;
};
const pairs: (readonly [string, string, string])[] = [
  ['3 variants: 1k → 10k tokens', '3x1000', '3x10000'],
  ['3 variants: 10k → 100k tokens', '3x10000', '3x100000'],
  ['1k tokens: 3 → 30 variants', '3x1000', '30x1000'],
  ['10k tokens: 3 → 30 variants', '3x10000', '30x10000'],
];
if (args.long) pairs.push(['100k tokens: 3 → 30 variants', '3x100000', '30x100000']);
const scaling = pairs.map(([label, a, b]) => {
  const full = scale(a, b, 'full');
  return [label, `${fmt(full, 2)}x`, verdict(full <= 11)];
});
report.table({
  title: 'Linearity: time(10x work) / time(1x work) — target ≤ 11x',
  headers: ['step', 'time ratio, scored', 'target ≤ 11x'],
  rows: scaling,
  notes: [
    'The snapshots-only pipeline costs ~0.1 µs/token, too little to time reliably per cell on a shared machine ' +
      '(its cost grows a little with the live text: garbage collection traces the ropes); its ratios are left out.',
  ],
});
report.data('scaling', scaling);

// Where the time goes: each scorer alone, at 3 variants × 10k tokens.
const perScorer = loaded.scorers.map((scorer) => {
  const at10k = measure(3, 10_000, [scorer], args.long ? rounds : 1);
  const at100k = measure(3, 100_000, [scorer], args.long ? rounds : 1);
  return [scorerOf(scorer).name, fmt(at10k, 2), fmt(at100k, 2), `${fmt((10 * at100k) / at10k, 2)}x`];
});
const bare10k = results.get('3x10000')?.bare ?? Number.NaN;
report.table({
  title: 'Each scorer alone (3 variants), µs/token including snapshots + scoreIncrementally',
  headers: ['scorer', '10k tokens', '100k tokens', 'time(100k)/time(10k)'],
  rows: [
    ['(none: snapshots only)', fmt(bare10k, 2), fmt(results.get('3x100000')?.bare ?? Number.NaN, 2), '–'],
    ...perScorer,
  ],
});
report.data('perScorer', perScorer);
report.finish();
