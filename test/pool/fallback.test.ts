import { type Observable, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { VariantEvent } from '../../src/events.js';
import { fallback } from '../../src/pool/fallback.js';
import { fallbackChain } from '../../src/pool/fallbackChain.js';
import { testScheduler, V } from './eventKit.js';

const boom = new Error('boom');
const later = new Error('later');

describe('fallback', () => {
  it('moves to the next candidate on a failure before the first token, dropping the failed start', () => {
    const switches: unknown[][] = [];
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = cold('-s-#', V, boom);
      const b = cold('-S-A 3ms E|', V);
      const sources: Record<string, Observable<VariantEvent>> = { a, b };
      const result = fallback(
        ['a', 'b'],
        (name) => sources[name]!,
        (...args) => switches.push(args),
      );
      expectObservable(result).toBe('6ms (SA) E|', V);
      expectSubscriptions(a.subscriptions).toBe('^--!');
      expectSubscriptions(b.subscriptions).toBe('3ms ^ 7ms !');
    });
    expect(switches).toEqual([['a', 'b', boom]]);
  });

  it('does not fall back after the first token: the error passes', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = cold('-s-a 3ms #', V, boom);
      const b = cold('-S-A-E|', V);
      const sources: Record<string, Observable<VariantEvent>> = { a, b };
      expectObservable(fallback(['a', 'b'], (name) => sources[name]!)).toBe('3ms (sa) #', V, boom);
      expectSubscriptions(b.subscriptions).toBe([]);
    });
  });

  it('treats an `end` without a delta as committed (an empty answer is an answer)', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = cold('-s-e 3ms |', V);
      const b = cold('-S-A-E|', V);
      const sources: Record<string, Observable<VariantEvent>> = { a, b };
      expectObservable(fallback(['a', 'b'], (name) => sources[name]!)).toBe('---(se)|', V);
      expectSubscriptions(b.subscriptions).toBe([]);
    });
  });

  it('walks the whole chain and fails with the last error', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const sources: Record<string, Observable<VariantEvent>> = {
        a: cold('-#', V, boom),
        b: cold('--#', V, boom),
        c: cold('-s-#', V, later),
      };
      expectObservable(fallback(['a', 'b', 'c'], (name) => sources[name]!)).toBe('------#', V, later);
    });
  });

  it('survives candidates that fail synchronously, and a run that throws', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const c = cold('-S-A 3ms |', V);
      const result = fallback(['a', 'b', 'c'], (name) => {
        if (name === 'a') return throwError(() => boom);
        if (name === 'b') throw later;
        return c;
      });
      expectObservable(result).toBe('3ms (SA) |', V);
    });
  });

  it('unsubscribing stops the running candidate and starts no other', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = cold('-#', V, boom);
      const b = cold('-S 20ms A|', V);
      const c = cold('-S-A|', V);
      const sources: Record<string, Observable<VariantEvent>> = { a, b, c };
      expectObservable(
        fallback(['a', 'b', 'c'], (name) => sources[name]!),
        '^ 5ms !',
      ).toBe('', V);
      expectSubscriptions(b.subscriptions).toBe('-^ 4ms !');
      expectSubscriptions(c.subscriptions).toBe([]);
    });
  });

  it('rejects an empty chain', () => {
    expect(() => fallback([], () => throwError(() => boom))).toThrow(/`candidates`/);
  });
});

describe('fallbackChain', () => {
  const providers = {
    a: { fallback: ['b', 'c'] },
    b: { fallback: ['d'] },
    c: { fallback: ['b'] },
    d: { fallback: [] },
    loop: { fallback: ['loop2'] },
    loop2: { fallback: ['loop', 'missing'] },
  };

  it('is the provider, then its fallbacks depth-first, each once', () => {
    expect(fallbackChain(providers, 'a')).toEqual(['a', 'b', 'd', 'c']);
    expect(fallbackChain(providers, 'c')).toEqual(['c', 'b', 'd']);
    expect(fallbackChain(providers, 'd')).toEqual(['d']);
  });

  it('cannot loop, and skips unknown names', () => {
    expect(fallbackChain(providers, 'loop')).toEqual(['loop', 'loop2']);
    expect(fallbackChain(providers, 'missing')).toEqual([]);
  });
});
