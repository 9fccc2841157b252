/**
 * The event and snapshot types every layer of chorus shares.
 *
 * A variant (one provider × model × parameters × attempt) is a cold `Observable<VariantEvent>`:
 * `start`, then any number of `delta`s, then at most one `usage` and one `end`. Subscribing sends
 * the request; unsubscribing aborts it. Provider failures travel as Observable errors of type
 * `ProviderError`; `endOnError()` turns them into an `end` event with `finish: 'error'` so that one
 * failing variant never ends a merge of many.
 *
 * Times (`at`) are milliseconds on the clock of whoever made the event: `performance.now()` for the
 * provider adapters, the scheduler's `now()` for operators under test.
 */
import type { ChorusError } from './errors.js';

/** Identifies one variant within a run, e.g. `openai:gpt-4o-mini#t0.2`. Stable for a given plan. */
export type VariantId = string;

/** Why a variant's stream ended. */
export type FinishReason = 'stop' | 'length' | 'cancelled' | 'error';

/** The request went out and the provider answered with a streaming response. */
export interface StartEvent {
  readonly type: 'start';
  readonly variant: VariantId;
  readonly at: number;
  /** Provider name (e.g. `openai`, or the config's provider key). */
  readonly provider?: string;
  /** The model the provider reports (or the one requested). */
  readonly model?: string;
}

/** A piece of generated text, in order. Never empty. */
export interface DeltaEvent {
  readonly type: 'delta';
  readonly variant: VariantId;
  readonly text: string;
  readonly at: number;
}

/** Token usage of the request. `estimated` when counted locally (cancelled or failed streams). */
export interface UsageEvent {
  readonly type: 'usage';
  readonly variant: VariantId;
  readonly input: number;
  readonly output: number;
  readonly estimated: boolean;
}

/** The stream ended. `error` is set exactly when `finish === 'error'`. */
export interface EndEvent {
  readonly type: 'end';
  readonly variant: VariantId;
  readonly finish: FinishReason;
  readonly at: number;
  readonly error?: ChorusError;
}

/** Everything a variant stream emits. Switch on `type`; every switch ends in an `assertNever`. */
export type VariantEvent = StartEvent | DeltaEvent | UsageEvent | EndEvent;

/** Token counts of one request. */
export interface Usage {
  readonly input: number;
  readonly output: number;
  readonly estimated: boolean;
}

/**
 * The state of one variant after an event, as `snapshots()` emits it.
 *
 * `text` is built by appending deltas (V8 keeps appended strings as ropes, so this is linear), and
 * `delta` is the text the latest event added, so incremental consumers never rescan `text`.
 */
export interface Snapshot {
  readonly variant: VariantId;
  /** All text received so far. */
  readonly text: string;
  /** The text added by the event that produced this snapshot (`''` for non-delta events). */
  readonly delta: string;
  /** Number of deltas received. */
  readonly deltas: number;
  /** True once the variant has ended, for any reason. */
  readonly done: boolean;
  readonly finish?: FinishReason;
  readonly usage?: Usage;
  readonly error?: ChorusError;
  readonly provider?: string;
  readonly model?: string;
  /** When the `start` event arrived. */
  readonly startedAt?: number;
  /** When the first delta arrived. */
  readonly firstTokenAt?: number;
  /** When the latest delta arrived. */
  readonly lastTokenAt?: number;
  /** When the `end` event arrived. */
  readonly endedAt?: number;
}

/** Exhaustiveness check for switches over discriminated unions. */
export function assertNever(value: never, what = 'value'): never {
  throw new TypeError(`Unexpected ${what}: ${JSON.stringify(value)}`);
}

/** One thing a scorer found, with where it found it, so a decision can explain itself. */
export interface Finding {
  /** Short machine-readable code, e.g. `syntax_error`, `bare_except`, `missing_requirement`. */
  readonly code: string;
  readonly message: string;
  /** `'error'` lowers the score the most; `'info'` does not lower it. */
  readonly severity: 'error' | 'warning' | 'info';
  /** Offset in the variant's text, when known. */
  readonly offset?: number;
  /** 1-based line and column in the variant's text (or in the code block), when known. */
  readonly line?: number;
  readonly column?: number;
}

/** A snapshot with its scores, as `scoreIncrementally()` emits it. */
export interface ScoredSnapshot extends Snapshot {
  /** Each scorer's latest score in [0, 1], by scorer name. Absent for scorers that failed. */
  readonly scores: Readonly<Record<string, number>>;
  /** The weighted mean of `scores`, in [0, 1] (1 when there are no scorers). */
  readonly score: number;
  /** What the scorers found, by scorer name. */
  readonly findings: Readonly<Record<string, readonly Finding[]>>;
  /** Scorers that threw, by name, with the error. Their score is left out of `score`. */
  readonly scoreErrors: Readonly<Record<string, Error>>;
}
