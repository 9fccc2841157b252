/**
 * Latency of a decision (issue 8 items 1–2): chorus 2-of-3 and 3-of-5 against one query, the naive
 * ensemble (`Promise.all` over the same 3 variants, then pick) and sequential querying (the same 3,
 * one after the other), through the real adapters and SDKs against the provider emulator (in a
 * child process, so its timers and writes do not compete with the client for the event loop).
 *
 *   npx tsx bench/latency.ts [--long] [--json] [--trials N] [--time-scale X] [--serial] [--data DIR]
 *                            [--plan-only] [--simulate N] [--speed TOKENS_PER_SECOND]
 *                            [--engine run|operators|both]
 *
 * Every trial draws, for each of 5 variant slots, a time to first token ~ lognormal(median 250 ms,
 * σ 0.6) with a 3% slow path ×5–20, and a speed of 80 tokens/s ±20% with per-token noise
 * (lognormal σ 0.2; `--speed` changes the 80): the model of ../shared/LATENCY.md. Answers are real chain-of-thought GSM8K
 * answers (bench/lib/answers.ts), one source per slot, rotated per trial; the emulator streams
 * them word by word. The draws are fixed per trial and shared by every contender (paired trials),
 * and the contenders of a trial run at the same time (`--serial`: one after another). Slots use the
 * OpenAI, Anthropic and Ollama protocols in turn; the single query is slot 0 (OpenAI).
 *
 * chorus (`--engine run`, the default) = `LLMOrchestrator.run()` as users run it: one orchestrator
 * per configuration (bench/lib/benchOrchestrator.ts: providers p0…p(n−1) of the slots' protocols,
 * `base_url` to the child emulator, model `v<i>`, method `majority`, task `math`, `min_responses`
 * = k, no cache, no retries, no hedging, generous timeouts), reused across trials. Its quorum
 * counts *agreeing* answers (the extracted number), so a trial whose early answers disagree waits
 * for more. Overhead = the moment `run()` resolves − the k-th agreeing variant's end (without a
 * quorum, the last end: the decision then needs every answer), that end
 * taken from the Decision (`timings.endMs`, ms after the orchestrator's start) added to the
 * `performance.now()` taken just before `run()`: an upper bound, since the orchestrator's own
 * clock starts a little later (after planning the call).
 * `--engine operators`: the decision built from the operators directly (bench/lib/raceDecision.ts:
 * merge → endOnError → snapshots → scoreIncrementally(default scorers) → takeUntilQuorum with a key
 * on which all answers agree, so the quorum is reached by the k-th finish); overhead = decision −
 * the k-th variant's `end` (both `performance.now()` in this process). `--engine both` runs the two
 * side by side in the same trials.
 *
 * Scenario physics: the same trials' *planned* finish times (TTFT + every inter-token wait, from
 * the emulator's own `planResponse`, no network, no client), and `--simulate N` more trials
 * (default 20,000), give the ratios a perfect engine would get: what the targets can be held to.
 * `--plan-only` prints only those (seconds, no emulator).
 *
 * `--time-scale` multiplies every emulated delay (the quick run uses 0.02; the quoted run is
 * `--long`, in real time, about 30 minutes). CPU work does not scale: at small scales the client's per-token work is
 * a larger share of each trial.
 */
import { lastValueFrom, toArray } from 'rxjs';
import { createRandom, type Distribution, type ModelScript, sample } from '../src/emulator/index.js';
import { planResponse } from '../src/emulator/planResponse.js';
import type { VariantEvent } from '../src/events.js';
import { DEFAULT_DATA_DIR, loadProblems } from './lib/answers.js';
import { parseArgs } from './lib/args.js';
import { createBenchOrchestrator, runDecisionTimed } from './lib/benchOrchestrator.js';
import { raceDecision } from './lib/raceDecision.js';
import { createReport } from './lib/report.js';
import { describeScorers, loadScorers } from './lib/scorers.js';
import { spawnEmulator } from './lib/spawnEmulator.js';
import { fmt, quantile, ratio, summary, verdict } from './lib/stats.js';
import { createVariantFactory, PROTOCOLS } from './lib/variants.js';

const args = parseArgs({
  values: ['trials', 'time-scale', 'data', 'simulate', 'speed', 'engine'],
  flags: ['serial', 'plan-only'],
});
const report = createReport('Latency: chorus against single, naive and sequential', args);
const trials = args.number('trials', 200);
const timeScale = args.number('time-scale', args.long ? 1 : 0.02);
const serial = args.flag('serial');
const ENGINES = ['run', 'operators', 'both'] as const;
const engine = args.string('engine', 'run') as (typeof ENGINES)[number];
if (!ENGINES.includes(engine)) {
  throw new TypeError(`\`--engine\` must be one of ${ENGINES.join(', ')}, got ${engine}`);
}
const TTFT: Distribution = {
  kind: 'lognormal',
  median: 250,
  sigma: 0.6,
  slowPath: { p: 0.03, factor: [5, 20] },
};
const TOKENS_PER_SECOND = args.number('speed', 80);
const SLOTS = 5;

const { problems, source } = loadProblems(args.string('data', DEFAULT_DATA_DIR), args.seed);
const loaded = await loadScorers('math');
report.note(
  `${trials} trials, time scale ${timeScale}${serial ? ', contenders one after another' : ', contenders of a trial at the same time'}; ` +
    `TTFT lognormal(median 250 ms, σ 0.6) + 3% slow path ×5–20; ${TOKENS_PER_SECOND} tokens/s ±20%; ` +
    `answers: ${source}; ${describeScorers(loaded)}; chorus engine: ${engine}`,
);

// Started only when measuring (after the physics), but used by the contenders defined below.
let emulator: Awaited<ReturnType<typeof spawnEmulator>>;
let variants: ReturnType<typeof createVariantFactory>;
let orchestrators: ReadonlyMap<string, ReturnType<typeof createBenchOrchestrator>>;

/** The draws of one trial: the same for every contender. */
function trialScripts(trial: number): { models: Record<string, ModelScript>; question: string } {
  const random = createRandom(`${args.seed}/trial/${trial}`);
  const problem = problems[((trial % problems.length) + problems.length) % problems.length]!;
  const models: Record<string, ModelScript> = {};
  for (let i = 0; i < SLOTS; i++) {
    const speed = TOKENS_PER_SECOND * (0.8 + 0.4 * random.next());
    models[`v${i}`] = {
      text: problem.answers[(((i + trial) % SLOTS) + SLOTS) % SLOTS]!,
      ttft: sample(TTFT, random),
      interToken: { kind: 'lognormal', median: 1000 / speed, sigma: 0.2 },
    };
  }
  return { models, question: problem.question };
}

interface Outcome {
  readonly ms: number;
  /** Decision − k-th finish (chorus only). */
  readonly overheadMs?: number;
  /** k-th finish − start (chorus only): the physical limit. */
  readonly kthMs?: number;
  /** `run()` only: the Decision's `decidedMs` − the k-th agreeing end (both on its own clock). */
  readonly insideMs?: number;
  /** `run()` only: an answer that disagreed with the quorum ended before its k-th member. */
  readonly disagreed?: boolean;
  readonly failed: boolean;
}

const slot = (i: number, question: string) =>
  variants.stream(PROTOCOLS[i % PROTOCOLS.length]!, `v${i}`, `v${i}`, question);
const complete = async (i: number, question: string): Promise<boolean> => {
  const events: VariantEvent[] = await lastValueFrom(slot(i, question).pipe(toArray()));
  return events.some((e) => e.type === 'end' && e.finish === 'stop');
};

/** The chorus contenders of the engines asked for, by name. */
const QUORUMS = [
  [2, 3],
  [3, 5],
] as const;
const chorusContenders: Record<string, (question: string) => Promise<Outcome>> = {};
for (const [k, n] of QUORUMS) {
  if (engine !== 'operators') chorusContenders[`chorus ${k}-of-${n} run()`] = (q) => chorusRun(k, n, q);
  if (engine !== 'run') chorusContenders[`chorus ${k}-of-${n} operators`] = (q) => chorus(k, n, q);
}

const CONTENDERS: Readonly<Record<string, (question: string) => Promise<Outcome>>> = {
  single: async (question) => {
    const t0 = performance.now();
    const ok = await complete(0, question);
    return { ms: performance.now() - t0, failed: !ok };
  },
  ...chorusContenders,
  'naive Promise.all of 3': async (question) => {
    const t0 = performance.now();
    const ok = await Promise.all([0, 1, 2].map((i) => complete(i, question)));
    // "then pick": a majority over the (agreeing) answers costs nothing measurable here.
    return { ms: performance.now() - t0, failed: !ok.every(Boolean) };
  },
  'sequential 3': async (question) => {
    const t0 = performance.now();
    let failed = false;
    for (let i = 0; i < 3; i++) failed = !(await complete(i, question)) || failed;
    return { ms: performance.now() - t0, failed };
  },
};

async function chorus(k: number, n: number, question: string): Promise<Outcome> {
  const t0 = performance.now();
  const { decision, decidedAt, ends } = await raceDecision({
    variants: Array.from({ length: n }, (_, i) => slot(i, question)),
    quorum: k,
    scorers: loaded.scorers,
    context: { prompt: question, task: 'math' },
  });
  const kth = ends.filter((e) => e.finish === 'stop')[k - 1]?.at ?? Number.NaN;
  return { ms: decidedAt - t0, overheadMs: decidedAt - kth, kthMs: kth - t0, failed: !decision.reached };
}

async function chorusRun(k: number, n: number, question: string): Promise<Outcome> {
  const timed = await runDecisionTimed(orchestrators.get(`${k}/${n}`)!, question);
  return {
    ms: timed.decidedAt - timed.calledAt,
    overheadMs: timed.decidedAt - (timed.calledAt + timed.kthEndMs),
    kthMs: timed.kthEndMs,
    insideMs: timed.decision.timings.decidedMs - timed.kthEndMs,
    disagreed: timed.disagreed,
    failed: !timed.decision.quorum.reached,
  };
}

/**
 * Planned finish time (ms, unscaled) of each slot of `trial`: its TTFT plus every inter-token
 * wait, from the emulator's own plan (the request index is taken as 0).
 */
function plannedFinishes(trial: number): number[] {
  const { models, question } = trialScripts(trial);
  return Array.from({ length: SLOTS }, (_, i) => {
    const plan = planResponse({
      script: models[`v${i}`]!,
      request: { protocol: 'openai', model: `v${i}`, prompt: question, messages: [], index: 0, body: {} },
      seed: args.seed * 100_003 + trial,
      timeScale: 1,
    });
    return plan.ttftMs + plan.interTokenMs.reduce((a, b) => a + b, 0);
  });
}

const kth = (values: readonly number[], k: number) => [...values].sort((a, b) => a - b)[k - 1] ?? Number.NaN;
/** What each contender would take, from planned finish times alone. */
const PLANNED: Readonly<Record<string, (f: readonly number[]) => number>> = {
  single: (f) => f[0]!,
  'chorus 2-of-3': (f) => kth(f.slice(0, 3), 2),
  'chorus 3-of-5': (f) => kth(f.slice(0, 5), 3),
  'naive Promise.all of 3': (f) => Math.max(...f.slice(0, 3)),
  'sequential 3': (f) => f[0]! + f[1]! + f[2]!,
};

function physics(count: number, from: number): Map<string, number[]> {
  const out = new Map<string, number[]>(Object.keys(PLANNED).map((name) => [name, []]));
  for (let t = from; t < from + count; t++) {
    const f = plannedFinishes(t);
    for (const [name, of] of Object.entries(PLANNED)) out.get(name)!.push(of(f));
  }
  return out;
}

const simulated = args.number('simulate', 20_000);
const planned = physics(trials, 0);
const simulation = physics(simulated, trials);
const physicsRow = (label: string, data: Map<string, number[]>, name: string): string[] => {
  const q = (n: string, at: number) => quantile(data.get(n) ?? [], at);
  return [
    `${name} (${label})`,
    fmt(q(name, 0.5)),
    fmt(q(name, 0.99)),
    ...[0.5, 0.9, 0.99].map((at) => ratio(q(name, at), q('single', at))),
    ratio(q(name, 0.5), q('naive Promise.all of 3', 0.5)),
  ];
};
report.table({
  title: 'Scenario physics: planned finish times (no network, no client), real-time ms',
  headers: ['contender (trials)', 'p50', 'p99', '÷ single p50', 'p90', 'p99', '÷ naive p50'],
  rows: Object.keys(PLANNED).flatMap((name) => [
    physicsRow(`these ${trials} trials`, planned, name),
    physicsRow(`${simulated.toLocaleString('en-US')} simulated trials`, simulation, name),
  ]),
  notes: [
    'A perfect engine decides at the k-th planned finish: these ratios bound what the measured ones can reach ' +
      `for this scenario (at ${TOKENS_PER_SECOND} tokens/s, how much of each time is generation rather than TTFT decides ` +
      'how much a quorum can cut).',
  ],
});
report.data('planned', Object.fromEntries(planned));
if (args.flag('plan-only')) {
  report.finish();
  process.exit(0);
}

emulator = await spawnEmulator({ models: { '*': { text: 'warm-up' } } });
variants = createVariantFactory(emulator.baseURLs);
orchestrators = new Map(
  QUORUMS.map(([k, n]) => [
    `${k}/${n}`,
    createBenchOrchestrator({
      baseURLs: emulator.baseURLs,
      quorum: k,
      protocols: Array.from({ length: n }, (_, i) => PROTOCOLS[i % PROTOCOLS.length]!),
      scorers: loaded.scorers,
    }),
  ]),
);
const names = Object.keys(CONTENDERS);
const outcomes = new Map<string, Outcome[]>(names.map((name) => [name, []]));
const started = performance.now();
try {
  // One untimed trial: lazy modules, JIT, first connections and the first abort.
  await emulator.setScenario({ seed: args.seed, timeScale, models: trialScripts(-1).models });
  await Promise.all(names.map((name) => CONTENDERS[name]!(trialScripts(-1).question)));
  for (let t = 0; t < trials; t++) {
    const { models, question } = trialScripts(t);
    await emulator.setScenario({ seed: args.seed * 100_003 + t, timeScale, models });
    const run = (name: string) => CONTENDERS[name]!(question).then((o) => outcomes.get(name)!.push(o));
    if (serial) for (const name of names) await run(name);
    else await Promise.all(names.map(run));
  }
} finally {
  await emulator.close();
}
report.note(`wall time ${fmt((performance.now() - started) / 1000, 1)} s`);

const ms = (name: string) => (outcomes.get(name) ?? []).map((o) => o.ms);
const p = (name: string, q: number) => quantile(ms(name), q);
report.table({
  title: `Time to decision, ms (${trials} trials; emulated delays × ${timeScale})`,
  headers: ['contender', 'median', 'p90', 'p99', 'max', 'failed'],
  rows: names.map((name) => {
    const s = summary(ms(name));
    const failed = (outcomes.get(name) ?? []).filter((o) => o.failed).length;
    return [name, fmt(s.p50), fmt(s.p90), fmt(s.p99), fmt(s.max), String(failed)];
  }),
});
const QS = [0.5, 0.9, 0.99] as const;
report.table({
  title: 'Ratios per percentile (same trials)',
  headers: ['contender', '÷ single p50', 'p90', 'p99', '÷ naive p50', 'p90', 'p99'],
  rows: names.map((name) => [
    name,
    ...QS.map((q) => ratio(p(name, q), p('single', q))),
    ...QS.map((q) => ratio(p(name, q), p('naive Promise.all of 3', q))),
  ]),
});
const chorusNames = names.filter((n) => n.startsWith('chorus'));
report.table({
  title: 'Overhead: decision − k-th finish, ms (the k-th finish is the physical limit)',
  headers: [
    'contender',
    'median',
    'p90',
    'p99',
    'max',
    'k-th finish median (ms from start)',
    'inside run(): median / p90 / max',
    'trials an earlier answer disagreed',
  ],
  rows: chorusNames.map((name) => {
    const list = outcomes.get(name) ?? [];
    const s = summary(list.map((o) => o.overheadMs ?? Number.NaN));
    const isRun = name.endsWith('run()');
    const inside = list.map((o) => o.insideMs ?? Number.NaN);
    return [
      name,
      fmt(s.p50, 3),
      fmt(s.p90, 3),
      fmt(s.p99, 3),
      fmt(s.max, 3),
      fmt(
        quantile(
          list.map((o) => o.kthMs ?? Number.NaN),
          0.5,
        ),
      ),
      isRun
        ? `${fmt(quantile(inside, 0.5), 3)} / ${fmt(quantile(inside, 0.9), 3)} / ${fmt(Math.max(...inside), 3)}`
        : '–',
      isRun ? String(list.filter((o) => o.disagreed).length) : '–',
    ];
  }),
  notes: [
    "run(): the k-th finish is the k-th *agreeing* variant's end (without a quorum, the last end; Decision `timings.endMs`, on the orchestrator's clock, " +
      'added to the performance.now() taken just before run(): an upper bound of the overhead, as that clock starts after ' +
      'the call is planned); "inside run()" = the Decision\'s `decidedMs` − that end, both on its own clock. ' +
      'operators: every answer agrees (a constant key), the k-th finish is the k-th `end` seen by the pipeline.',
  ],
});
const targets: [string, number, number][] = chorusNames
  .filter((name) => name.startsWith('chorus 2-of-3'))
  .flatMap((c23): [string, number, number][] => {
    const overhead23 = quantile(
      (outcomes.get(c23) ?? []).map((o) => o.overheadMs ?? Number.NaN),
      0.5,
    );
    return [
      [`${c23}: median ÷ single median ≤ 1.02`, p(c23, 0.5) / p('single', 0.5), 1.02],
      [`${c23}: p99 ÷ single p99 ≤ 0.5`, p(c23, 0.99) / p('single', 0.99), 0.5],
      [`${c23}: median ÷ naive median ≤ 0.8`, p(c23, 0.5) / p('naive Promise.all of 3', 0.5), 0.8],
      [`${c23}: overhead median ≤ 2 ms`, overhead23, 2],
    ];
  });
report.table({
  title: 'Targets (issue 8)',
  headers: ['target', 'measured', 'verdict'],
  rows: targets.map(([label, value, limit]) => [
    label,
    fmt(value, label.includes('ms') ? 3 : 2),
    verdict(value <= limit),
  ]),
});
report.data('outcomes', Object.fromEntries(outcomes));
report.finish();
