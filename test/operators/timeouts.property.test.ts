/**
 * Properties of firstTokenTimeout / idleTimeout / totalTimeout against an independent model of
 * when each limit fires, over random event timelines, limits and unsubscription times.
 *
 * Events happen at integer frames, limits end in .5 and unsubscriptions in .25, so no two things
 * happen in the same instant and the model need not know the scheduler's tie-breaking order.
 */
import fc from 'fast-check';
import { type MonoTypeOperatorFunction, Observable, type Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/errors.js';
import type { VariantEvent } from '../../src/events.js';
import { firstTokenTimeout } from '../../src/operators/firstTokenTimeout.js';
import { idleTimeout } from '../../src/operators/idleTimeout.js';
import { totalTimeout } from '../../src/operators/totalTimeout.js';
import { delta, end, start, usage } from './variantEventKit.js';

type Kind = 'first_token' | 'idle' | 'total';
type Terminal = 'complete' | 'error' | 'hang';
interface Timed {
  readonly at: number;
  readonly event: VariantEvent;
}

const operators: Record<
  Kind,
  (ms: number, scheduler: TestScheduler) => MonoTypeOperatorFunction<VariantEvent>
> = {
  first_token: (ms, scheduler) => firstTokenTimeout(ms, { scheduler }),
  idle: (ms, scheduler) => idleTimeout(ms, { scheduler }),
  total: (ms, scheduler) => totalTimeout(ms, { scheduler }),
};

const timeline = fc
  .array(
    fc.record({
      gap: fc.integer({ min: 0, max: 8 }),
      type: fc.constantFrom('start', 'delta', 'delta', 'delta', 'usage', 'end'),
    }),
    { maxLength: 12 },
  )
  .map((steps) => {
    let at = 0;
    return steps.map(({ gap, type }, i): Timed => {
      at += gap;
      const event =
        type === 'start' ? start() : type === 'delta' ? delta(`t${i}`) : type === 'usage' ? usage() : end();
      return { at, event };
    });
  });

/** When the limit fires, by the definitions in the operators' docs; undefined if it never does. */
function modelTimeout(kind: Kind, ms: number, events: Timed[], terminalAt: number): number | undefined {
  // The clock stops for good at completion or error (terminalAt is Infinity for a hanging source).
  let armedAt: number | undefined = kind === 'idle' ? undefined : 0;
  for (const { at, event } of events) {
    if (armedAt !== undefined && at - armedAt > ms) return armedAt + ms;
    if (event.type === 'end') return undefined;
    if (kind === 'first_token' && event.type === 'delta') return undefined;
    if (kind === 'idle' && (event.type === 'delta' || armedAt !== undefined)) armedAt = at;
  }
  if (armedAt !== undefined && terminalAt - armedAt > ms) return armedAt + ms;
  return undefined;
}

describe('timeout operators (properties)', () => {
  it('fire exactly when the model says, emit nothing after the end, and close the source', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Kind>('first_token', 'idle', 'total'),
        timeline,
        fc.constantFrom<Terminal>('complete', 'error', 'hang'),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 20 }),
        fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
        (kind, events, terminal, terminalGap, limit, unsubFrame) => {
          const ms = limit + 0.5;
          const unsubAt = unsubFrame === undefined ? Number.POSITIVE_INFINITY : unsubFrame + 0.25;
          const lastAt = events.at(-1)?.at ?? 0;
          const terminalAt = terminal === 'hang' ? Number.POSITIVE_INFINITY : lastAt + terminalGap;
          const boom = new Error('source failed');

          const scheduler = new TestScheduler(() => {});
          const log: string[] = [];
          let sourceClosedAt: number | undefined;
          const source = new Observable<VariantEvent>((subscriber) => {
            const actions: Subscription[] = events.map(({ at, event }) =>
              scheduler.schedule(() => subscriber.next(event), at),
            );
            if (terminal !== 'hang') {
              actions.push(
                scheduler.schedule(
                  () => (terminal === 'complete' ? subscriber.complete() : subscriber.error(boom)),
                  terminalAt,
                ),
              );
            }
            return () => {
              sourceClosedAt = scheduler.now();
              log.push('source closed');
              for (const a of actions) a.unsubscribe();
            };
          });

          const seen: Timed[] = [];
          let endedAt: number | undefined;
          let error: unknown;
          let afterEnd = 0;
          const sub = source.pipe(operators[kind](ms, scheduler)).subscribe({
            next: (event) => {
              if (endedAt !== undefined) afterEnd += 1;
              seen.push({ at: scheduler.now(), event });
            },
            error: (e: unknown) => {
              if (endedAt !== undefined) afterEnd += 1;
              endedAt = scheduler.now();
              error = e;
              log.push('error');
            },
            complete: () => {
              if (endedAt !== undefined) afterEnd += 1;
              endedAt = scheduler.now();
              log.push('complete');
            },
          });
          if (Number.isFinite(unsubAt)) scheduler.schedule(() => sub.unsubscribe(), unsubAt);
          scheduler.flush();

          const timeoutAt = modelTimeout(kind, ms, events, terminalAt) ?? Number.POSITIVE_INFINITY;
          const stopAt = Math.min(timeoutAt, terminalAt, unsubAt);
          // An event in the same frame as the source's own end comes before it (it was scheduled first).
          expect(seen).toEqual(
            events.filter((e) => e.at < Math.min(timeoutAt, unsubAt) && e.at <= terminalAt),
          );
          expect(afterEnd).toBe(0);
          // Every subscription to the source is closed at the moment the result stops, whatever stops it.
          if (Number.isFinite(stopAt)) expect(sourceClosedAt).toBe(stopAt);
          else expect(sourceClosedAt).toBeUndefined();
          if (!Number.isFinite(stopAt)) {
            expect(endedAt).toBeUndefined();
          } else if (stopAt === timeoutAt) {
            expect(error).toBeInstanceOf(ProviderError);
            expect(error).toMatchObject({ type: 'timeout', timeout: kind });
            // Named after the events seen; none seen → no variant, provider 'unknown'.
            expect((error as ProviderError).variant).toBe(seen.length > 0 ? 'v1' : undefined);
            const started = seen.some((e) => e.event.type === 'start');
            expect((error as ProviderError).provider).toBe(started ? 'openai' : 'unknown');
            expect(endedAt).toBe(timeoutAt);
            expect(log).toEqual(['source closed', 'error']);
          } else if (stopAt === terminalAt) {
            expect(endedAt).toBe(terminalAt);
            expect(error).toBe(terminal === 'error' ? boom : undefined);
          } else {
            expect(endedAt).toBeUndefined();
          }
          // No timer is left behind.
          expect(scheduler.actions).toHaveLength(0);
        },
      ),
      { numRuns: 400 },
    );
  });
});
