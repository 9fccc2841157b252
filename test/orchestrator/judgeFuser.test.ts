/**
 * `[orchestration.consensus] judge` and `fuser` through the real SDKs against the emulator: the
 * tournament's matches judged by an LLM through the pool (both orders, billed, aborted with the
 * run), and the LLM fuser streamed like a variant after the decision, with its fallback to the
 * section-level merge.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChorusConfigInput } from '../../src/config/schema.js';
import { validateConfig } from '../../src/config/validateConfig.js';
import type { ConsensusEvent, Decision } from '../../src/decision.js';
import type { EmulatedRequest, ModelScript } from '../../src/emulator/index.js';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { ChorusAbortError } from '../../src/orchestrator/chorusAbortError.js';
import { emulatorClients } from '../../src/orchestrator/emulatorClients.js';
import { LLMOrchestrator, type LLMOrchestratorOptions } from '../../src/orchestrator.js';
import type { Scorer } from '../../src/scorers/scorer.js';

const PROMPT = 'Tom has 6 boxes of 7 apples. How many apples does he have?';
const RIGHT = 'Six boxes of seven: 6 x 7 = 42. The answer is 42.';
const WRONG_LONG = `${'Let me think about the boxes and the apples very carefully. '.repeat(4)}The answer is 41.`;
const WRONG = 'Roughly 6 + 7 = 13, so the answer is 43.';

/** Scores by length: the scorer-based tournament picks the longest answer. */
const longest: Scorer<{ n: number }> = {
  name: 'length',
  version: '1',
  init: () => ({ n: 0 }),
  feed: (s, delta) => ({ n: s.n + delta.length }),
  score: (s) => Math.min(1, s.n / 400),
};

/** A judge that reads the two responses and prefers the one saying 42, whatever its position. */
function judgeText(request: EmulatedRequest): string {
  const a = /### Response A\n([\s\S]*?)\n\n### Response B/.exec(request.prompt)?.[1] ?? '';
  const b = /### Response B\n([\s\S]*?)\n\nExplain/.exec(request.prompt)?.[1] ?? '';
  const verdict =
    a.includes('42') && !b.includes('42') ? 'A' : b.includes('42') && !a.includes('42') ? 'B' : 'tie';
  return `The one that multiplies is right. [[${verdict}]]`;
}

const fast = (text: ModelScript['text']): ModelScript => ({ text, ttft: 5, interToken: 1 });

const config = (consensus: object, extra: object = {}): ChorusConfigInput => ({
  orchestration: {
    timeout_seconds: 20,
    max_providers: 3,
    variations: { providers: ['a', 'b', 'c'] },
    consensus: { min_responses: 3, task: 'math', ...consensus },
    ...extra,
  },
  providers: {
    a: { kind: 'openai', model: 'alpha', prices: { input: 1, output: 2 }, retries: { max_attempts: 1 } },
    b: { kind: 'anthropic', model: 'beta', prices: { input: 1, output: 2 }, retries: { max_attempts: 1 } },
    c: { kind: 'ollama', model: 'gamma', prices: { input: 1, output: 2 }, retries: { max_attempts: 1 } },
    j: {
      kind: 'openai',
      model: 'judge-model',
      prices: { input: 3, output: 6 },
      retries: { max_attempts: 1 },
    },
    f: {
      kind: 'anthropic',
      model: 'fuser-model',
      prices: { input: 5, output: 10 },
      retries: { max_attempts: 1 },
    },
  },
});

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ models: { '*': fast('x') } });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.resetStats());

const orchestrator = (input: ChorusConfigInput, options: LLMOrchestratorOptions = {}) => {
  const validated = validateConfig(input);
  return new LLMOrchestrator(validated, {
    clients: emulatorClients(validated, emulator),
    cache: false,
    scorers: [longest],
    ...options,
  });
};

async function streamAll(chorus: LLMOrchestrator, signal?: AbortSignal) {
  const events: ConsensusEvent[] = [];
  const decision = await new Promise<Decision>((resolve, reject) => {
    chorus.stream(PROMPT, signal ? { signal } : {}).subscribe({
      next: (e) => {
        events.push(e);
        if (e.type === 'decision') resolve(e.decision);
      },
      error: reject,
    });
  });
  return { events, decision };
}

describe('judge = "<provider>" (tournament)', () => {
  it('judges each match with the LLM, in both orders, billed to the decision', async () => {
    const prompts: string[] = [];
    emulator.setScenario({
      models: {
        alpha: fast(WRONG_LONG),
        beta: fast(RIGHT),
        gamma: fast(WRONG),
        'judge-model': fast((r) => {
          prompts.push(r.prompt);
          return judgeText(r);
        }),
      },
    });
    const decision = await orchestrator(config({ method: 'tournament', judge: 'j' })).run(PROMPT);
    expect(decision).toMatchObject({ method: 'tournament', winner: 'b:beta#1', text: RIGHT });
    expect(decision.reason).toContain('judged by j:judge-model, 4 calls');
    // King of the hill over three: two matches, each asked in both orders.
    await emulator.idle();
    expect(emulator.stats().models['judge-model']?.requests).toBe(4);
    expect(prompts.every((p) => p.includes('### Request') && p.includes(PROMPT))).toBe(true);
    const orders = prompts.map((p) => [p.indexOf(RIGHT), p.indexOf(WRONG_LONG), p.indexOf(WRONG)]);
    expect(orders.some(([r, l]) => r! >= 0 && l! >= 0 && r! < l!)).toBe(true);
    expect(orders.some(([r, l]) => r! >= 0 && l! >= 0 && r! > l!)).toBe(true);
    // The judge's requests are billed to the decision, but are not variants.
    expect(decision.cost.byModel['judge-model']).toMatchObject({ records: 4 });
    expect(decision.cost.byModel['judge-model']!.usd).toBeGreaterThan(0);
    expect(decision.variants.map((v) => v.id)).toEqual(['a:alpha#1', 'b:beta#1', 'c:gamma#1']);
  });

  it('without a judge, the scorer-based comparator decides (here: the longest answer)', async () => {
    emulator.setScenario({ models: { alpha: fast(WRONG_LONG), beta: fast(RIGHT), gamma: fast(WRONG) } });
    const decision = await orchestrator(config({ method: 'tournament' })).run(PROMPT);
    expect(decision.winner).toBe('a:alpha#1');
    expect(emulator.stats().models['judge-model']?.requests ?? 0).toBe(0);
  });

  it('a failing judge: the quorum leader is chosen and the reason says why', async () => {
    emulator.setScenario({
      models: {
        alpha: fast(WRONG_LONG),
        beta: fast(RIGHT),
        gamma: fast(WRONG),
        'judge-model': { ...fast('x'), fault: { kind: 'status', status: 400 } },
      },
    });
    const decision = await orchestrator(config({ method: 'tournament', judge: 'j' })).run(PROMPT);
    expect(decision.reason).toMatch(
      /^tournament \(judged by j:judge-model, \d calls?\) failed .*chose the quorum's leader/,
    );
    expect(decision.winner).toBeDefined();
  });

  it('aborting the run aborts the judge calls in flight', async () => {
    emulator.setScenario({
      models: {
        alpha: fast(WRONG_LONG),
        beta: fast(RIGHT),
        gamma: fast(WRONG),
        'judge-model': { text: '[[A]]', ttft: 10_000 },
      },
    });
    const chorus = orchestrator(config({ method: 'tournament', judge: 'j' }));
    const controller = new AbortController();
    const gone = new Promise<string>((resolve) =>
      emulator.once('gone', (r: { model: string }) => resolve(r.model)),
    );
    // Both orders of the first match are asked at once: wait until both requests arrived.
    let judgeRequests = 0;
    const started = new Promise<void>((resolve) => {
      const onRequest = (r: { model: string }): void => {
        if (r.model === 'judge-model' && ++judgeRequests === 2) {
          emulator.off('request', onRequest);
          resolve();
        }
      };
      emulator.on('request', onRequest);
    });
    const run = chorus.run(PROMPT, { signal: controller.signal });
    await started;
    controller.abort();
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChorusAbortError);
    expect(await gone).toBe('judge-model');
    await emulator.idle();
    expect(emulator.stats().models['judge-model']).toMatchObject({ clientsGone: 2, tokensAfterGone: 0 });
  });

  it('is refused by the budget like any request', async () => {
    emulator.setScenario({ models: { alpha: fast(WRONG_LONG), beta: fast(RIGHT), gamma: fast(WRONG) } });
    const input = config({ method: 'tournament', judge: 'j' }, { budget_usd: 0.0005, max_tokens: 40 });
    const decision = await orchestrator(input).run(PROMPT);
    expect(emulator.stats().models['judge-model']?.requests ?? 0).toBe(0);
    expect(decision.reason).toMatch(/failed \(.*not launched: .*past its budget/);
    expect(decision.notices).toContainEqual(
      expect.objectContaining({ type: 'budget', variant: 'judge:j:judge-model#1' }),
    );
  });
});

describe('fuser = "<provider>" (hybrid_merge)', () => {
  const SLOW = `${'Counting every apple in every box, one at a time. '.repeat(40)}The answer is 42.`;
  const fused = (request: EmulatedRequest): string =>
    `FUSED ${(request.prompt.match(/<<<answer \d+>>>/g) ?? []).length}: 6 x 7 = 42. The answer is 42.`;

  it('fuses the top answers after the decision, streamed like a variant, billed, and its text decides', async () => {
    const prompts: string[] = [];
    emulator.setScenario({
      models: {
        alpha: fast(RIGHT),
        beta: fast('He has 6 x 7 = 42 apples. The answer is 42.'),
        gamma: { text: SLOW, ttft: 5, interToken: 20 },
        'fuser-model': fast((r) => {
          prompts.push(r.prompt);
          return fused(r);
        }),
      },
    });
    const chorus = orchestrator(config({ method: 'hybrid_merge', min_responses: 2, fuser: 'f' }));
    const { events, decision } = await streamAll(chorus);
    expect(decision).toMatchObject({
      method: 'hybrid_merge',
      winner: 'fuser:f:fuser-model',
      text: 'FUSED 2: 6 x 7 = 42. The answer is 42.',
      stoppedBy: 'quorum',
    });
    expect([...decision.sources!].sort()).toEqual(['a:alpha#1', 'b:beta#1']);
    expect(decision.reason).toContain('fused the top 2 candidates');
    // The fuser was given the finished answers, fenced as data.
    expect(prompts).toHaveLength(1);
    expect(prompts[0]).toContain(RIGHT);
    expect(prompts[0]).not.toContain('Counting every apple');
    // Streamed like any variant: its own variant events and progress rows.
    const fuserId = 'fuser:f:fuser-model';
    const changes = events.flatMap((e) =>
      e.type === 'variant' && e.variant.id === fuserId ? [e.change] : [],
    );
    expect(changes).toEqual(['launched', 'started', 'finished']);
    const rows = events.flatMap((e) =>
      e.type === 'progress' ? e.variants.filter((v) => v.id === fuserId && v.origin === 'fuser') : [],
    );
    expect(rows.length).toBeGreaterThan(0);
    // In the decision: an outcome with its usage and cost, in the ledger at the emulator's count.
    const outcome = decision.variants.find((v) => v.id === fuserId)!;
    expect(outcome).toMatchObject({ origin: 'fuser', outcome: 'won', provider: 'f', model: 'fuser-model' });
    await emulator.idle();
    expect(outcome.cost.outputTokens).toBe(emulator.stats().models['fuser-model']!.tokensWritten);
    expect(outcome.cost.usd).toBeGreaterThan(0);
    expect(decision.cost.byModel['fuser-model']).toMatchObject({ records: 1 });
    expect(decision.notices).toContainEqual(
      expect.objectContaining({ type: 'launch', origin: 'fuser', variant: fuserId }),
    );
    // The answers it fused agree with the fused answer.
    expect(decision.variants.find((v) => v.id === 'a:alpha#1')?.outcome).toBe('agreed');
  });

  it('falls back to the section-level merge when the fuser fails, and says so', async () => {
    emulator.setScenario({
      models: {
        alpha: fast(RIGHT),
        beta: fast('He has 6 x 7 = 42 apples. The answer is 42.'),
        gamma: { text: SLOW, ttft: 5, interToken: 20 },
        'fuser-model': { ...fast('x'), fault: { kind: 'status', status: 500 } },
      },
    });
    const decision = await orchestrator(config({ method: 'hybrid_merge', min_responses: 2, fuser: 'f' })).run(
      PROMPT,
    );
    expect(decision.method).toBe('hybrid_merge');
    expect(['a:alpha#1', 'b:beta#1']).toContain(decision.winner);
    expect(decision.text).toMatch(/The answer is 42\.$/);
    expect(decision.reason).toMatch(
      /the LLM fuser fuser:f:fuser-model failed \(.*\), so the text is the section-level merge/,
    );
    expect(decision.variants.find((v) => v.origin === 'fuser')).toMatchObject({
      outcome: 'failed',
      error: { type: 'server', provider: 'f' },
    });
  });

  it('aborting while the fuser streams aborts its request', async () => {
    emulator.setScenario({
      models: {
        alpha: fast(RIGHT),
        beta: fast('He has 6 x 7 = 42 apples. The answer is 42.'),
        gamma: { text: SLOW, ttft: 5, interToken: 20 },
        'fuser-model': { text: SLOW, ttft: 5, interToken: 20 },
      },
    });
    const chorus = orchestrator(config({ method: 'hybrid_merge', min_responses: 2, fuser: 'f' }));
    const controller = new AbortController();
    const events: ConsensusEvent[] = [];
    const run = new Promise<unknown>((resolve) => {
      chorus.stream(PROMPT, { signal: controller.signal }).subscribe({
        next: (e) => {
          events.push(e);
          if (e.type === 'variant' && e.change === 'started' && e.variant.origin === 'fuser')
            controller.abort();
        },
        error: resolve,
      });
    });
    const error = await run;
    expect(error).toBeInstanceOf(ChorusAbortError);
    const partial = (error as ChorusAbortError).partials.variants.find((v) => v.origin === 'fuser');
    expect(partial).toMatchObject({ outcome: 'cancelled' });
    await emulator.idle();
    expect(emulator.stats().models['fuser-model']).toMatchObject({
      requests: 1,
      clientsGone: 1,
      tokensAfterGone: 0,
    });
  });
});
