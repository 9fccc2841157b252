/**
 * The orchestrator's record of every variant of one decision: what was launched, what each has
 * streamed, its scores and how it ended. Fed from the merged event stream (before the operators)
 * and from the scored snapshots; read for progress rows and for the final outcomes. Not public.
 */
import type { VariantOrigin, VariantProgress, VariantState } from '../decision.js';
import type { ChorusError } from '../errors.js';
import {
  assertNever,
  type Finding,
  type FinishReason,
  type ScoredSnapshot,
  type Usage,
  type VariantEvent,
  type VariantId,
} from '../events.js';
import { estimateTokens } from '../tokens.js';
import type { VariantSpec } from '../variation.js';

/** One variant's record. Mutable, owned by the tracker. */
export interface TrackedVariant {
  readonly spec: VariantSpec;
  readonly origin: VariantOrigin;
  readonly fallbackOf: VariantId | undefined;
  /** Providers already tried for this variant's lineage (for `pool.fallbackSpec`). */
  readonly tried: string[];
  /** The planned variant this one descends from (itself when planned). */
  readonly root: VariantSpec;
  /** Launch time on the tracker's clock. */
  readonly launchedAt: number;
  provider: string;
  model: string;
  state: VariantState;
  text: string;
  chars: number;
  /** Output tokens estimated from the deltas (replaced by the reported usage once known). */
  tokens: number;
  firstTokenAt: number | undefined;
  lastTokenAt: number | undefined;
  endedAt: number | undefined;
  finish: FinishReason | undefined;
  error: ChorusError | undefined;
  usage: Usage | undefined;
  score: number | undefined;
  scores: Readonly<Record<string, number>>;
  findings: Readonly<Record<string, readonly Finding[]>>;
  /** Worst-case USD reserved against the budget until its usage is recorded. */
  reservedUsd: number;
  /** The provider answered (a `start` event): its request will report usage, even if cancelled. */
  answered: boolean;
  /** Usage records received through the pool's `onUsage`. */
  usageRecords: number;
  /** A fallback variant was launched in its place. */
  rescued: boolean;
}

/** A variant the budget kept from launching. */
export interface SkippedVariant {
  readonly spec: VariantSpec;
  readonly origin: VariantOrigin;
  readonly fallbackOf: VariantId | undefined;
  readonly error: ChorusError;
}

/** What an event changed. */
export type TrackedChange = 'none' | 'started' | 'text' | 'finished' | 'failed';

/** Creates the tracker of one decision; `now` is the clock of the events' `at`. */
export function createVariantTracker(now: () => number) {
  const entries = new Map<VariantId, TrackedVariant>();
  const skipped: SkippedVariant[] = [];
  let running = 0;

  const end = (entry: TrackedVariant, state: VariantState, at: number): void => {
    if (entry.state === 'waiting' || entry.state === 'streaming') running--;
    entry.state = state;
    entry.endedAt ??= at;
  };

  return {
    entries: (): readonly TrackedVariant[] => [...entries.values()],
    skipped: (): readonly SkippedVariant[] => skipped,
    get: (id: VariantId): TrackedVariant | undefined => entries.get(id),
    has: (id: VariantId): boolean => entries.has(id),
    /** Variants launched and not ended (waiting or streaming). */
    running: (): number => running,

    launch(
      spec: VariantSpec,
      origin: VariantOrigin,
      reservedUsd: number,
      parent?: TrackedVariant,
    ): TrackedVariant {
      const entry: TrackedVariant = {
        spec,
        origin,
        fallbackOf: parent?.spec.id,
        tried: parent ? [...new Set([...parent.tried, parent.spec.provider, parent.provider])] : [],
        root: parent?.root ?? spec,
        launchedAt: now(),
        provider: spec.provider,
        model: spec.model,
        state: 'waiting',
        text: '',
        chars: 0,
        tokens: 0,
        firstTokenAt: undefined,
        lastTokenAt: undefined,
        endedAt: undefined,
        finish: undefined,
        error: undefined,
        usage: undefined,
        score: undefined,
        scores: {},
        findings: {},
        reservedUsd,
        answered: false,
        usageRecords: 0,
        rescued: false,
      };
      entries.set(spec.id, entry);
      running++;
      return entry;
    },

    skip(spec: VariantSpec, origin: VariantOrigin, error: ChorusError, parent?: TrackedVariant): void {
      skipped.push({ spec, origin, fallbackOf: parent?.spec.id, error });
    },

    /** Records a raw variant event. */
    onEvent(event: VariantEvent): TrackedChange {
      const entry = entries.get(event.variant);
      if (entry === undefined || entry.endedAt !== undefined) return 'none';
      switch (event.type) {
        case 'start':
          entry.answered = true;
          if (event.provider !== undefined) entry.provider = event.provider;
          if (event.model !== undefined) entry.model = event.model;
          if (entry.state !== 'waiting') return 'none';
          entry.state = 'streaming';
          return 'started';
        case 'delta':
          entry.text += event.text;
          entry.chars += event.text.length;
          // Cheap per delta; the provider's count replaces it once reported.
          if (entry.usage === undefined) entry.tokens += estimateTokens(event.text);
          entry.firstTokenAt ??= event.at;
          entry.lastTokenAt = event.at;
          if (entry.state === 'waiting') {
            entry.state = 'streaming';
            return 'started';
          }
          return 'text';
        case 'usage':
          entry.usage = { input: event.input, output: event.output, estimated: event.estimated };
          entry.tokens = event.output;
          return 'none';
        case 'end': {
          entry.finish = event.finish;
          entry.error = event.error;
          const failed = event.finish === 'error' || event.finish === 'cancelled';
          end(entry, failed ? (event.finish === 'error' ? 'failed' : 'cancelled') : 'done', event.at);
          return failed ? 'failed' : 'finished';
        }
        default:
          return assertNever(event, 'variant event');
      }
    },

    /** Records a scored snapshot's scores. */
    onScored(snapshot: ScoredSnapshot): void {
      const entry = entries.get(snapshot.variant);
      if (entry === undefined) return;
      entry.score = snapshot.score;
      entry.scores = snapshot.scores;
      entry.findings = snapshot.findings;
    },

    /** Marks every variant still running as cancelled (the decision, or the caller, stopped them). */
    cancelRunning(at: number): void {
      for (const entry of entries.values()) {
        if (entry.state === 'waiting' || entry.state === 'streaming') {
          entry.finish = 'cancelled';
          end(entry, 'cancelled', at);
        }
      }
    },

    /** A progress row. */
    row(entry: TrackedVariant, at: number): VariantProgress {
      const tokens = entry.usage?.output ?? entry.tokens;
      const span =
        entry.firstTokenAt !== undefined && entry.lastTokenAt !== undefined
          ? entry.lastTokenAt - entry.firstTokenAt
          : 0;
      return {
        id: entry.spec.id,
        provider: entry.provider,
        model: entry.model,
        ...(entry.spec.temperature !== undefined && { temperature: entry.spec.temperature }),
        ...(entry.spec.topP !== undefined && { topP: entry.spec.topP }),
        attempt: entry.spec.attempt,
        origin: entry.origin,
        ...(entry.fallbackOf !== undefined && { fallbackOf: entry.fallbackOf }),
        state: entry.state,
        tokens,
        chars: entry.chars,
        // Tokens after the first arrived over `span`: rate from the second token on.
        tokensPerSecond: span > 0 ? Math.round(((tokens - 1) / span) * 1000 * 10) / 10 : 0,
        score: entry.score,
        ttftMs: entry.firstTokenAt === undefined ? undefined : entry.firstTokenAt - entry.launchedAt,
        elapsedMs: (entry.endedAt ?? at) - entry.launchedAt,
      };
    },
  };
}

/** The tracker of one decision. */
export type VariantTracker = ReturnType<typeof createVariantTracker>;
