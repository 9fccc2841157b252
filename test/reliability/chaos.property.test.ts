/**
 * Issue 9, part 2: chaos properties. fast-check draws a whole consensus run (1 to 4 variants over
 * the three protocols, each with its own latencies, answer and fault, a quorum, a method, provider
 * time limits, retries and a total timeout) and runs it through `LLMOrchestrator` over the emulator
 * and the real SDKs. Every run must keep these invariants:
 *
 * 1. it settles (decision or error) within `timeout_seconds` plus a small slack;
 * 2. nothing is emitted after the decision (and nothing is written to a client that has left);
 * 3. the decided text is exactly the text of a variant that finished, or the run says clearly
 *    that it is not a consensus (`noConsensus`, `partial`), or it rejects with a `DecisionError`
 *    when no variant produced any text; every variant's text is a prefix of what its provider sent
 *    (exactly it when finished), and a failed variant carries the typed error its fault implies;
 * 4. the cost ledger equals the sum of the per-variant costs, and a variant billed as reported
 *    (not estimated) was billed exactly what the emulator counted;
 * 5. every request the emulator saw is closed at the end.
 *
 * CI runs a bounded number of runs; `CHORUS_CHAOS_RUNS=N` runs more, `CHORUS_CHAOS_SEED=S` replays.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsensusMethod } from '../../src/config/types.js';
import type { Decision, DecisionPartials } from '../../src/decision.js';
import {
  type Emulator,
  type Fault,
  fillerText,
  type ModelScript,
  startEmulator,
} from '../../src/emulator/index.js';
import { ProviderError, type ProviderErrorType } from '../../src/errors.js';
import { DecisionError } from '../../src/orchestrator/decisionError.js';
import {
  activeResources,
  idleWithin,
  leakedResources,
  markdownTable,
  observe,
  orchestratorFor,
  PROTOCOLS,
  type Protocol,
  planConfig,
  watchUnhandled,
  words,
} from './harness.js';

const RUNS = Number(process.env['CHORUS_CHAOS_RUNS'] ?? 30);
/** Printed with the results, so any run can be replayed. */
const SEED = Number(process.env['CHORUS_CHAOS_SEED'] ?? Date.now() ^ (Math.random() * 0x7fffffff));
/** The slack allowed after `timeout_seconds`: cancelling, usage reports, choosing, building. */
const SLACK_MS = 500;

const PROMPT = 'Tom has 6 boxes of 7 apples. How many apples does he have?';
// Multi-byte characters so that a split UTF-8 character can go wrong visibly.
const ANSWERS = [
  'Réponse ✓: 6 × 7 = 42 pommes 🍎. The answer is 42.',
  'He adds them: 6 + 7 = 13. The answer is 13.',
  'Roughly 41, I believe. The answer is 41.',
] as const;
const METHODS: readonly ConsensusMethod[] = ['majority', 'quality_weighted', 'confidence', 'tournament'];

interface VariantDraw {
  readonly protocol: Protocol;
  readonly answer: number;
  readonly headersDelay: number;
  readonly ttft: number;
  readonly interToken: number;
  readonly fault: Fault | null;
  readonly attempts: number;
}

interface RunDraw {
  readonly variants: readonly VariantDraw[];
  readonly quorum: number;
  readonly method: ConsensusMethod;
  readonly timeoutMs: number;
  readonly firstTokenMs: number;
  readonly idleMs: number;
}

const faultArb: fc.Arbitrary<Fault | null> = fc.oneof(
  { weight: 10, arbitrary: fc.constant(null) },
  {
    weight: 2,
    arbitrary: fc
      .record({ status: fc.constantFrom(429, 500, 503, 529), retryAfter: fc.constantFrom(undefined, 0) })
      .map(
        ({ status, retryAfter }): Fault =>
          retryAfter === undefined ? { kind: 'status', status } : { kind: 'status', status, retryAfter },
      ),
  },
  { weight: 1, arbitrary: fc.constant<Fault>({ kind: 'reset_before_headers' }) },
  {
    weight: 5,
    arbitrary: fc
      .record({
        kind: fc.constantFrom('reset', 'stall', 'close_without_end', 'malformed_chunk', 'inband_error'),
        afterTokens: fc.integer({ min: 0, max: 10 }),
      })
      .map((f) => f as Fault),
  },
  { weight: 1, arbitrary: fc.constant<Fault>({ kind: 'split_utf8' }) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 20_000 }).map((bytes): Fault => ({ kind: 'huge_chunk', bytes })),
  },
);

const variantArb: fc.Arbitrary<VariantDraw> = fc.record({
  protocol: fc.constantFrom(...PROTOCOLS),
  // The first answer is the likely majority.
  answer: fc.constantFrom(0, 0, 0, 1, 2),
  headersDelay: fc.integer({ min: 0, max: 40 }),
  ttft: fc.integer({ min: 0, max: 150 }),
  interToken: fc.integer({ min: 0, max: 8 }),
  fault: faultArb,
  attempts: fc.integer({ min: 1, max: 2 }),
});

const runArb: fc.Arbitrary<RunDraw> = fc
  .record({
    variants: fc.array(variantArb, { minLength: 1, maxLength: 4 }),
    method: fc.constantFrom(...METHODS),
    timeoutMs: fc.integer({ min: 100, max: 1200 }),
    firstTokenMs: fc.integer({ min: 30, max: 1500 }),
    idleMs: fc.integer({ min: 20, max: 1500 }),
  })
  .chain((r) => fc.integer({ min: 1, max: r.variants.length }).map((quorum) => ({ ...r, quorum })));

/** What variant `i` sends, in full, when nothing goes wrong (the huge chunk comes first). */
function fullText(draw: VariantDraw, i: number): string {
  const text = `Variant ${i} says: ${ANSWERS[draw.answer]}`;
  return draw.fault?.kind === 'huge_chunk' ? fillerText(draw.fault.bytes) + text : text;
}

/** The error types a variant with `fault` may fail with (a time limit can always strike first). */
function allowedErrors(fault: Fault | null, protocol: Protocol): readonly ProviderErrorType[] {
  const always: ProviderErrorType[] = ['timeout'];
  if (fault === null) return always;
  switch (fault.kind) {
    case 'status':
      return [
        ...always,
        fault.status === 429 ? 'rate_limited' : fault.status === 500 ? 'server' : 'overloaded',
      ];
    case 'reset_before_headers':
    case 'reset':
      return [...always, 'connection'];
    case 'stall':
      return always;
    case 'close_without_end':
      return [...always, 'truncated'];
    case 'malformed_chunk':
      return [...always, 'bad_response'];
    case 'inband_error':
      return [...always, protocol === 'anthropic' ? 'overloaded' : 'server'];
    case 'split_utf8':
    case 'huge_chunk':
      return always;
  }
}

let emulator: Emulator;
let baseline: Map<string, number>;
let unhandled: ReturnType<typeof watchUnhandled>;
let runNo = 0;
const tally = {
  runs: 0,
  consensus: 0,
  noConsensus: 0,
  partial: 0,
  errors: new Map<string, number>(),
  stops: new Map<string, number>(),
  failures: new Map<string, number>(),
  maxOvershootMs: Number.NEGATIVE_INFINITY,
  maxMs: 0,
  requests: 0,
};
const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

beforeAll(async () => {
  baseline = activeResources();
  unhandled = watchUnhandled();
  emulator = await startEmulator({ models: { '*': {} } });
});

afterAll(async () => {
  await emulator.close();
  unhandled.stop();
  const list = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') || 'none';
  console.log(
    `chaos: ${tally.runs} runs, ${tally.requests} requests (CHORUS_CHAOS_SEED=${SEED} replays them)\n${markdownTable(
      ['measure', 'value'],
      [
        ['decided with consensus', String(tally.consensus)],
        ['decided without consensus (flagged)', `${tally.noConsensus} (${tally.partial} partial)`],
        ['rejected (DecisionError)', list(tally.errors)],
        ['stopped by', list(tally.stops)],
        ['variant failures by type', list(tally.failures)],
        ['slowest run', `${Math.round(tally.maxMs)} ms`],
        [
          'largest overshoot past timeout_seconds',
          `${Math.round(tally.maxOvershootMs)} ms (allowed ${SLACK_MS})`,
        ],
      ],
    )}`,
  );
  expect(unhandled.seen).toEqual([]);
  expect(await leakedResources(baseline)).toEqual([]);
});

function checkLedger(
  cost: Decision['cost'] | DecisionPartials['cost'],
  variants: Decision['variants'],
): void {
  const sum = (f: (v: Decision['variants'][number]) => number) => variants.reduce((s, v) => s + f(v), 0);
  expect(cost.total.inputTokens).toBe(sum((v) => v.cost.inputTokens));
  expect(cost.total.outputTokens).toBe(sum((v) => v.cost.outputTokens));
  expect(cost.usd).toBeCloseTo(
    sum((v) => v.cost.usd ?? Number.NaN),
    12,
  );
  expect(cost.estimated).toBe(variants.some((v) => v.cost.estimated));
}

async function runOnce(draw: RunDraw): Promise<void> {
  const n = ++runNo;
  const models: Record<string, ModelScript> = {};
  draw.variants.forEach((v, i) => {
    models[`chaos-${n}-v${i}`] = {
      text: `Variant ${i} says: ${ANSWERS[v.answer]}`,
      headersDelay: v.headersDelay,
      ttft: v.ttft,
      interToken: v.interToken,
      ...(v.fault !== null && { fault: v.fault }),
    };
  });
  emulator.setScenario({ seed: n, models });
  emulator.resetStats();
  const config = planConfig(
    draw.variants.map((v, i) => ({
      name: `p${i}`,
      protocol: v.protocol,
      model: `chaos-${n}-v${i}`,
      firstTokenMs: draw.firstTokenMs,
      idleMs: draw.idleMs,
      attempts: v.attempts,
    })),
    { quorum: draw.quorum, timeoutSeconds: draw.timeoutMs / 1000, method: draw.method },
  );
  const run = await observe(orchestratorFor(config, emulator), PROMPT);
  tally.runs++;
  tally.maxMs = Math.max(tally.maxMs, run.ms);
  tally.maxOvershootMs = Math.max(tally.maxOvershootMs, run.ms - draw.timeoutMs);

  // 1. Settles in time.
  expect(run.ms).toBeLessThanOrEqual(draw.timeoutMs + SLACK_MS);
  // 2. Nothing after the decision; the decision is the last event.
  expect(run.afterDecision).toEqual([]);
  const index = (id: string) => Number(/^p(\d+):/.exec(id)?.[1]);

  let variants: Decision['variants'];
  if (run.decision !== undefined) {
    const decision = run.decision;
    expect(run.completed).toBe(true);
    expect(run.events.at(-1)?.type).toBe('decision');
    variants = decision.variants;
    expect(variants).toHaveLength(draw.variants.length);
    bump(tally.stops, decision.stoppedBy);
    // 3. The decided text is exactly a variant's text.
    const winner = variants.find((v) => v.id === decision.winner);
    expect(winner).toBeDefined();
    expect(decision.text).toBe(winner!.text);
    if (decision.noConsensus) {
      tally.noConsensus++;
      if (decision.partial) {
        tally.partial++;
        // The chosen text comes from a variant that had not finished (cancelled or failed).
        expect(winner!.finish === 'stop' || winner!.finish === 'length').toBe(false);
      }
    } else {
      tally.consensus++;
      expect(winner!.outcome).toBe('won');
      expect(winner!.finish).toBe('stop');
      expect(decision.partial).toBe(false);
    }
    if (!decision.partial) {
      expect(['won', 'agreed', 'lost']).toContain(winner!.outcome);
      expect(winner!.text).toBe(fullText(draw.variants[index(winner!.id)]!, index(winner!.id)));
    }
    if (decision.stoppedBy === 'quorum') {
      expect(decision.quorum.reached).toBe(true);
      expect(decision.quorum.agreeing).toBeGreaterThanOrEqual(draw.quorum);
    }
    checkLedger(decision.cost, variants);
  } else {
    // No decision: only a DecisionError, and only when no variant produced any text.
    expect(run.error).toBeInstanceOf(DecisionError);
    const error = run.error as DecisionError;
    expect(['timeout', 'no_answer']).toContain(error.type);
    bump(tally.errors, error.type);
    variants = error.partials.variants;
    for (const v of variants) expect(v.text.trim()).toBe('');
    checkLedger(error.partials.cost, variants);
  }

  // 3 (cont.). Every variant's text is what its provider sent, cut at most; failures are typed.
  for (const v of variants) {
    const i = index(v.id);
    const draw_ = draw.variants[i]!;
    const full = fullText(draw_, i);
    expect(full.startsWith(v.text)).toBe(true);
    if (v.finish === 'stop') expect(v.text).toBe(full);
    if (v.outcome === 'failed') {
      expect(v.error).toBeInstanceOf(ProviderError);
      const type = (v.error as ProviderError).type;
      bump(tally.failures, type);
      expect(allowedErrors(draw_.fault, draw_.protocol)).toContain(type);
    }
  }

  // 5. Every request is closed; nothing was written to a client that had left.
  await idleWithin(emulator);
  const stats = emulator.stats();
  tally.requests += stats.totals.requests;
  expect(stats.totals.open).toBe(0);
  expect(stats.totals.tokensAfterGone).toBe(0);
  expect(stats.log.every((r) => r.outcome !== 'open')).toBe(true);

  // 4 (cont.). A variant billed as reported was billed what the emulator counted.
  for (const v of variants) {
    const i = index(v.id);
    const requests = stats.log.filter((r) => r.model === `chaos-${n}-v${i}`);
    expect(requests.length).toBeLessThanOrEqual(draw.variants[i]!.attempts);
    if (v.cost.estimated || requests.length === 0) continue;
    expect(v.cost.outputTokens).toBe(requests.reduce((s, r) => s + r.tokensWritten, 0));
    expect(v.cost.inputTokens).toBe(requests.length * words(PROMPT));
  }
}

describe('chaos through LLMOrchestrator, the SDKs and the emulator', () => {
  it(`keeps its invariants over ${RUNS} random runs`, {
    timeout: Math.max(60_000, RUNS * 3000),
  }, async () => {
    await fc.assert(fc.asyncProperty(runArb, runOnce), {
      numRuns: RUNS,
      seed: SEED,
      // No shrinking (each run takes real time): the failing run and its seed are reported as is.
      endOnFailure: true,
    });
  });
});
