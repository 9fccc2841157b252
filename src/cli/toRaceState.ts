import type { ConsensusProgress, Decision, VariantOutcomeKind, VariantState } from '../decision.js';
import { assertNever } from '../events.js';
import type { RaceRow, RaceState, RowState } from './raceState.js';

/** The lines above the table. */
export interface RaceHeading {
  readonly title: string;
  readonly notice?: string | undefined;
}

const FROM_PROGRESS: Readonly<Record<VariantState, RowState>> = {
  waiting: 'waiting',
  streaming: 'streaming',
  done: 'finished',
  failed: 'failed',
  cancelled: 'cancelled',
};

const FROM_OUTCOME: Readonly<Record<VariantOutcomeKind, RowState>> = {
  won: 'won',
  agreed: 'agreed',
  lost: 'lost',
  cancelled: 'cancelled',
  failed: 'failed',
  skipped: 'skipped',
  finished: 'finished',
};

/** `t0.2 p0.9`: the sampling parameters that are set. */
function paramsText(params: { readonly temperature?: number; readonly topP?: number }): string {
  return [
    ...(params.temperature !== undefined ? [`t${params.temperature}`] : []),
    ...(params.topP !== undefined ? [`p${params.topP}`] : []),
  ].join(' ');
}

/**
 * The live view's state from the orchestrator's events: a `progress` event while the quorum forms
 * (each finished variant's answer read from the agreeing groups), or the final `Decision` (rows
 * then show won / agreed / lost / cancelled / failed).
 *
 * @example
 * chorus.stream(prompt).subscribe((e) => {
 *   if (e.type === 'progress') view.update(toRaceState(e, { title: 'chorus run' }));
 *   if (e.type === 'decision') view.close(toRaceState(e.decision, { title: 'chorus run' }));
 * });
 */
export function toRaceState(source: ConsensusProgress | Decision, heading: RaceHeading): RaceState {
  if ('type' in source) {
    const answers = new Map<string, string>();
    for (const group of source.groups) for (const member of group.members) answers.set(member, group.key);
    const rows: RaceRow[] = source.variants.map((v) => ({
      id: v.id,
      provider: v.provider,
      model: v.model,
      params: paramsText(v),
      state: FROM_PROGRESS[v.state],
      tokens: v.tokens,
      tokensPerSecond: v.tokensPerSecond > 0 ? v.tokensPerSecond : undefined,
      score: v.score,
      answer: answers.get(v.id),
    }));
    const leading = source.groups[0];
    return {
      title: heading.title,
      notice: heading.notice,
      elapsedMs: source.elapsedMs,
      rows,
      quorum: source.quorum,
      agreeing: source.agreeing,
      leadingAnswer: leading?.key,
      leader: source.leader,
      decided: false,
    };
  }
  const rows: RaceRow[] = source.variants.map((v) => {
    const tokens = v.usage?.output ?? v.cost.outputTokens;
    const streamingMs =
      v.timings.durationMs !== undefined && v.timings.ttftMs !== undefined
        ? v.timings.durationMs - v.timings.ttftMs
        : undefined;
    return {
      id: v.id,
      provider: v.provider,
      model: v.model,
      params: paramsText(v.params),
      state: rowState(v.outcome),
      tokens,
      tokensPerSecond:
        streamingMs !== undefined && streamingMs > 0 && tokens > 1
          ? (tokens * 1000) / streamingMs
          : undefined,
      score: v.score,
      answer: v.key,
      error: v.error?.message,
    };
  });
  return {
    title: heading.title,
    notice: heading.notice,
    elapsedMs: source.timings.decidedMs,
    rows,
    quorum: source.quorum.required,
    agreeing: source.quorum.agreeing,
    leadingAnswer: source.quorum.key,
    leader: source.winner,
    decided: true,
  };
}

function rowState(outcome: VariantOutcomeKind): RowState {
  const state = FROM_OUTCOME[outcome];
  if (state === undefined) assertNever(outcome as never, 'variant outcome');
  return state;
}
