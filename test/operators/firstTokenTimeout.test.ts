import {
  asyncScheduler,
  type MonoTypeOperatorFunction,
  mergeMap,
  Observable,
  of,
  type SchedulerLike,
} from 'rxjs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ProviderError } from '../../src/errors.js';
import type { VariantEvent } from '../../src/events.js';
import { firstTokenTimeout, type TimeoutOptions } from '../../src/operators/firstTokenTimeout.js';
import { delta, end, start, testScheduler, V } from './variantEventKit.js';

const timeoutError = (ms: number, provider = 'openai', variant: string | null = 'v1') =>
  new ProviderError({
    type: 'timeout',
    timeout: 'first_token',
    provider,
    ...(variant !== null && { variant }),
    message: `first-token timeout: no token within ${ms} ms of the request`,
  });

describe('firstTokenTimeout', () => {
  it('passes a stream whose first token arrives in time, later gaps included', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s--a--------b-e|', V);
      expectObservable(source.pipe(firstTokenTimeout(5))).toBe('-s--a--------b-e|', V);
      expectSubscriptions(source.subscriptions).toBe('^---------------!');
    });
  });

  it('errors at `ms` with a typed error and unsubscribes the source in that frame', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-u-------a-e|', V);
      expectObservable(source.pipe(firstTokenTimeout(6))).toBe('-s-u--#', V, timeoutError(6));
      expectSubscriptions(source.subscriptions).toBe('^-----!');
    });
  });

  it('takes provider and variant from the events, else the options, else unknown', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const quiet = cold<VariantEvent>('-------|');
      const opts = { provider: 'anthropic', variant: 'v9' };
      expectObservable(quiet.pipe(firstTokenTimeout(3, opts))).toBe(
        '---#',
        {},
        timeoutError(3, 'anthropic', 'v9'),
      );
      expectObservable(quiet.pipe(firstTokenTimeout(3))).toBe('---#', {}, timeoutError(3, 'unknown', null));
      // The events win over the options: they know which variant and provider actually ran.
      const named = cold('-s-----|', { s: start('v2', 'ollama') });
      expectObservable(named.pipe(firstTokenTimeout(3, opts))).toBe(
        '-s-#',
        { s: start('v2', 'ollama') },
        timeoutError(3, 'ollama', 'v2'),
      );
      // A start without a provider leaves the provider to the options.
      const anonymous = cold('-s-----|', { s: start('v3', null) });
      expectObservable(anonymous.pipe(firstTokenTimeout(3, opts))).toBe(
        '-s-#',
        { s: start('v3', null) },
        timeoutError(3, 'anthropic', 'v3'),
      );
    });
  });

  it('is satisfied by an `end` before any token (an empty answer)', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('-s-e--------|', V);
      expectObservable(source.pipe(firstTokenTimeout(4))).toBe('-s-e--------|', V);
    });
  });

  it('passes a source error through and stops the clock', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-#', V, new Error('boom'));
      expectObservable(source.pipe(firstTokenTimeout(10))).toBe('-s-#', V, new Error('boom'));
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('cancels the timer and the source when unsubscribed (unsub marble)', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-------a|', V);
      expectObservable(source.pipe(firstTokenTimeout(6)), '---!').toBe('-s-', V);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('does not break unsubscription chains', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-s-a-b---c|', V);
      const result = source.pipe(
        mergeMap((e) => of(e)),
        firstTokenTimeout(3),
        mergeMap((e) => of(e)),
      );
      expectObservable(result, '^-----!').toBe('-s-a-b', V);
      expectSubscriptions(source.subscriptions).toBe('^-----!');
    });
  });

  it('passes a synchronous source', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(of(V.s!, V.a!, V.e!).pipe(firstTokenTimeout(1))).toBe('(sae|)', V);
    });
  });

  it('times a synchronous-then-silent source from subscription', () => {
    testScheduler().run(({ expectObservable }) => {
      const source = new Observable<VariantEvent>((s) => s.next(start()));
      expectObservable(source.pipe(firstTokenTimeout(4))).toBe('s---#', V, timeoutError(4));
    });
  });

  it('runs on the given scheduler', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const source = cold('-s---a|', V);
      expectObservable(source.pipe(firstTokenTimeout(2, { scheduler }))).toBe('-s#', V, timeoutError(2));
    });
  });

  it('unsubscribes the source before delivering the error', () => {
    const log: string[] = [];
    const scheduler = testScheduler();
    const source = new Observable<VariantEvent>((s) => {
      s.next(start());
      return () => log.push('source unsubscribed');
    });
    source.pipe(firstTokenTimeout(5, { scheduler })).subscribe({
      error: (e: unknown) => log.push(`error ${(e as ProviderError).timeout}`),
    });
    scheduler.flush();
    expect(log).toEqual(['source unsubscribed', 'error first_token']);
  });

  it('leaves no timer behind on asyncScheduler after completion', async () => {
    const events = await new Promise<VariantEvent[]>((resolve, reject) => {
      const out: VariantEvent[] = [];
      of(start(), delta('x'), end())
        .pipe(firstTokenTimeout(50, { scheduler: asyncScheduler }))
        .subscribe({ next: (e) => out.push(e), error: reject, complete: () => resolve(out) });
    });
    expect(events.map((e) => e.type)).toEqual(['start', 'delta', 'end']);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, '5'])('rejects ms = %s naming `ms`', (ms) => {
    expect(() => firstTokenTimeout(ms as number)).toThrow(TypeError);
    expect(() => firstTokenTimeout(ms as number)).toThrow(/`ms`/);
  });

  it('rejects bad options naming them', () => {
    expect(() => firstTokenTimeout(5, { provider: 3 as unknown as string })).toThrow(/`provider`/);
    expect(() => firstTokenTimeout(5, { scheduler: {} as never })).toThrow(/`scheduler`/);
  });

  it('has the documented type', () => {
    expectTypeOf(firstTokenTimeout(5)).toEqualTypeOf<MonoTypeOperatorFunction<VariantEvent>>();
    expectTypeOf(firstTokenTimeout).parameter(1).toEqualTypeOf<TimeoutOptions | undefined>();
    expectTypeOf<TimeoutOptions>().toEqualTypeOf<{
      readonly variant?: string;
      readonly provider?: string;
      readonly scheduler?: SchedulerLike;
    }>();
  });
});
