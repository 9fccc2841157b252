/**
 * Properties of retryBeforeFirstToken over random attempt scripts: each attempt sends a start, some
 * deltas, then completes or fails (retryably or not) — before or after its first delta.
 */
import fc from 'fast-check';
import { defer, Observable, type Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/errors.js';
import type { VariantEvent } from '../../src/events.js';
import { retryBeforeFirstToken } from '../../src/operators/retryBeforeFirstToken.js';
import { delta, end, start } from './variantEventKit.js';

type Outcome = 'complete' | 'retryable' | 'fatal';
interface Attempt {
  readonly deltas: number;
  readonly outcome: Outcome;
  readonly gap: number;
}

const attemptArb = fc.record({
  deltas: fc.integer({ min: 0, max: 3 }),
  outcome: fc.constantFrom<Outcome>('complete', 'retryable', 'retryable', 'fatal'),
  gap: fc.integer({ min: 1, max: 5 }),
});

const errorFor = (outcome: Outcome, n: number) =>
  new ProviderError({
    type: outcome === 'retryable' ? 'server' : 'auth',
    message: `attempt ${n} failed`,
    provider: 'openai',
  });

/** What downstream must see: the committed attempt's events, or the last attempt's failure. */
function model(attempts: Attempt[], maxAttempts: number) {
  for (let n = 1; ; n++) {
    const a = attempts[Math.min(n, attempts.length) - 1]!;
    const texts = Array.from({ length: a.deltas }, (_, i) => `${n}.${i}`);
    const retry = a.outcome === 'retryable' && a.deltas === 0 && n < maxAttempts;
    if (!retry) return { attempts: n, texts, outcome: a.outcome };
  }
}

describe('retryBeforeFirstToken (properties)', () => {
  it('never duplicates or reorders deltas, shows one start, and closes every attempt', () => {
    fc.assert(
      fc.property(
        fc.array(attemptArb, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 20 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.option(fc.integer({ min: 0, max: 120 }), { nil: undefined }),
        (attempts, maxAttempts, baseDelayMs, jitter, unsubAt) => {
          const scheduler = new TestScheduler(() => {});
          let subscribed = 0;
          let open = 0;
          const source = defer(() => {
            const n = ++subscribed;
            const a = attempts[Math.min(n, attempts.length) - 1]!;
            return new Observable<VariantEvent>((subscriber) => {
              open += 1;
              const actions: Subscription[] = [];
              let at = 0;
              const later = (work: () => void) => {
                at += a.gap;
                actions.push(scheduler.schedule(work, at));
              };
              later(() => subscriber.next(start()));
              for (let i = 0; i < a.deltas; i++) later(() => subscriber.next(delta(`${n}.${i}`)));
              if (a.outcome === 'complete') {
                later(() => subscriber.next(end()));
                later(() => subscriber.complete());
              } else later(() => subscriber.error(errorFor(a.outcome, n)));
              return () => {
                open -= 1;
                for (const action of actions) action.unsubscribe();
              };
            });
          });

          const seen: VariantEvent[] = [];
          let ended: 'complete' | 'error' | undefined;
          let afterEnd = 0;
          const sub = source
            .pipe(retryBeforeFirstToken({ maxAttempts, baseDelayMs, random: () => jitter, scheduler }))
            .subscribe({
              next: (e) => {
                if (ended) afterEnd += 1;
                seen.push(e);
              },
              error: () => {
                if (ended) afterEnd += 1;
                ended = 'error';
              },
              complete: () => {
                if (ended) afterEnd += 1;
                ended = 'complete';
              },
            });
          if (unsubAt !== undefined) scheduler.schedule(() => sub.unsubscribe(), unsubAt + 0.5);
          scheduler.flush();

          const texts = seen.flatMap((e) => (e.type === 'delta' ? [e.text] : []));
          // Whatever happened, the deltas are one attempt's, in order, from its first, each once.
          const from = new Set(texts.map((t) => t.split('.')[0]));
          expect(from.size).toBeLessThanOrEqual(1);
          expect(texts.map((t) => Number(t.split('.')[1]))).toEqual(texts.map((_, i) => i));
          expect(seen.filter((e) => e.type === 'start').length).toBeLessThanOrEqual(1);
          expect(afterEnd).toBe(0);
          // Every attempt's subscription is closed, and no backoff timer is left.
          expect(open).toBe(0);
          expect(scheduler.actions).toHaveLength(0);

          if (ended !== undefined) {
            // Not unsubscribed before the end: the outcome is exactly the model's.
            const expected = model(attempts, maxAttempts);
            expect(subscribed).toBe(expected.attempts);
            expect(texts).toEqual(expected.texts);
            expect(seen.filter((e) => e.type === 'start')).toHaveLength(1);
            expect(ended).toBe(expected.outcome === 'complete' ? 'complete' : 'error');
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
