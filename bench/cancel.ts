/**
 * Cancellation latency (issue 8 item 6): for each protocol, through the real adapters (and SDKs)
 * against the emulator (in this process, so both sides read the same `performance.now()` clock),
 * N races of three variants decided by `takeUntilQuorum({ quorum: 1 })`: the first to finish wins
 * and the decision unsubscribes the two losers, one streaming (headers and chunks received) and one
 * still waiting for its response headers. Reports the ms from the decision (a `performance.now()`
 * taken when it arrives, just before the operator unsubscribes upstream) to the emulator seeing each
 * loser's socket close (its `goneAt`).
 *
 *   npx tsx bench/cancel.ts [--long] [--json] [--races N]
 *
 * The first race per process pays one-time costs (first abort, lazy modules) and is reported apart.
 */
import { merge } from 'rxjs';
import { type Protocol, type RequestRecord, startEmulator } from '../src/emulator/index.js';
import { scoreIncrementally } from '../src/operators/scoreIncrementally.js';
import { snapshots } from '../src/operators/snapshots.js';
import { takeUntilQuorum } from '../src/operators/takeUntilQuorum.js';
import { parseArgs } from './lib/args.js';
import { createReport } from './lib/report.js';
import { fmt, summary, verdict } from './lib/stats.js';
import { createVariantFactory, PROTOCOLS } from './lib/variants.js';

const args = parseArgs({ values: ['races'] });
const report = createReport('Cancellation: decision → loser socket closed', args);
const races = args.number('races', args.long ? 200 : 30);

const emulator = await startEmulator({
  seed: args.seed,
  models: {
    // Finishes after ~40 ms: the winner.
    winner: { text: 'The answer is 42, because six times seven is forty-two.', ttft: 20, interToken: 1 },
    // Streams for ~10 s: cancelled mid-stream.
    streaming: { text: 'Let me think this through step by step. '.repeat(250), ttft: 5, interToken: 5 },
    // Sends its headers only after 10 s: cancelled before any response.
    waiting: { text: 'Too late.', headersDelay: 10_000 },
  },
});
const variants = createVariantFactory(emulator.baseURLs);
const gone: RequestRecord[] = [];
emulator.on('gone', (record) => gone.push(record));

/** One race; resolves with the decision time and the losers' records once both are gone. */
async function race(protocol: Protocol): Promise<{ decidedAt: number; losers: RequestRecord[] }> {
  gone.length = 0;
  const decidedAt = await new Promise<number>((resolve, reject) => {
    merge(
      variants.stream(protocol, 'winner', 'winner'),
      variants.stream(protocol, 'streaming', 'streaming'),
      variants.stream(protocol, 'waiting', 'waiting'),
    )
      .pipe(snapshots(), scoreIncrementally([]), takeUntilQuorum({ quorum: 1, expected: 3 }))
      .subscribe({
        next: (event) => {
          if (event.type === 'quorum') resolve(performance.now());
        },
        error: reject,
      });
  });
  const deadline = performance.now() + 5_000;
  while (gone.length < 2 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 1));
  if (gone.length < 2) throw new Error(`${protocol}: only ${gone.length} of 2 losers went away within 5 s`);
  await emulator.idle();
  return { decidedAt, losers: [...gone] };
}

const rows: string[][] = [];
const warmRows: string[][] = [];
const all: Record<string, number[]> = {};
let worstMedian = 0;
try {
  for (const protocol of PROTOCOLS) {
    const first = await race(protocol);
    warmRows.push([
      protocol,
      ...['streaming', 'waiting'].map((model) => {
        const r = first.losers.find((l) => l.model === model);
        return fmt((r?.goneAt ?? Number.NaN) - first.decidedAt, 2);
      }),
    ]);
    const byModel: Record<string, number[]> = { streaming: [], waiting: [] };
    for (let i = 0; i < races; i++) {
      const { decidedAt, losers } = await race(protocol);
      for (const loser of losers) byModel[loser.model]?.push((loser.goneAt ?? Number.NaN) - decidedAt);
    }
    const both = [...(byModel.streaming ?? []), ...(byModel.waiting ?? [])];
    for (const [label, values] of [
      ['both losers', both],
      ['streaming loser', byModel.streaming ?? []],
      ['loser waiting for headers', byModel.waiting ?? []],
    ] as const) {
      const s = summary(values);
      rows.push([protocol, label, String(s.n), fmt(s.p50, 2), fmt(s.p90, 2), fmt(s.max, 2)]);
    }
    all[protocol] = both;
    worstMedian = Math.max(worstMedian, summary(both).p50);
  }
} finally {
  await emulator.close();
}
const afterGone = emulator.stats().totals.tokensAfterGone;
report.table({
  title: `ms from the decision to the emulator seeing the loser's socket close (${races} races per protocol)`,
  headers: ['protocol', 'loser', 'n', 'median', 'p90', 'max'],
  rows,
  notes: [
    `Chunks the emulator wrote after a client had gone: ${afterGone}. ` +
      `Target: median ≤ 50 ms for every protocol — worst median ${fmt(worstMedian, 2)} ms: ${verdict(worstMedian <= 50)}.`,
  ],
});
report.table({
  title: 'The first race of each protocol in this process (not in the table above), ms',
  headers: ['protocol', 'streaming loser', 'loser waiting for headers'],
  rows: warmRows,
});
report.data('ms', all);
report.finish();
