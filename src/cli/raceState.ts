/**
 * What the terminal view of a race shows: plain data, so that `renderFrame` stays a pure function
 * of it and tests compare frames as strings. The engine's events are mapped into it by
 * `raceStateFromProgress`.
 */

/**
 * Where a variant is in the race.
 * - `waiting`: planned, no response yet;
 * - `streaming`: tokens arriving;
 * - `finished`: ended normally, before the decision;
 * - `won` / `agreed` / `lost`: after the decision, the chosen answer, the others that agreed with
 *   it, and finished answers that did not;
 * - `cancelled`: still streaming when the decision came (its request was aborted);
 * - `failed`: ended with an error;
 * - `skipped`: never launched (the budget did not allow it).
 */
export type RowState =
  | 'waiting'
  | 'streaming'
  | 'finished'
  | 'won'
  | 'agreed'
  | 'lost'
  | 'cancelled'
  | 'failed'
  | 'skipped';

/** One variant's row. */
export interface RaceRow {
  /** The variant id, e.g. `openai:gpt-4o-mini@t0.2#1`. */
  readonly id: string;
  /** Provider name (the config's key). */
  readonly provider: string;
  readonly model: string;
  /** Sampling parameters in short form (`t0.2 p0.9`), `''` for the provider's defaults. */
  readonly params: string;
  readonly state: RowState;
  /** Tokens received so far (chunks while streaming; the reported count once known). */
  readonly tokens: number;
  /** Output speed over the streaming part, when at least two tokens arrived. */
  readonly tokensPerSecond: number | undefined;
  /** The scorers' weighted score in [0, 1], when scored. */
  readonly score: number | undefined;
  /** The answer this variant votes for (e.g. the final number), once it has one. */
  readonly answer?: string | undefined;
  /** One line about a failure. */
  readonly error?: string | undefined;
}

/** The whole race at one moment. */
export interface RaceState {
  /** The first line (what is being raced). */
  readonly title: string;
  /** A line shown under the title, e.g. that the providers are emulated. */
  readonly notice?: string | undefined;
  /** Milliseconds since the race started. */
  readonly elapsedMs: number;
  readonly rows: readonly RaceRow[];
  /** Agreeing answers needed to decide. */
  readonly quorum: number;
  /** Size of the leading group of agreeing answers. */
  readonly agreeing: number;
  /** What the leading group agrees on, when known. */
  readonly leadingAnswer?: string | undefined;
  /** The variant currently leading. */
  readonly leader?: string | undefined;
  /** Whether the decision has been made (rows then show won / agreed / lost / cancelled). */
  readonly decided: boolean;
}
