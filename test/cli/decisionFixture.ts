/** A hand-made `Decision` (and progress event) for the CLI's pure renderers. */
import type { CostTotal } from '../../src/cost/costLedger.js';
import type { ConsensusProgress, Decision, VariantOutcome } from '../../src/decision.js';
import { ProviderError } from '../../src/errors.js';

const total = (over: Partial<CostTotal> = {}): CostTotal => ({
  inputTokens: 0,
  outputTokens: 0,
  usd: 0,
  pricedUsd: 0,
  estimated: false,
  unpriced: [],
  records: 0,
  ...over,
});

const variant = (over: Partial<VariantOutcome> & Pick<VariantOutcome, 'id' | 'outcome'>): VariantOutcome => ({
  provider: over.id.split(':')[0]!,
  model: over.id.split(':')[1]!.split('@')[0]!,
  params: { temperature: 0, attempt: 1 },
  source: over.id,
  origin: 'plan',
  text: '',
  scores: {},
  findings: {},
  cost: { usd: 0, inputTokens: 40, outputTokens: 100, estimated: false },
  timings: { launchMs: 1 },
  ...over,
});

export function decisionFixture(over: Partial<Decision> = {}): Decision {
  return {
    text: 'She has 9 eggs left and sells them for $2 each: 9 * 2 = 18. The answer is \\boxed{18}.',
    winner: 'openai:gpt-4o-mini@t0#1',
    method: 'majority',
    task: 'math',
    confidence: 1,
    reason: '2 of 2 answers say 18',
    noConsensus: false,
    stoppedBy: 'quorum',
    partial: false,
    cached: false,
    quorum: {
      required: 2,
      reached: true,
      agreeing: 2,
      key: '18',
      groups: [
        { key: '18', members: ['openai:gpt-4o-mini@t0#1', 'anthropic:gpt-3.5-turbo@t0#1'], meanScore: 1 },
      ],
    },
    variants: [
      variant({
        id: 'openai:gpt-4o-mini@t0#1',
        outcome: 'won',
        key: '18',
        score: 0.93,
        usage: { input: 40, output: 200, estimated: false },
        cost: { usd: 0.000126, inputTokens: 40, outputTokens: 200, estimated: false },
        timings: { launchMs: 1, ttftMs: 150, durationMs: 1150, endMs: 1151 },
      }),
      variant({
        id: 'anthropic:gpt-3.5-turbo@t0#1',
        outcome: 'agreed',
        key: '18',
        score: 0.9,
        usage: { input: 40, output: 100, estimated: false },
        cost: { usd: 0.00017, inputTokens: 40, outputTokens: 100, estimated: false },
        timings: { launchMs: 1, ttftMs: 200, durationMs: 1200, endMs: 1201 },
      }),
      variant({
        id: 'ollama:davinci-003@t0#1',
        outcome: 'cancelled',
        usage: { input: 40, output: 30, estimated: true },
        cost: { usd: 0, inputTokens: 40, outputTokens: 30, estimated: true },
        timings: { launchMs: 1, ttftMs: 100, durationMs: 1203, endMs: 1204 },
      }),
      variant({
        id: 'openai:gpt-4o@t1#1',
        outcome: 'failed',
        error: new ProviderError({
          type: 'rate_limited',
          message: '429 Too Many Requests',
          provider: 'openai',
        }),
        cost: { usd: undefined, inputTokens: 0, outputTokens: 0, estimated: false },
        timings: { launchMs: 1, durationMs: 50, endMs: 51 },
      }),
    ],
    timings: { startedAt: 0, decidedMs: 1203, firstFinishMs: 1151 },
    cost: {
      usd: undefined,
      estimated: true,
      total: total({
        inputTokens: 120,
        outputTokens: 330,
        usd: undefined,
        pricedUsd: 0.000296,
        estimated: true,
        unpriced: ['gpt-4o-x'],
        records: 4,
      }),
      byProvider: {},
      byModel: {},
    },
    notices: [],
    complexity: { score: 0.2, level: 'simple' },
    ...over,
  };
}

export function progressFixture(): ConsensusProgress {
  const base = {
    temperature: 0,
    attempt: 1,
    origin: 'plan' as const,
    chars: 100,
    ttftMs: 100,
    elapsedMs: 900,
  };
  return {
    type: 'progress',
    elapsedMs: 901,
    variants: [
      {
        ...base,
        id: 'openai:gpt-4o-mini@t0#1',
        provider: 'openai',
        model: 'gpt-4o-mini',
        state: 'done',
        tokens: 200,
        tokensPerSecond: 110.2,
        score: 0.93,
      },
      {
        ...base,
        id: 'anthropic:gpt-3.5-turbo@t0#1',
        provider: 'anthropic',
        model: 'gpt-3.5-turbo',
        state: 'streaming',
        tokens: 80,
        tokensPerSecond: 120,
        score: 0.5,
      },
      {
        ...base,
        id: 'ollama:davinci-003@t0#1',
        provider: 'ollama',
        model: 'davinci-003',
        state: 'waiting',
        tokens: 0,
        tokensPerSecond: 0,
        score: undefined,
        ttftMs: undefined,
      },
    ],
    leader: 'openai:gpt-4o-mini@t0#1',
    agreeing: 1,
    quorum: 2,
    groups: [{ key: '18', members: ['openai:gpt-4o-mini@t0#1'], meanScore: 0.93 }],
    finished: 1,
    failed: 0,
    streaming: 1,
    spentUsd: undefined,
  };
}
