/**
 * Per-token CPU, side by side (issue 8 item 4): one emulator stream, served by the provider
 * emulator in a child process (its CPU is not counted), consumed by
 *   (a) the raw openai SDK loop, (b) the chorus `openaiStream` adapter, (b2) the adapter +
 *   `snapshots()` + `scoreIncrementally(default scorers)`, (c) the Vercel AI SDK's `streamText`,
 *   (d) the floor: `fetch` + eventsource-parser + `JSON.parse`,
 * each in a fresh process of its own (`--expose-gc`; per mode one warm-up stream, then measured
 * streams, each after a full GC), measuring `process.cpuUsage()` (user + system, every thread of the
 * consumer process) from the request to the end of the stream.
 *
 *   npx tsx bench/cpu.ts [--long] [--json] [--reps N] [--batched N] [--paced N]
 *
 * Two modes: `batched`, chunk delays 0, so the emulator writes as fast as the socket takes it and
 * each read carries many chunks; `paced`, one chunk every 1 ms (the emulator's timers, on an
 * absolute schedule: a late timer sends the chunks that are due together), so most reads carry one
 * chunk, as live streams arrive. The floor's tokens per read shows what each mode delivered.
 * `--reps` runs every consumer that many times in fresh processes, in a rotated order, and the
 * median over all measured streams is reported.
 */
import type { Scenario } from '../src/emulator/index.js';
import { parseArgs } from './lib/args.js';
import { codeAnswerTokens } from './lib/codeAnswer.js';
import type { CpuRun } from './lib/cpuConsumer.js';
import { CONSUMER_LABELS, CONSUMERS, type ConsumerName } from './lib/cpuConsumers.js';
import { askOnce, forkTs } from './lib/forkTs.js';
import { createReport } from './lib/report.js';
import { spawnEmulator } from './lib/spawnEmulator.js';
import { fmt, median, ratio, verdict } from './lib/stats.js';

const args = parseArgs({ values: ['reps', 'batched', 'paced'] });
const report = createReport('Per-token CPU, side by side', args);
const reps = args.number('reps', args.long ? 3 : 1);
const MODES = {
  batched: {
    tokens: args.number('batched', args.long ? 100_000 : 20_000),
    runs: args.long ? 5 : 3,
    gapMs: 0,
  },
  paced: { tokens: args.number('paced', args.long ? 10_000 : 2_000), runs: args.long ? 3 : 2, gapMs: 1 },
} as const;
type Mode = keyof typeof MODES;
const WARM_TOKENS = { batched: 3_000, paced: 300 } as const;

const scenario: Scenario = {
  seed: args.seed,
  models: Object.fromEntries(
    (Object.keys(MODES) as Mode[]).flatMap((mode) => {
      const { tokens, gapMs } = MODES[mode];
      const script = (n: number) => ({
        chunking: { kind: 'pieces' as const, pieces: codeAnswerTokens(n) },
        ttft: 0,
        interToken: gapMs,
      });
      return [
        [mode, script(tokens)],
        [`warm-${mode}`, script(WARM_TOKENS[mode])],
      ];
    }),
  ),
};

const emulator = await spawnEmulator(scenario);
report.note(
  `emulator: a child process; answer: a code answer cut into real BPE tokens (~3.9 chars); ` +
    `batched ${MODES.batched.tokens.toLocaleString('en-US')} tokens × ${MODES.batched.runs} streams, ` +
    `paced ${MODES.paced.tokens.toLocaleString('en-US')} tokens (1 ms apart) × ${MODES.paced.runs} streams, ` +
    `per consumer process; ${reps} process(es) per consumer and mode`,
);

const runs = new Map<string, CpuRun[]>();
const key = (mode: Mode, consumer: ConsumerName) => `${mode}/${consumer}`;
try {
  for (let rep = 0; rep < reps; rep++) {
    // Rotate the order each repetition so no consumer always runs first (or last).
    const order = CONSUMERS.map((_, i) => CONSUMERS[(i + rep) % CONSUMERS.length]!);
    for (const consumer of order) {
      // One fresh process per consumer (and repetition) runs both modes.
      const child = forkTs(new URL('./lib/cpuConsumer.ts', import.meta.url), ['--expose-gc']);
      const modes = Object.keys(MODES) as Mode[];
      const reply = await askOnce<{ results: CpuRun[][] }>(child, {
        consumer,
        baseURL: emulator.baseURLs.openai,
        jobs: modes.map((mode) => ({ warmModel: `warm-${mode}`, model: mode, runs: MODES[mode].runs })),
      });
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
      modes.forEach((mode, m) => {
        const got = reply.results[m] ?? [];
        for (const run of got) {
          if (run.tokens !== MODES[mode].tokens) {
            throw new Error(`${consumer} received ${run.tokens} tokens of ${MODES[mode].tokens} (${mode})`);
          }
        }
        runs.set(key(mode, consumer), [...(runs.get(key(mode, consumer)) ?? []), ...got]);
      });
    }
  }
} finally {
  await emulator.close();
}
report.data('runs', Object.fromEntries(runs));

const usPerToken = (mode: Mode, consumer: ConsumerName): number =>
  median((runs.get(key(mode, consumer)) ?? []).map((r) => r.cpuUs / r.tokens));
const verdicts: string[][] = [];
for (const mode of Object.keys(MODES) as Mode[]) {
  const floor = usPerToken(mode, 'floor');
  const sdk = usPerToken(mode, 'sdk');
  const aisdk = usPerToken(mode, 'aisdk');
  const floorRuns = runs.get(key(mode, 'floor')) ?? [];
  const perRead = median(floorRuns.map((r) => r.tokens / (r.reads ?? Number.NaN)));
  report.table({
    title: `${mode}: CPU per token of the consumer process (median of ${reps * MODES[mode].runs} streams of ${MODES[mode].tokens.toLocaleString('en-US')} tokens)`,
    headers: [
      'consumer',
      'µs/token',
      'CPU s per 100k tokens',
      'wall ms per stream',
      '÷ floor',
      '÷ SDK loop',
      '÷ AI SDK',
    ],
    rows: CONSUMERS.map((consumer) => {
      const us = usPerToken(mode, consumer);
      const wall = median((runs.get(key(mode, consumer)) ?? []).map((r) => r.wallMs));
      return [
        CONSUMER_LABELS[consumer],
        fmt(us, 2),
        fmt(us / 10, 2),
        fmt(wall, 0),
        ratio(us, floor),
        ratio(us, sdk),
        ratio(us, aisdk),
      ];
    }),
    notes: [`The floor received ${fmt(perRead, 1)} tokens per body read (median) in this mode.`],
  });
  const chorus = usPerToken(mode, 'chorus');
  const ops = usPerToken(mode, 'chorus+ops');
  verdicts.push([
    mode,
    'chorus adapter ÷ AI SDK ≤ 0.5',
    ratio(chorus, aisdk),
    verdict(chorus / aisdk <= 0.5),
  ]);
  if (mode === 'batched') {
    verdicts.push([mode, 'chorus adapter ÷ floor ≤ 2', ratio(chorus, floor), verdict(chorus / floor <= 2)]);
  } else {
    verdicts.push([mode, 'chorus adapter ÷ floor (no target)', ratio(chorus, floor), '–']);
  }
  verdicts.push([mode, 'chorus adapter ÷ SDK loop (no target)', ratio(chorus, sdk), '–']);
  verdicts.push([mode, 'adapter + operators + scorers ÷ AI SDK (no target)', ratio(ops, aisdk), '–']);
}
report.table({
  title: 'Targets (issue 8)',
  headers: ['mode', 'ratio', 'measured', 'target'],
  rows: verdicts,
});
report.finish();
