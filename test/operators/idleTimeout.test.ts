import {
  asyncScheduler,
  type MonoTypeOperatorFunction,
  mergeMap,
  Observable,
  of,
  type SchedulerAction,
  type SchedulerLike,
} from 'rxjs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ProviderError } from '../../src/errors.js';
import type { VariantEvent } from '../../src/events.js';
import { idleTimeout } from '../../src/operators/idleTimeout.js';
import { delta, start, testScheduler, V } from './variantEventKit.js';

const idleError = (ms: number, provider = 'openai') =>
  new ProviderError({
    type: 'timeout',
    timeout: 'idle',
    provider,
    variant: 'v1',
    message: `idle timeout: no event for ${ms} ms after the previous one (the stream stalled)`,
  });

describe('idleTimeout', () => {
  it('does not count the wait before the first token', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s----------a-b-c-e|', V);
      expectObservable(source.pipe(idleTimeout(3))).toBe('-s----------a-b-c-e|', V);
      expectSubscriptions(source.subscriptions).toBe('^------------------!');
    });
  });

  it('errors when the stream stalls after a token, unsubscribing the source in that frame', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-a-b-------c-e|', V);
      expectObservable(source.pipe(idleTimeout(3))).toBe('-s-a-b--#', V, idleError(3));
      expectSubscriptions(source.subscriptions).toBe('^-------!');
    });
  });

  it('restarts at every event after the first token, usage included', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('-s-a--u--b--e|', V);
      expectObservable(source.pipe(idleTimeout(4))).toBe('-s-a--u--b--e|', V);
      // The same gaps fail once one of them exceeds the limit.
      expectObservable(source.pipe(idleTimeout(2))).toBe('-s-a-#', V, idleError(2));
    });
  });

  it('stops at `end`: a variant that has ended cannot stall', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('-s-a-e----------|', V);
      expectObservable(source.pipe(idleTimeout(3))).toBe('-s-a-e----------|', V);
    });
  });

  it('passes a source error through', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-a-#', V, new Error('reset'));
      expectObservable(source.pipe(idleTimeout(5))).toBe('-s-a-#', V, new Error('reset'));
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('cancels the timer and the source when unsubscribed (unsub marble)', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-a-----b|', V);
      expectObservable(source.pipe(idleTimeout(4)), '-----!').toBe('-s-a-', V);
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('does not break unsubscription chains', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-s-a-b--c-|', V);
      const result = source.pipe(
        mergeMap((e) => of(e)),
        idleTimeout(5),
        mergeMap((e) => of(e)),
      );
      expectObservable(result, '^-----!').toBe('-s-a-b', V);
      expectSubscriptions(source.subscriptions).toBe('^-----!');
    });
  });

  it('passes a synchronous source, and times a synchronous token', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(of(V.s!, V.a!, V.b!, V.e!).pipe(idleTimeout(1))).toBe('(sabe|)', V);
      const stalls = new Observable<VariantEvent>((s) => {
        s.next(start());
        s.next(delta('Hel'));
      });
      expectObservable(stalls.pipe(idleTimeout(4))).toBe('(sa)#', V, idleError(4));
    });
  });

  it('names the provider of the start event, else the option', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const anonymous = { s: start('v1', null), a: V.a! };
      const source = cold('-s-a----|', anonymous);
      expectObservable(source.pipe(idleTimeout(2, { provider: 'ollama' }))).toBe(
        '-s-a-#',
        anonymous,
        idleError(2, 'ollama'),
      );
    });
  });

  it('unsubscribes the source before delivering the error', () => {
    const log: string[] = [];
    const scheduler = testScheduler();
    const source = new Observable<VariantEvent>((s) => {
      s.next(delta('x'));
      return () => log.push('source unsubscribed');
    });
    source.pipe(idleTimeout(5, { scheduler })).subscribe({
      error: (e: unknown) => log.push(`error ${(e as ProviderError).timeout}`),
    });
    scheduler.flush();
    expect(log).toEqual(['source unsubscribed', 'error idle']);
  });

  it('keeps one pending timer however many tokens arrive (no timer per token)', () => {
    const scheduler = testScheduler();
    let scheduled = 0;
    const counting = {
      now: () => scheduler.now(),
      schedule(work: (this: SchedulerAction<unknown>, state?: unknown) => void, delay?: number) {
        scheduled += 1;
        return scheduler.schedule(work, delay);
      },
    } as SchedulerLike;
    scheduler.run(({ cold, expectObservable }) => {
      const tokens = `-s${'a'.repeat(200)}e|`;
      expectObservable(cold(tokens, V).pipe(idleTimeout(50, { scheduler: counting }))).toBe(tokens, V);
    });
    // One action at the first token, re-checked at most every `ms` while tokens keep coming.
    expect(scheduled).toBeLessThanOrEqual(6);
  });

  it('leaves no timer behind on asyncScheduler', async () => {
    const out: string[] = [];
    await new Promise<void>((resolve, reject) =>
      of(start(), delta('x'))
        .pipe(idleTimeout(10_000, { scheduler: asyncScheduler }))
        .subscribe({ next: (e) => out.push(e.type), error: reject, complete: resolve }),
    );
    // Completion stopped the 10 s timer, or vitest would report the test as hanging on it.
    expect(out).toEqual(['start', 'delta']);
  });

  it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY])('rejects ms = %s naming `ms`', (ms) => {
    expect(() => idleTimeout(ms)).toThrow(/idleTimeout: `ms` must be a finite number/);
  });

  it('has the documented type', () => {
    expectTypeOf(idleTimeout(5)).toEqualTypeOf<MonoTypeOperatorFunction<VariantEvent>>();
  });
});
