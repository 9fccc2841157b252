/**
 * Soak: many decisions at a fixed concurrency through one `LLMOrchestrator` (one provider pool),
 * the real SDKs and the provider emulator, with a few faults mixed in. Reports the memory growth
 * after a warm-up (RSS and heap after a full GC), the event-loop delay while it runs, and what is
 * left open at the end (requests at the emulator, sockets, timers).
 *
 * The emulator runs in a child process by default, so that the RSS and the event-loop delay are
 * chorus's own: the emulator writes every byte chorus reads, and its buffers and timers would
 * otherwise count as ours. `--inline` runs it in this process.
 *
 * ```
 * npx tsx bench/soak.ts                          # 1,000 decisions at concurrency 20
 * npx tsx bench/soak.ts --decisions 5000 --concurrency 50 --fault-rate 0.05 --inline --trace --json
 * ```
 *
 * `test/reliability/soak.test.ts` runs a short version in CI (and this one with `CHORUS_SOAK=1`).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { validateConfig } from '../src/config/validateConfig.js';
import type { Decision } from '../src/decision.js';
import {
  type EmulatedRequest,
  type Fault,
  type RequestRecord,
  type Scenario,
  startEmulator,
} from '../src/emulator/index.js';
import { emulatorClients } from '../src/orchestrator/emulatorClients.js';
import { LLMOrchestrator } from '../src/orchestrator.js';

/** Options of {@link runSoak}. */
export interface SoakOptions {
  /** Decisions in all, warm-up included. @defaultValue 1000 */
  readonly decisions?: number;
  /** Decisions in flight at once. @defaultValue 20 */
  readonly concurrency?: number;
  /** Decisions before the memory baseline is taken. @defaultValue 20 % of `decisions` */
  readonly warmup?: number;
  /** Share of requests that get a fault (503, reset mid-stream, malformed chunk). @defaultValue 0.05 */
  readonly faultRate?: number;
  /** Multiplies every emulated delay. @defaultValue 1 */
  readonly timeScale?: number;
  /** Where the emulator runs: a child process (chorus's figures alone) or this one. @defaultValue `'child'` */
  readonly emulator?: 'child' | 'inline';
  /**
   * Memory samples at every tenth of the measured part. Each is a full GC that stalls the loop,
   * so the event-loop delay of a traced run is pessimistic. @defaultValue false
   */
  readonly trace?: boolean;
  /** Progress lines (one per 10 %). @defaultValue none */
  readonly log?: (line: string) => void;
}

/** What {@link runSoak} measured. */
export interface SoakReport {
  readonly decisions: number;
  readonly concurrency: number;
  readonly warmup: number;
  readonly emulator: 'child' | 'inline';
  readonly durationMs: number;
  readonly decisionsPerSecond: number;
  /** Decided with consensus / decided but flagged `noConsensus` / rejected (by error type). */
  readonly outcomes: {
    readonly consensus: number;
    readonly noConsensus: number;
    readonly rejected: Readonly<Record<string, number>>;
  };
  /** Variants by outcome over all decisions (won, agreed, lost, cancelled, failed). */
  readonly variants: Readonly<Record<string, number>>;
  /** At the emulator: requests, faults injected, clients that went away (cancelled), writes after that. */
  readonly requests: {
    readonly total: number;
    readonly faults: number;
    readonly cancelled: number;
    readonly tokensAfterGone: number;
    readonly openAtEnd: number;
  };
  /** MB after a full GC: after the warm-up, at the end, and the growth in %. */
  readonly rss: { readonly afterWarmupMb: number; readonly endMb: number; readonly growthPct: number };
  readonly heapUsed: { readonly afterWarmupMb: number; readonly endMb: number; readonly growthPct: number };
  /** RSS and heap used (MB, after a full GC) at the end of the warm-up and at every tenth after it. */
  readonly trace: readonly {
    readonly done: number;
    readonly rssMb: number;
    readonly heapMb: number;
    /** V8's committed heap (used or not), MB. */
    readonly heapTotalMb: number;
    /** Memory of Buffers and other objects outside the V8 heap, MB. */
    readonly externalMb: number;
  }[];
  /**
   * Event-loop delay while the measured part ran (after the warm-up): how late a 10 ms timer
   * fired, ms.
   */
  readonly eventLoopDelay: {
    readonly meanMs: number;
    readonly p50Ms: number;
    readonly p99Ms: number;
    readonly maxMs: number;
  };
  /** Client sockets still open once every request ended (HTTP keep-alive, not leaks). */
  readonly keepAliveSockets: number;
  /** Handles beyond those before the soak once the emulator is closed (must be empty). */
  readonly leftOpen: readonly string[];
  /** The cost ledgers of all decisions together. */
  readonly cost: { readonly usd: number; readonly inputTokens: number; readonly outputTokens: number };
}

const PROMPT = (a: number, b: number) =>
  `A crate holds ${a} rows of ${b} jars. What is ${a} × ${b}, in jars?`;

/** The three providers' answers to a prompt: two agree quickly, the third rambles (cancelled). */
function answer(style: 'fast' | 'mid' | 'slow', request: EmulatedRequest): string {
  const m = /holds (\d+) rows of (\d+) jars/.exec(request.prompt);
  const a = Number(m?.[1] ?? 0);
  const b = Number(m?.[2] ?? 0);
  switch (style) {
    case 'fast':
      return `${a} × ${b} = ${a * b}. The answer is ${a * b}.`;
    case 'mid':
      return `There are ${a} rows with ${b} jars each, so ${a} * ${b} = ${a * b} jars. The answer is ${a * b}.`;
    case 'slow':
      return `${'Let me count the jars row by row and keep a running total as I go. '.repeat(8)}The answer is ${a * b}.`;
  }
}

/** A deterministic share of requests get one of three faults. */
function faultFor(rate: number, salt: number) {
  return (request: EmulatedRequest): Fault | null => {
    const h = ((request.index + 1) * 2654435761 + salt * 40503) >>> 0;
    if ((h % 10_000) / 10_000 >= rate) return null;
    const faults: Fault[] = [
      { kind: 'status', status: 503 },
      { kind: 'reset', afterTokens: 2 },
      { kind: 'malformed_chunk', afterTokens: 1 },
    ];
    return faults[(h >>> 14) % faults.length]!;
  };
}

function handles(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of process.getActiveResourcesInfo()) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

function extraHandles(before: Map<string, number>): string[] {
  return [...handles()]
    .filter(([name, n]) => n > (before.get(name) ?? 0))
    .map(([name, n]) => `${name}×${n - (before.get(name) ?? 0)}`);
}

/** Tick of the event-loop delay monitor, ms. */
const DELAY_RESOLUTION_MS = 10;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A full GC, made callable without starting Node with `--expose-gc`. */
function fullGc(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return () => {
    gc();
    gc();
  };
}

/** The soak's scenario: three models, a deterministic share of faults. */
function soakScenario(faultRate: number, timeScale: number): Scenario {
  return {
    seed: 11,
    timeScale,
    models: {
      'soak-fast': {
        text: (r) => answer('fast', r),
        ttft: { kind: 'lognormal', median: 15, sigma: 0.5 },
        interToken: 1,
        fault: faultFor(faultRate, 1),
      },
      'soak-mid': {
        text: (r) => answer('mid', r),
        ttft: { kind: 'lognormal', median: 30, sigma: 0.5 },
        interToken: 1,
        fault: faultFor(faultRate, 2),
      },
      'soak-slow': {
        text: (r) => answer('slow', r),
        ttft: 10,
        interToken: 3,
        fault: faultFor(faultRate, 3),
      },
    },
  };
}

/** Requests as the emulator saw them end. */
interface EmulatorTally {
  total: number;
  faults: number;
  cancelled: number;
  tokensAfterGone: number;
}

/** What the soak needs of an emulator, wherever it runs. */
interface SoakEmulator {
  readonly baseURLs: { readonly openai: string; readonly anthropic: string; readonly ollama: string };
  /** Waits until no request is open, then reports the counts since the start and what is open. */
  settle(): Promise<EmulatorTally & { readonly open: number }>;
  close(): Promise<void>;
}

/** Starts the soak's emulator in this process and counts every request as it ends. */
async function inlineEmulator(faultRate: number, timeScale: number): Promise<SoakEmulator> {
  const emulator = await startEmulator(soakScenario(faultRate, timeScale));
  const tally: EmulatorTally = { total: 0, faults: 0, cancelled: 0, tokensAfterGone: 0 };
  emulator.on('end', (record: RequestRecord) => {
    tally.total++;
    if (record.fault !== undefined) tally.faults++;
    if (record.outcome === 'gone') tally.cancelled++;
    tally.tokensAfterGone += record.tokensAfterGone;
    // The request log is test data, not chorus state: keep it from growing.
    if (tally.total % 150 === 0) emulator.resetStats();
  });
  return {
    baseURLs: emulator.baseURLs,
    async settle() {
      await emulator.idle();
      return { ...tally, open: emulator.stats().totals.open };
    },
    close: () => emulator.close(),
  };
}

type ChildMessage =
  | { readonly type: 'start'; readonly faultRate: number; readonly timeScale: number }
  | { readonly type: 'settle' }
  | { readonly type: 'close' };

/** Runs {@link inlineEmulator} in a child process (this file with `--emulator-child`), over IPC. */
async function childEmulator(faultRate: number, timeScale: number): Promise<SoakEmulator> {
  // From the repository root, `--import tsx` finds the loader in node_modules.
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--emulator-child'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ask = <T>(message: ChildMessage): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the emulator child exited (${code})`));
      child.once('exit', onExit);
      child.once('message', (reply: { type: string; message?: string }) => {
        child.off('exit', onExit);
        if (reply.type === 'error') reject(new Error(`emulator child: ${reply.message}`));
        else resolve(reply as T);
      });
      child.send(message);
    });
  const { url } = await ask<{ url: string }>({ type: 'start', faultRate, timeScale });
  return {
    baseURLs: { openai: `${url}/v1`, anthropic: url, ollama: url },
    settle: () => ask({ type: 'settle' }),
    async close() {
      await ask({ type: 'close' });
      await exited;
    },
  };
}

/** The child side of {@link childEmulator}: answers the parent's messages until `close`. */
function serveEmulatorChild(): void {
  let emulator: SoakEmulator | undefined;
  const act = async (message: ChildMessage): Promise<object> => {
    switch (message.type) {
      case 'start':
        emulator = await inlineEmulator(message.faultRate, message.timeScale);
        return { type: 'started', url: emulator.baseURLs.anthropic };
      case 'settle':
        if (emulator === undefined) throw new Error('not started');
        return { type: 'settled', ...(await emulator.settle()) };
      case 'close':
        await emulator?.close();
        return { type: 'closed' };
    }
  };
  process.on('message', (message: ChildMessage) => {
    act(message).then(
      (reply) => {
        process.send?.(reply);
        if (message.type === 'close') process.disconnect();
      },
      (error: unknown) =>
        process.send?.({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
  });
}

/**
 * Runs the soak and reports what it measured. Throws nothing on a bad figure: the caller (the CI
 * test, or a human reading the output) judges the numbers.
 *
 * @example
 * const report = await runSoak({ decisions: 200, concurrency: 20 });
 * report.rss.growthPct; // e.g. 1.8
 */
export async function runSoak(options: SoakOptions = {}): Promise<SoakReport> {
  const decisions = options.decisions ?? 1000;
  const concurrency = options.concurrency ?? 20;
  const warmup = options.warmup ?? Math.round(decisions * 0.2);
  const faultRate = options.faultRate ?? 0.05;
  const where = options.emulator ?? 'child';
  const log = options.log ?? (() => {});
  if (!(Number.isInteger(decisions) && decisions >= 1)) {
    throw new TypeError('`decisions` must be an integer >= 1');
  }
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new TypeError('`concurrency` must be an integer >= 1');
  }
  if (!(Number.isInteger(warmup) && warmup >= 0 && warmup < decisions)) {
    throw new TypeError('`warmup` must be an integer from 0 to `decisions` - 1');
  }
  if (where !== 'child' && where !== 'inline') throw new TypeError("`emulator` must be 'child' or 'inline'");

  const gc = fullGc();
  const before = handles();
  const timeScale = options.timeScale ?? 1;
  const emulator =
    where === 'child'
      ? await childEmulator(faultRate, timeScale)
      : await inlineEmulator(faultRate, timeScale);

  const provider = (kind: string, model: string) => ({
    kind,
    model,
    prices: { input: 1, output: 2 },
    retries: { max_attempts: 2, base_delay_ms: 5, max_delay_ms: 20 },
    timeouts: { first_token_ms: 5000, idle_ms: 5000 },
  });
  const config = validateConfig({
    orchestration: {
      timeout_seconds: 10,
      max_providers: 3,
      variations: { providers: ['fast', 'mid', 'slow'] },
      consensus: { method: 'majority', min_responses: 2, task: 'math' },
    },
    providers: {
      fast: provider('openai', 'soak-fast'),
      mid: provider('anthropic', 'soak-mid'),
      slow: provider('ollama', 'soak-slow'),
    },
  });
  const chorus = new LLMOrchestrator(config, { clients: emulatorClients(config, emulator), cache: false });

  const outcomes = { consensus: 0, noConsensus: 0, rejected: {} as Record<string, number> };
  const variants: Record<string, number> = {};
  const cost = { usd: 0, inputTokens: 0, outputTokens: 0 };
  const record = (decision: Decision) => {
    if (decision.noConsensus) outcomes.noConsensus++;
    else outcomes.consensus++;
    for (const v of decision.variants) variants[v.outcome] = (variants[v.outcome] ?? 0) + 1;
    cost.usd += decision.cost.usd ?? 0;
    cost.inputTokens += decision.cost.total.inputTokens;
    cost.outputTokens += decision.cost.total.outputTokens;
  };

  const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
  const trace: SoakReport['trace'][number][] = [];
  const sample = (at: number) => {
    gc();
    const m = process.memoryUsage();
    trace.push({
      done: at,
      rssMb: mb(m.rss),
      heapMb: mb(m.heapUsed),
      heapTotalMb: mb(m.heapTotal),
      externalMb: mb(m.external),
    });
    return m;
  };
  const tenth = Math.max(1, Math.round((decisions - warmup) / 10));
  const traced = options.trace ?? false;
  const delay = monitorEventLoopDelay({ resolution: DELAY_RESOLUTION_MS });

  let next = 0;
  let done = 0;
  const worker = async (until: number): Promise<void> => {
    while (next < until) {
      const n = next++;
      const a = 3 + (n % 97);
      const b = 4 + ((n * 7) % 89);
      try {
        record(await chorus.run(PROMPT(a, b)));
      } catch (error) {
        const type = (error as { type?: unknown }).type;
        const key = typeof type === 'string' ? type : error instanceof Error ? error.name : 'unknown';
        outcomes.rejected[key] = (outcomes.rejected[key] ?? 0) + 1;
      }
      done++;
      if (traced && done > warmup && (done - warmup) % tenth === 0 && done < decisions) {
        const m = sample(done);
        log(`${done}/${decisions} decisions, RSS ${mb(m.rss)} MB, heap ${mb(m.heapUsed)} MB`);
      }
    }
  };
  const phase = (until: number) => Promise.all(Array.from({ length: concurrency }, () => worker(until)));

  // Both memory figures are taken in the same state: every request ended, then a full GC and a
  // rest (V8 sweeps and returns freed pages on background threads), then another full GC.
  const quiet = async () => {
    const settled = await emulator.settle();
    gc();
    await sleep(250);
    return { settled, memory: sample(done) };
  };
  const started = performance.now();
  await phase(warmup);
  const { rss: rss0, heapUsed: heap0 } = (await quiet()).memory;
  const measuredFrom = performance.now();
  delay.enable();
  await phase(decisions);
  delay.disable();
  const durationMs = performance.now() - measuredFrom + (measuredFrom - started);
  const { settled, memory } = await quiet();
  const { rss: rss1, heapUsed: heap1 } = memory;
  const keepAliveSockets = (handles().get('TCPSocketWrap') ?? 0) - (before.get('TCPSocketWrap') ?? 0);
  await emulator.close();
  // Closed sockets and cleared timers leave the handle list within a few turns.
  let leftOpen = extraHandles(before);
  for (let i = 0; i < 100 && leftOpen.length > 0; i++) {
    await sleep(20);
    leftOpen = extraHandles(before);
  }

  const pct = (a: number, b: number) => Math.round(((b - a) / a) * 1000) / 10;
  // The histogram records the interval between the monitor's ticks: lateness is that minus the tick.
  const ms = (ns: number) => Math.max(0, Math.round((ns - DELAY_RESOLUTION_MS * 1e6) / 1e4) / 100);
  return {
    decisions,
    concurrency,
    warmup,
    emulator: where,
    durationMs: Math.round(durationMs),
    decisionsPerSecond: Math.round((decisions / durationMs) * 10_000) / 10,
    outcomes,
    variants,
    requests: {
      total: settled.total,
      faults: settled.faults,
      cancelled: settled.cancelled,
      tokensAfterGone: settled.tokensAfterGone,
      openAtEnd: settled.open,
    },
    rss: { afterWarmupMb: mb(rss0), endMb: mb(rss1), growthPct: pct(rss0, rss1) },
    heapUsed: { afterWarmupMb: mb(heap0), endMb: mb(heap1), growthPct: pct(heap0, heap1) },
    trace,
    eventLoopDelay: {
      meanMs: ms(delay.mean),
      p50Ms: ms(delay.percentile(50)),
      p99Ms: ms(delay.percentile(99)),
      maxMs: ms(delay.max),
    },
    keepAliveSockets,
    leftOpen,
    cost: {
      usd: Math.round(cost.usd * 1e6) / 1e6,
      inputTokens: cost.inputTokens,
      outputTokens: cost.outputTokens,
    },
  };
}

/** The report as Markdown lines. */
export function formatSoak(r: SoakReport): string {
  const rows: [string, string][] = [
    [
      'decisions (concurrency)',
      `${r.decisions} (${r.concurrency}), warm-up ${r.warmup}, emulator ${r.emulator === 'child' ? 'in a child process' : 'in this process'}`,
    ],
    ['duration', `${(r.durationMs / 1000).toFixed(1)} s, ${r.decisionsPerSecond} decisions/s`],
    [
      'outcomes',
      `${r.outcomes.consensus} consensus, ${r.outcomes.noConsensus} flagged no-consensus, rejected ${JSON.stringify(r.outcomes.rejected)}`,
    ],
    ['variants', JSON.stringify(r.variants)],
    [
      'requests at the emulator',
      `${r.requests.total} (${r.requests.faults} faulted, ${r.requests.cancelled} cancelled), ${r.requests.tokensAfterGone} writes after a cancel, ${r.requests.openAtEnd} open at the end`,
    ],
    ['RSS after GC', `${r.rss.afterWarmupMb} MB after warm-up → ${r.rss.endMb} MB (${r.rss.growthPct} %)`],
    [
      'heap used after GC',
      `${r.heapUsed.afterWarmupMb} MB after warm-up → ${r.heapUsed.endMb} MB (${r.heapUsed.growthPct} %)`,
    ],
    [
      'memory trace (MB, after GC: RSS / heap used / heap committed / external)',
      r.trace.map((t) => `${t.done}: ${t.rssMb}/${t.heapMb}/${t.heapTotalMb}/${t.externalMb}`).join(', '),
    ],
    [
      'event-loop delay',
      `mean ${r.eventLoopDelay.meanMs} ms, p50 ${r.eventLoopDelay.p50Ms} ms, p99 ${r.eventLoopDelay.p99Ms} ms, max ${r.eventLoopDelay.maxMs} ms`,
    ],
    [
      'left open',
      `${r.keepAliveSockets} keep-alive sockets before closing the emulator; after: ${r.leftOpen.length === 0 ? 'nothing' : r.leftOpen.join(', ')}`,
    ],
    ['cost (all ledgers)', `$${r.cost.usd}, ${r.cost.inputTokens} in / ${r.cost.outputTokens} out tokens`],
  ];
  return ['| measure | value |', '| --- | --- |', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
}

function flag(argv: readonly string[], name: string): number | undefined {
  const i = argv.indexOf(`--${name}`);
  if (i === -1) return undefined;
  const value = Number(argv[i + 1]);
  if (!Number.isFinite(value)) throw new TypeError(`\`--${name}\` needs a number`);
  return value;
}

async function main(argv: readonly string[]): Promise<void> {
  const known = new Set([
    '--decisions',
    '--concurrency',
    '--warmup',
    '--fault-rate',
    '--time-scale',
    '--inline',
    '--trace',
    '--json',
  ]);
  for (const arg of argv) {
    if (arg.startsWith('--') && !known.has(arg))
      throw new TypeError(`unknown flag ${arg}; known: ${[...known].join(', ')}`);
  }
  const json = argv.includes('--json');
  const options: SoakOptions = {
    decisions: flag(argv, 'decisions') ?? 1000,
    concurrency: flag(argv, 'concurrency') ?? 20,
    ...(flag(argv, 'warmup') !== undefined && { warmup: flag(argv, 'warmup')! }),
    ...(flag(argv, 'fault-rate') !== undefined && { faultRate: flag(argv, 'fault-rate')! }),
    ...(flag(argv, 'time-scale') !== undefined && { timeScale: flag(argv, 'time-scale')! }),
    emulator: argv.includes('--inline') ? 'inline' : 'child',
    trace: argv.includes('--trace'),
    ...(!json && { log: (line: string) => process.stderr.write(`${line}\n`) }),
  };
  const report = await runSoak(options);
  process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${formatSoak(report)}\n`);
  const ok = report.rss.growthPct < 10 && report.leftOpen.length === 0 && report.requests.openAtEnd === 0;
  process.exitCode = ok ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv.includes('--emulator-child')) serveEmulatorChild();
  else {
    main(process.argv.slice(2)).catch((error: unknown) => {
      process.stderr.write(`soak: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    });
  }
}
