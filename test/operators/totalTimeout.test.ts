import { type MonoTypeOperatorFunction, mergeMap, Observable, of } from 'rxjs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ProviderError } from '../../src/errors.js';
import type { VariantEvent } from '../../src/events.js';
import { totalTimeout } from '../../src/operators/totalTimeout.js';
import { start, testScheduler, V } from './variantEventKit.js';

const totalError = (ms: number) =>
  new ProviderError({
    type: 'timeout',
    timeout: 'total',
    provider: 'openai',
    variant: 'v1',
    message: `total timeout: the stream did not complete within ${ms} ms`,
  });

describe('totalTimeout', () => {
  it('passes a stream that completes in time', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-a-b-c-e|', V);
      expectObservable(source.pipe(totalTimeout(20))).toBe('-s-a-b-c-e|', V);
      expectSubscriptions(source.subscriptions).toBe('^---------!');
    });
  });

  it('errors at `ms` however steadily the stream flows, unsubscribing the source in that frame', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-a-b-a-b-a-b-e|', V);
      expectObservable(source.pipe(totalTimeout(8))).toBe('-s-a-b-a#', V, totalError(8));
      expectSubscriptions(source.subscriptions).toBe('^-------!');
    });
  });

  it('stops at `end`: a lingering completion does not fail a finished answer', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('-s-a-e----------|', V);
      expectObservable(source.pipe(totalTimeout(8))).toBe('-s-a-e----------|', V);
    });
  });

  it('passes a source error through', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-#', V, new Error('boom'));
      expectObservable(source.pipe(totalTimeout(8))).toBe('-s-#', V, new Error('boom'));
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('cancels the timer and the source when unsubscribed (unsub marble)', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-a-b-c-e|', V);
      expectObservable(source.pipe(totalTimeout(8)), '----!').toBe('-s-a', V);
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('does not break unsubscription chains', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-s-a-b-c-e|', V);
      const result = source.pipe(
        mergeMap((e) => of(e)),
        totalTimeout(20),
        mergeMap((e) => of(e)),
      );
      expectObservable(result, '^----!').toBe('-s-a-', V);
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('passes a synchronous source and times a synchronous-then-silent one', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(of(V.s!, V.a!, V.e!).pipe(totalTimeout(1))).toBe('(sae|)', V);
      const silent = new Observable<VariantEvent>((s) => s.next(start()));
      expectObservable(silent.pipe(totalTimeout(5))).toBe('s----#', V, totalError(5));
    });
  });

  it('unsubscribes the source before delivering the error', () => {
    const log: string[] = [];
    const scheduler = testScheduler();
    const source = new Observable<VariantEvent>((s) => {
      s.next(start());
      return () => log.push('source unsubscribed');
    });
    source.pipe(totalTimeout(5, { scheduler })).subscribe({
      error: (e: unknown) => log.push(`error ${(e as ProviderError).timeout}`),
    });
    scheduler.flush();
    expect(log).toEqual(['source unsubscribed', 'error total']);
  });

  it.each([0, -1, Number.NaN, Number.NEGATIVE_INFINITY, null])('rejects ms = %s naming `ms`', (ms) => {
    expect(() => totalTimeout(ms as number)).toThrow(/totalTimeout: `ms`/);
  });

  it('has the documented type', () => {
    expectTypeOf(totalTimeout(5)).toEqualTypeOf<MonoTypeOperatorFunction<VariantEvent>>();
  });
});
