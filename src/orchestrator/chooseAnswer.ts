/**
 * The answer of a run, once its variants have settled: the quality winner, the consensus method's
 * choice among the finished answers, or the best partial text when nothing finished. Not public.
 */
import type { ChorusConfig } from '../config/types.js';
import type { Candidate } from '../consensus/candidate.js';
import type { ConsensusEngine } from '../consensus/consensusEngine.js';
import type { Selection } from '../consensus/selection.js';
import type { DecisionPartials, DecisionStop } from '../decision.js';
import type { VariantId } from '../events.js';
import type { QuorumDecision } from '../operators/quorumEvents.js';
import type { TournamentCompare } from '../operators/tournamentReduce.js';
import { type Choice, sourceOf } from './buildDecision.js';
import { DecisionError } from './decisionError.js';
import type { TrackedVariant } from './variantTracker.js';

/** What `chooseAnswer` reads. */
export interface ChooseInput {
  readonly stop: DecisionStop;
  readonly entries: readonly TrackedVariant[];
  /** How many variants the budget kept from launching (for the error message). */
  readonly skipped: number;
  readonly qualityWinner: VariantId | undefined;
  readonly engine: ConsensusEngine;
  readonly prompt: string;
  readonly signal: AbortSignal;
  readonly config: ChorusConfig;
  readonly quorumDecision: QuorumDecision | undefined;
  readonly partials: () => DecisionPartials;
  /** The tournament's comparator for this decision (the configured LLM judge). */
  readonly compare?: TournamentCompare<Candidate> | undefined;
  /** Whether the engine learns from this choice now. @defaultValue true */
  readonly learn?: boolean;
  /** Names the LLM judge in the reason (read once the method has decided). */
  readonly judgeLabel?: (() => string) | undefined;
}

/** The choice, and what it was made from (for learning later, or for the LLM fuser). */
export interface Chosen {
  readonly choice: Choice;
  /** The finished answers the method chose among (none for a quality stop or a partial text). */
  readonly candidates: readonly Candidate[];
  /** The method's selection, when the method chose. */
  readonly selection: Selection | undefined;
}

/**
 * Chooses the answer. Throws a `DecisionError` when no variant has any text; rethrows the
 * engine's error only when `signal` aborted (any other failure of the method falls back on the
 * quorum's leader, so that a failing LLM judge never loses the answers).
 */
export async function chooseAnswer(input: ChooseInput): Promise<Chosen> {
  const { stop, entries, config, quorumDecision } = input;
  const seconds = config.orchestration.timeout_seconds;
  if (stop === 'quality' && input.qualityWinner !== undefined) {
    const winner = entries.find((e) => e.spec.id === input.qualityWinner)!;
    const score = winner.score ?? 0;
    const choice: Choice = {
      text: winner.text,
      winner: winner.spec.id,
      confidence: score,
      reason: `${winner.spec.id} finished with a score of ${score.toFixed(2)}, at or above quality_threshold ${config.orchestration.consensus.quality_threshold}`,
      lowAgreement: false,
      partial: false,
    };
    return { choice, candidates: [], selection: undefined };
  }
  // The LLM fuser is not a candidate: it speaks after the decision, about the candidates.
  const finished = entries.filter((e) => e.state === 'done' && e.text.trim() !== '' && e.origin !== 'fuser');
  if (finished.length === 0)
    return { choice: bestPartial(input, seconds), candidates: [], selection: undefined };

  const candidates: Candidate[] = finished.map((e) => ({
    id: e.spec.id,
    text: e.text,
    source: sourceOf(e),
    ...(e.score !== undefined && { score: e.score }),
    scores: e.scores,
    ...(e.finish !== undefined && { finish: e.finish }),
  }));
  try {
    const selection = await input.engine.decide(candidates, {
      prompt: input.prompt,
      signal: input.signal,
      ...(input.compare !== undefined && { compare: input.compare }),
      ...(input.learn === false && { learn: false }),
    });
    const prefix =
      stop === 'timeout'
        ? `timeout after ${seconds} s with ${finished.length} finished; `
        : stop === 'exhausted'
          ? `no quorum of ${config.orchestration.consensus.min_responses}; `
          : '';
    const judged = input.judgeLabel !== undefined ? ` (judged by ${input.judgeLabel()})` : '';
    const choice: Choice = {
      text: selection.text,
      winner: selection.winner,
      confidence: selection.confidence,
      reason: prefix + selection.reason + judged,
      lowAgreement: selection.noConsensus === true,
      partial: false,
      ...(selection.moreVariants === true && { moreVariants: true }),
      ...(input.engine.method === 'hybrid_merge' && { sources: mergeSources(selection) }),
    };
    return { choice, candidates, selection };
  } catch (error) {
    if (input.signal.aborted) throw error;
    const leaderId = quorumDecision?.winners[0]?.variant ?? quorumDecision?.leader;
    const leader =
      finished.find((e) => e.spec.id === leaderId) ??
      [...finished].sort((a, b) => (b.score ?? 0) - (a.score ?? 0))[0]!;
    const who = input.judgeLabel !== undefined ? ` (judged by ${input.judgeLabel()})` : '';
    const choice: Choice = {
      text: leader.text,
      winner: leader.spec.id,
      confidence: quorumDecision?.confidence ?? 0,
      reason: `${input.engine.method}${who} failed (${error instanceof Error ? error.message : String(error)}); chose the quorum's leader`,
      lowAgreement: false,
      partial: false,
    };
    return { choice, candidates, selection: undefined };
  }
}

/** The candidates a merge took something from, the most used first (then by id). */
export function mergeSources(selection: Selection): VariantId[] {
  return selection.candidates
    .filter((c) => c.votes > 0)
    .sort((a, b) => b.weight - a.weight || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((c) => c.id);
}

/** No finished answer: the best partial text, flagged; cancelled streams (healthy) before failed ones. */
function bestPartial(input: ChooseInput, seconds: number): Choice {
  const { stop, entries } = input;
  const rank = (e: TrackedVariant) => (e.state === 'cancelled' ? 0 : 1);
  const best = entries
    .filter((e) => e.text.trim() !== '')
    .sort((a, b) => rank(a) - rank(b) || (b.score ?? 0) - (a.score ?? 0) || b.chars - a.chars)[0];
  if (best === undefined) {
    throw new DecisionError(
      stop === 'timeout' ? 'timeout' : 'no_answer',
      stop === 'timeout'
        ? `No variant produced any text within timeout_seconds (${seconds} s)`
        : `No variant produced an answer: ${describeFailures(entries, input.skipped)}`,
      input.partials(),
    );
  }
  const why = stop === 'timeout' ? `no variant finished within ${seconds} s` : 'no variant finished';
  return {
    text: best.text,
    winner: best.spec.id,
    confidence: 0,
    reason: `${why}; the best partial answer is ${best.spec.id}'s (${best.chars} characters)`,
    lowAgreement: true,
    partial: true,
  };
}

function describeFailures(entries: readonly TrackedVariant[], skipped: number): string {
  const errors = entries.flatMap((e) => (e.error ? [`${e.spec.id}: ${e.error.type}`] : []));
  const parts = [...errors, ...(skipped > 0 ? [`${skipped} not launched (budget)`] : [])];
  return parts.length ? parts.join('; ') : 'nothing was launched';
}
