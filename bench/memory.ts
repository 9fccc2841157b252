/**
 * Memory (issue 8 item 5): peak RSS for 100 concurrent decisions, and bytes per retained token.
 *
 *   npx tsx bench/memory.ts [--long] [--json] [--decisions N] [--tokens N]
 *
 * 1. Peak RSS: a fresh process runs `decisions` concurrent decisions, each a race of 3 variants
 *    (OpenAI, Anthropic and Ollama protocols through the real adapters and SDKs) → snapshots →
 *    scoreIncrementally(default scorers) → takeUntilQuorum(2 of 3), against the emulator in a
 *    child process (its memory is not counted). `LLMOrchestrator.run()` does not exist yet: the
 *    decisions are built from adapters + operators (bench/lib/raceDecision.ts, the seam to swap).
 * `--part concurrent` or `--part retained` runs one half.
 *
 * 2. Bytes per retained token: a fresh process with `--expose-gc` holds snapshots of a known total
 *    size and reports heapUsed after a full GC minus before.
 */
import type { Scenario } from '../src/emulator/index.js';
import { parseArgs } from './lib/args.js';
import { codeAnswerTokens } from './lib/codeAnswer.js';
import { askOnce, forkTs } from './lib/forkTs.js';
import type { ConcurrentResult } from './lib/memoryConcurrent.js';
import type { RetainedRow } from './lib/memoryRetained.js';
import { createReport } from './lib/report.js';
import { spawnEmulator } from './lib/spawnEmulator.js';
import { fmt } from './lib/stats.js';

const args = parseArgs({ values: ['decisions', 'tokens', 'part'] });
const part = args.string('part', 'all');
if (!['all', 'concurrent', 'retained'].includes(part)) {
  throw new TypeError(`\`--part\` must be all, concurrent or retained, got ${JSON.stringify(part)}`);
}
const report = createReport('Memory', args);
const decisions = args.number('decisions', 100);
const tokens = args.number('tokens', args.long ? 1_000 : 300);
const gapMs = 15;
const MB = 1024 * 1024;

const pieces = codeAnswerTokens(tokens);
// Two variants finish a little apart; the third starts late and is cancelled mid-stream.
const scenario: Scenario = {
  seed: args.seed,
  models: Object.fromEntries(
    [50, 120, 400].map((ttft, i) => [
      `m${i}`,
      { chunking: { kind: 'pieces', pieces }, ttft, interToken: gapMs },
    ]),
  ),
};

const exited = (child: ReturnType<typeof forkTs>) =>
  new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));

if (part !== 'retained') await concurrentPart();
if (part !== 'concurrent') await retainedPart();
report.finish();

async function concurrentPart(): Promise<void> {
  const emulator = await spawnEmulator(scenario);
  let concurrent: ConcurrentResult;
  try {
    const child = forkTs(new URL('./lib/memoryConcurrent.ts', import.meta.url), ['--expose-gc']);
    ({ result: concurrent } = await askOnce<{ result: ConcurrentResult }>(child, {
      baseURLs: emulator.baseURLs,
      decisions,
    }));
    await exited(child);
  } finally {
    await emulator.close();
  }
  const c = concurrent;
  report.table({
    title: `Peak memory of ${decisions} concurrent decisions (${decisions * 3} streams, ${tokens} tokens each, one every ${gapMs} ms)`,
    headers: ['measure', 'value'],
    rows: [
      ['RSS before (after one warm-up decision, GC)', `${fmt(c.baselineRss / MB)} MB`],
      ['peak RSS (sampled every 10 ms)', `${fmt(c.peakRss / MB)} MB`],
      ['peak RSS (kernel maxRSS, whole process life)', `${fmt(c.maxRss / MB)} MB`],
      ['peak RSS − before', `${fmt((c.peakRss - c.baselineRss) / MB)} MB`],
      ['per decision (3 streams)', `${fmt((c.peakRss - c.baselineRss) / decisions / 1024)} KB`],
      ['heap used before → peak', `${fmt(c.baselineHeap / MB)} → ${fmt(c.peakHeap / MB)} MB`],
      ['decisions reached / variants cancelled', `${c.decided} / ${c.cancelled}`],
      ['wall time of the batch', `${fmt(c.wallMs / 1000, 2)} s`],
    ],
  });
  report.data('concurrent', c);
}

async function retainedPart(): Promise<void> {
  const job = args.long
    ? { finalVariants: 10, finalTokens: 100_000, allTokens: 20_000 }
    : { finalVariants: 10, finalTokens: 20_000, allTokens: 5_000 };
  const child = forkTs(new URL('./lib/memoryRetained.ts', import.meta.url), [
    '--expose-gc',
    '--no-flush-bytecode',
  ]);
  const { rows } = await askOnce<{ rows: RetainedRow[] }>(child, job);
  await exited(child);
  report.table({
    title: 'Bytes per retained token (heapUsed after full GC, minus before)',
    headers: ['what is held', 'tokens', 'chars', 'heap', 'bytes per token', 'bytes per char'],
    rows: rows.map((r) => [
      r.what,
      r.tokens.toLocaleString('en-US'),
      r.chars.toLocaleString('en-US'),
      `${fmt(r.bytes / MB)} MB`,
      fmt(r.bytes / r.tokens, 1),
      fmt(r.bytes / r.chars, 2),
    ]),
    notes: [
      'Deltas are parsed from wire chunks with `JSON.parse`, as the adapters do: V8 keeps one shared copy of short ' +
        'parsed strings, so a rope costs mostly its concatenation nodes.',
    ],
  });
  report.data('retained', rows);
}
