import {
  concat,
  from,
  type MonoTypeOperatorFunction,
  merge,
  mergeMap,
  type Observable,
  of,
  take,
  throwError,
  toArray,
} from 'rxjs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ConfigError, ProviderError } from '../../src/errors.js';
import type { EndEvent, VariantEvent } from '../../src/events.js';
import { endOnError } from '../../src/operators/endOnError.js';
import { delta, end, start, syncSource, testScheduler } from './consensusHelpers.js';

const collect = (source: Observable<VariantEvent>): VariantEvent[] => {
  const out: VariantEvent[] = [];
  source.subscribe({ next: (e) => out.push(e), error: (e: unknown) => out.push({ thrown: e } as never) });
  return out;
};

describe('endOnError', () => {
  it('turns an error into an error end event, then completes', () => {
    const ts = testScheduler();
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const error = new ProviderError({ type: 'server', message: 'boom', provider: 'p' });
      const source = cold('-s-a-#', { s: start('v'), a: delta('v', 'x') }, error);
      expectObservable(source.pipe(endOnError('v', ts))).toBe('-s-a-(e|)', {
        s: start('v'),
        a: delta('v', 'x'),
        e: { type: 'end', variant: 'v', finish: 'error', at: 5, error: error.withVariant('v') },
      });
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('passes a normal stream through unchanged', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const values = { s: start('v'), a: delta('v', 'x'), e: end('v') };
      const source = cold('-s-a-e-|', values);
      expectObservable(source.pipe(endOnError('v'))).toBe('-s-a-e-|', values);
      expectSubscriptions(source.subscriptions).toBe('^------!');
    });
  });

  it('attributes a ProviderError to the variant', () => {
    const error = new ProviderError({
      type: 'rate_limited',
      message: 'slow',
      provider: 'openai',
      status: 429,
    });
    const [event] = collect(throwError(() => error).pipe(endOnError('v1')));
    const e = (event as EndEvent).error as ProviderError;
    expect(e).toBeInstanceOf(ProviderError);
    expect(e.variant).toBe('v1');
    expect(e.status).toBe(429);
    expect(e.type).toBe('rate_limited');
  });

  it("wraps an unknown error in a 'bad_response' ProviderError that keeps the cause", () => {
    const cause = new TypeError('x is undefined');
    const out = collect(
      concat(
        from([start('v', 0, { provider: 'anthropic' })]),
        throwError(() => cause),
      ).pipe(endOnError()),
    );
    const e = (out[1] as EndEvent).error as ProviderError;
    expect(e).toBeInstanceOf(ProviderError);
    expect(e.type).toBe('bad_response');
    expect(e.isRetryable).toBe(false);
    expect(e.provider).toBe('anthropic');
    expect(e.variant).toBe('v');
    expect(e.cause).toBe(cause);
    expect(e.message).toContain('x is undefined');
  });

  it('keeps any other ChorusError as is', () => {
    const error = new ConfigError('providers.x.model', 3, 'a string');
    const [event] = collect(throwError(() => error).pipe(endOnError('v')));
    expect((event as EndEvent).error).toBe(error);
  });

  it('takes the variant from the error when no event named one, and rethrows when nothing does', () => {
    const named = new ProviderError({ type: 'server', message: 'x', provider: 'p', variant: 'w' });
    expect(collect(throwError(() => named).pipe(endOnError()))[0]).toMatchObject({
      type: 'end',
      variant: 'w',
    });
    const anonymous = new Error('who?');
    expect(collect(throwError(() => anonymous).pipe(endOnError()))).toEqual([{ thrown: anonymous }]);
  });

  it("drops an error that follows the variant's own end", () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('-e-#', { e: end('v') });
      expectObservable(source.pipe(endOnError('v'))).toBe('-e-|', { e: end('v') });
    });
  });

  it('keeps a merge of many alive when one variant fails', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const a = cold('-a---b-e|', { a: delta('a', '1'), b: delta('a', '2'), e: end('a') });
      const b = cold('--x-#', { x: delta('b', 'y') }, new Error('reset'));
      const result = merge(a.pipe(endOnError('a')), b.pipe(endOnError('b'))).pipe(
        mergeMap((e) => of(e.type === 'end' ? `${e.variant}:${e.finish}` : e.variant)),
      );
      expectObservable(result).toBe('-ab-fa-e|', { a: 'a', b: 'b', f: 'b:error', e: 'a:stop' });
    });
  });

  it('unsubscribes the source when the result is unsubscribed', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('--a--b--#', { a: delta('v', 'a'), b: delta('v', 'b') });
      expectObservable(source.pipe(endOnError('v')), '----!').toBe('--a--', { a: delta('v', 'a') });
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('does not break unsubscription chains when the result is unsubscribed explicitly', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('--a--b--c--#', { a: delta('v', 'a'), b: delta('v', 'b'), c: delta('v', 'c') });
      const result = source.pipe(
        mergeMap((x) => of(x)),
        endOnError('v'),
        mergeMap((x) => of(x)),
      );
      expectObservable(result, '------!').toBe('--a--b-', { a: delta('v', 'a'), b: delta('v', 'b') });
      expectSubscriptions(source.subscriptions).toBe('^-----!');
    });
  });

  it('stops a synchronous source when unsubscribed', () => {
    const produced: VariantEvent[] = [];
    let out: VariantEvent[] = [];
    syncSource([start('v'), delta('v', 'a'), delta('v', 'b'), end('v')], produced)
      .pipe(endOnError('v'), take(2), toArray())
      .subscribe((all) => {
        out = all;
      });
    expect(out).toHaveLength(2);
    expect(produced).toHaveLength(2);
  });

  it('stamps the end with performance.now() by default', () => {
    const before = performance.now();
    const [event] = collect(throwError(() => new Error('x')).pipe(endOnError('v')));
    expect((event as EndEvent).at).toBeGreaterThanOrEqual(before);
    expect((event as EndEvent).at).toBeLessThanOrEqual(performance.now());
  });

  it('validates its arguments', () => {
    expect(() => endOnError('')).toThrow(/`variant`/);
    expect(() => endOnError('v', {} as never)).toThrow(/`scheduler`/);
  });

  it('has the public type', () => {
    expectTypeOf(endOnError).returns.toEqualTypeOf<MonoTypeOperatorFunction<VariantEvent>>();
  });
});
