/**
 * Turns the tracker, the cost ledger and the chosen answer into the public `Decision` (or the
 * `DecisionPartials` of a run that ended without one). Pure: no I/O, no clock. Not public.
 */
import type { ConsensusMethod } from '../config/types.js';
import type { CostLedger, CostTotal } from '../cost/costLedger.js';
import type {
  Decision,
  DecisionCost,
  DecisionNotice,
  DecisionPartials,
  DecisionStop,
  VariantCost,
  VariantOutcome,
  VariantOutcomeKind,
} from '../decision.js';
import { ProviderError } from '../errors.js';
import type { Usage, VariantId } from '../events.js';
import type { QuorumGroup } from '../operators/quorumEvents.js';
import type { TaskKind } from '../scorers/scorer.js';
import type { PromptComplexity } from './promptComplexity.js';
import type { SkippedVariant, TrackedVariant } from './variantTracker.js';

/** How two finished answers are compared when labelling outcomes (the quorum's own rule). */
export type OutcomeAgreement =
  | { readonly kind: 'key'; readonly key: (snapshot: { text: string; done: boolean }) => string | undefined }
  | {
      readonly kind: 'similarity';
      readonly similarity: (a: string, b: string) => number;
      readonly threshold: number;
    };

/** The answer the orchestrator settled on. */
export interface Choice {
  readonly text: string;
  readonly winner: VariantId | undefined;
  readonly confidence: number;
  readonly reason: string;
  /** The strategy itself found too little agreement. */
  readonly lowAgreement: boolean;
  readonly partial: boolean;
  /** The strategy asked for more variants (`confidence` with `onLow: 'ask'`). */
  readonly moreVariants?: boolean;
  /** For a merge: the variants the text was built from (`Decision.sources`). */
  readonly sources?: readonly VariantId[];
}

/** Everything `buildDecision` reads. */
export interface DecisionInput {
  readonly choice: Choice;
  readonly stop: DecisionStop;
  readonly method: ConsensusMethod;
  readonly task: TaskKind;
  readonly confidenceThreshold: number;
  readonly quorum: {
    readonly required: number;
    readonly reached: boolean;
    readonly agreeing: number;
    readonly key: string | undefined;
    readonly groups: readonly QuorumGroup[];
  };
  readonly entries: readonly TrackedVariant[];
  readonly skipped: readonly SkippedVariant[];
  readonly agreement: OutcomeAgreement;
  readonly ledger: CostLedger;
  readonly notices: readonly DecisionNotice[];
  readonly startedAt: number;
  /** The tracker clock's reading at the start of the decision. */
  readonly origin: number;
  /** The tracker clock's reading now. */
  readonly at: number;
  readonly complexity: PromptComplexity;
  /** What `on_low_confidence = "ask"` did, if it acted (`Decision.asked`). */
  readonly asked?: Decision['asked'];
}

/** The reliability key of a variant: provider, model and parameters, without the attempt. */
export function sourceOf(entry: Pick<TrackedVariant, 'provider' | 'model' | 'spec'>): string {
  const params = [
    ...(entry.spec.temperature !== undefined ? [`t${entry.spec.temperature}`] : []),
    ...(entry.spec.topP !== undefined ? [`p${entry.spec.topP}`] : []),
  ];
  return `${entry.provider}:${entry.model}${params.length ? `@${params.join(',')}` : ''}`;
}

/** The decision's cost, from its ledger. */
export function decisionCost(ledger: CostLedger): DecisionCost {
  const total = ledger.total;
  return {
    usd: total.usd,
    estimated: total.estimated,
    total,
    byProvider: ledger.byProvider(),
    byModel: ledger.byModel(),
  };
}

function variantCost(total: CostTotal | undefined): VariantCost {
  if (total === undefined) return { usd: 0, inputTokens: 0, outputTokens: 0, estimated: false };
  return {
    usd: total.usd,
    inputTokens: total.inputTokens,
    outputTokens: total.outputTokens,
    estimated: total.estimated,
  };
}

/**
 * The usage the stream reported; for a variant cancelled or failed before it reported any, what its
 * requests were billed (the adapters count it locally, `estimated`), so no outcome loses its usage.
 */
function usageOf(entry: TrackedVariant, billed: CostTotal | undefined): { usage?: Usage } {
  if (entry.usage !== undefined) return { usage: entry.usage };
  if (billed === undefined || billed.records === 0) return {};
  return { usage: { input: billed.inputTokens, output: billed.outputTokens, estimated: billed.estimated } };
}

/** Outcomes of every variant; `label` says how a finished one fared. */
function outcomes(
  entries: readonly TrackedVariant[],
  skipped: readonly SkippedVariant[],
  ledger: CostLedger,
  origin: number,
  label: (entry: TrackedVariant) => { outcome: VariantOutcomeKind; key?: string },
): VariantOutcome[] {
  const costs = ledger.byVariant();
  const list: VariantOutcome[] = entries.map((entry) => {
    const { outcome, key } = label(entry);
    return {
      id: entry.spec.id,
      provider: entry.provider,
      model: entry.model,
      params: params(entry.spec),
      source: sourceOf(entry),
      origin: entry.origin,
      ...(entry.fallbackOf !== undefined && { fallbackOf: entry.fallbackOf }),
      outcome,
      ...(entry.error !== undefined && { error: entry.error }),
      text: entry.text,
      ...(entry.finish !== undefined && { finish: entry.finish }),
      ...(entry.score !== undefined && { score: entry.score }),
      scores: entry.scores,
      findings: entry.findings,
      ...(key !== undefined && { key }),
      ...usageOf(entry, costs[entry.spec.id]),
      cost: variantCost(costs[entry.spec.id]),
      timings: {
        launchMs: round(entry.launchedAt - origin),
        ...(entry.firstTokenAt !== undefined && { ttftMs: round(entry.firstTokenAt - entry.launchedAt) }),
        ...(entry.endedAt !== undefined && {
          durationMs: round(entry.endedAt - entry.launchedAt),
          endMs: round(entry.endedAt - origin),
        }),
      },
    };
  });
  for (const s of skipped) {
    list.push({
      id: s.spec.id,
      provider: s.spec.provider,
      model: s.spec.model,
      params: params(s.spec),
      source: sourceOf({ provider: s.spec.provider, model: s.spec.model, spec: s.spec }),
      origin: s.origin,
      ...(s.fallbackOf !== undefined && { fallbackOf: s.fallbackOf }),
      outcome: 'skipped',
      error: s.error,
      text: '',
      scores: {},
      findings: {},
      cost: variantCost(undefined),
      timings: { launchMs: 0 },
    });
  }
  return list;
}

function params(spec: TrackedVariant['spec']): VariantOutcome['params'] {
  return {
    ...(spec.temperature !== undefined && { temperature: spec.temperature }),
    ...(spec.topP !== undefined && { topP: spec.topP }),
    attempt: spec.attempt,
  };
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

/** The partials of a run that ended without a decision: finished variants are `finished`. */
export function buildPartials(input: {
  readonly entries: readonly TrackedVariant[];
  readonly skipped: readonly SkippedVariant[];
  readonly ledger: CostLedger;
  readonly notices: readonly DecisionNotice[];
  readonly startedAt: number;
  readonly origin: number;
  readonly at: number;
}): DecisionPartials {
  const variants = outcomes(input.entries, input.skipped, input.ledger, input.origin, (entry) => ({
    outcome: entry.state === 'done' ? 'finished' : entry.state === 'failed' ? 'failed' : 'cancelled',
  }));
  return {
    variants,
    cost: decisionCost(input.ledger),
    notices: [...input.notices],
    timings: { startedAt: input.startedAt, endedMs: round(input.at - input.origin) },
  };
}

/** The public decision. */
export function buildDecision(input: DecisionInput): Decision {
  const { choice, agreement, quorum } = input;
  const winnerEntry = input.entries.find((e) => e.spec.id === choice.winner);
  const winnerKey =
    winnerEntry && agreement.kind === 'key'
      ? agreement.key({ text: winnerEntry.text, done: true })
      : undefined;
  const groupOf = (id: VariantId): string | undefined =>
    quorum.groups.find((g) => g.members.includes(id))?.key;
  const variants = outcomes(input.entries, input.skipped, input.ledger, input.origin, (entry) => {
    if (entry.state === 'failed') return { outcome: 'failed' };
    const finished = entry.state === 'done';
    const key = finished
      ? agreement.kind === 'key'
        ? agreement.key({ text: entry.text, done: true })
        : groupOf(entry.spec.id)
      : undefined;
    const withKey = key === undefined ? {} : { key };
    if (entry.spec.id === choice.winner) return { outcome: 'won', ...withKey };
    if (!finished) return { outcome: 'cancelled' };
    const agrees =
      winnerEntry !== undefined &&
      (agreement.kind === 'key'
        ? key !== undefined && key === winnerKey
        : agreement.similarity(winnerEntry.text, entry.text) >= agreement.threshold);
    return { outcome: agrees ? 'agreed' : 'lost', ...withKey };
  });
  const decided = input.stop === 'quorum' || input.stop === 'quality';
  const firstFinish = input.entries
    .filter((e) => e.state === 'done' && e.endedAt !== undefined)
    .reduce((min, e) => Math.min(min, e.endedAt!), Number.POSITIVE_INFINITY);
  return deepFreeze({
    text: choice.text,
    winner: choice.winner,
    method: input.method,
    task: input.task,
    confidence: choice.confidence,
    reason: choice.reason,
    noConsensus:
      !decided || choice.lowAgreement || choice.partial || choice.confidence < input.confidenceThreshold,
    stoppedBy: input.stop,
    partial: choice.partial,
    cached: false,
    quorum: { ...quorum, groups: [...quorum.groups] },
    variants,
    timings: {
      startedAt: input.startedAt,
      decidedMs: round(input.at - input.origin),
      ...(Number.isFinite(firstFinish) && { firstFinishMs: round(firstFinish - input.origin) }),
    },
    cost: decisionCost(input.ledger),
    notices: [...input.notices],
    complexity: { score: input.complexity.score, level: input.complexity.level },
    ...(choice.sources !== undefined && { sources: [...choice.sources] }),
    ...(input.asked !== undefined && { asked: { ...input.asked, launched: [...input.asked.launched] } }),
  });
}

/**
 * Freezes plain objects and arrays, deeply (errors and other class instances are left as they
 * are): a decision is shared by the cache and every caller that gets it, so none may change it.
 */
function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  const proto = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return value;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
  return value;
}

/** The error of a variant the budget kept from launching. */
export function budgetError(
  provider: string,
  variant: VariantId,
  estimateUsd: number | undefined,
  budgetUsd: number,
) {
  const why =
    estimateUsd === undefined
      ? 'its model has no known price, and a budget cannot be kept on unknown prices (set a price override)'
      : `its worst-case cost of $${estimateUsd.toPrecision(3)} would take the decision past its budget of $${budgetUsd}`;
  return new ProviderError({ type: 'budget', provider, variant, message: `not launched: ${why}` });
}
