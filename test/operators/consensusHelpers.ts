/**
 * Builders and probes shared by the tests of snapshots, endOnError, scoreIncrementally and
 * takeUntilQuorum.
 */
import { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { expect } from 'vitest';
import type {
  DeltaEvent,
  EndEvent,
  FinishReason,
  ScoredSnapshot,
  StartEvent,
  UsageEvent,
  VariantId,
} from '../../src/events.js';
import type { Scorer } from '../../src/scorers/scorer.js';

export const testScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

export const start = (variant: VariantId, at = 0, extra: Partial<StartEvent> = {}): StartEvent => ({
  type: 'start',
  variant,
  at,
  ...extra,
});
export const delta = (variant: VariantId, text: string, at = 0): DeltaEvent => ({
  type: 'delta',
  variant,
  text,
  at,
});
export const usage = (variant: VariantId, input: number, output: number): UsageEvent => ({
  type: 'usage',
  variant,
  input,
  output,
  estimated: false,
});
export const end = (variant: VariantId, finish: FinishReason = 'stop', at = 0): EndEvent => ({
  type: 'end',
  variant,
  finish,
  at,
});

/** A scored snapshot with sensible defaults (streaming unless `finish` is given). */
export function scored(
  variant: VariantId,
  text: string,
  extra: Partial<ScoredSnapshot> = {},
): ScoredSnapshot {
  const done = extra.done ?? extra.finish !== undefined;
  return {
    variant,
    text,
    delta: '',
    deltas: 0,
    done,
    scores: {},
    score: 1,
    findings: {},
    scoreErrors: {},
    ...extra,
  };
}

/** A finished variant's final snapshot. */
export const final = (
  variant: VariantId,
  text: string,
  score = 1,
  finish: FinishReason = 'stop',
): ScoredSnapshot => scored(variant, text, { done: true, finish, score });

/** Counts subscriptions and teardowns of the wrapped source. */
export interface Probe {
  subscribed: number;
  closed: number;
}

export function probed<T>(source: Observable<T>, probe: Probe): Observable<T> {
  return new Observable<T>((subscriber) => {
    probe.subscribed++;
    const inner = source.subscribe(subscriber);
    return () => {
      probe.closed++;
      inner.unsubscribe();
    };
  });
}

/** A synchronous source that stops as soon as its subscriber closes, recording what it produced. */
export function syncSource<T>(values: readonly T[], produced: T[]): Observable<T> {
  return new Observable<T>((subscriber) => {
    for (const value of values) {
      if (subscriber.closed) return;
      produced.push(value);
      subscriber.next(value);
    }
    subscriber.complete();
  });
}

/** A scorer that records what it is fed and scores by length (capped at 1 at 100 chars). */
export function recordingScorer(name = 'len'): Scorer<{ chars: number }> & { fed: string[]; inits: number } {
  const fed: string[] = [];
  const scorer = {
    name,
    version: '1',
    fed,
    inits: 0,
    init() {
      scorer.inits++;
      return { chars: 0 };
    },
    feed(state: { chars: number }, d: string) {
      fed.push(d);
      state.chars += d.length;
      return state;
    },
    score(state: { chars: number }) {
      return Math.min(1, state.chars / 100);
    },
  };
  return scorer;
}
