import { from, mergeMap, type OperatorFunction, of, take, toArray } from 'rxjs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ProviderError } from '../../src/errors.js';
import type { Snapshot, VariantEvent } from '../../src/events.js';
import { snapshots } from '../../src/operators/snapshots.js';
import { delta, end, start, syncSource, testScheduler, usage } from './consensusHelpers.js';

describe('snapshots', () => {
  it('accumulates one variant into a snapshot per event', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-a-b-u-e-|', {
        s: start('v', 1, { provider: 'openai', model: 'm' }),
        a: delta('v', 'Hel', 3),
        b: delta('v', 'lo', 5),
        u: usage('v', 10, 2),
        e: end('v', 'stop', 9),
      });
      const base = { variant: 'v', provider: 'openai', model: 'm', startedAt: 1 };
      const b = { ...base, text: 'Hello', deltas: 2, done: false, firstTokenAt: 3, lastTokenAt: 5 };
      const u = { ...b, delta: '', usage: { input: 10, output: 2, estimated: false } };
      expectObservable(source.pipe(snapshots())).toBe('-s-a-b-u-e-|', {
        s: { ...base, text: '', delta: '', deltas: 0, done: false },
        a: { ...base, text: 'Hel', delta: 'Hel', deltas: 1, done: false, firstTokenAt: 3, lastTokenAt: 3 },
        b: { ...b, delta: 'lo' },
        u,
        e: { ...u, done: true, finish: 'stop', endedAt: 9 },
      });
      expectSubscriptions(source.subscriptions).toBe('^----------!');
    });
  });

  it('keeps interleaved variants apart and starts a variant on any first event', () => {
    const events: VariantEvent[] = [delta('a', 'x'), start('b'), delta('b', 'y'), delta('a', 'z'), end('b')];
    const out: Snapshot[] = [];
    from(events)
      .pipe(snapshots())
      .subscribe((s) => out.push(s));
    expect(out.map((s) => [s.variant, s.text, s.done])).toEqual([
      ['a', 'x', false],
      ['b', '', false],
      ['b', 'y', false],
      ['a', 'xz', false],
      ['b', 'y', true],
    ]);
    expect(out[0]!.startedAt).toBeUndefined();
  });

  it('ignores events of a variant after its end, and keeps the error of an error end', () => {
    const error = new ProviderError({ type: 'server', message: 'boom', provider: 'p', variant: 'v' });
    const out: Snapshot[] = [];
    from<VariantEvent[]>([delta('v', 'a'), { ...end('v', 'error', 4), error }, delta('v', 'late'), end('v')])
      .pipe(snapshots())
      .subscribe((s) => out.push(s));
    expect(out).toHaveLength(2);
    expect(out[1]).toMatchObject({ text: 'a', done: true, finish: 'error', error, endedAt: 4 });
  });

  it('passes a source error through', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-#', { a: delta('v', 'x') }, new Error('bad'));
      expectObservable(source.pipe(snapshots())).toBe(
        '-a-#',
        {
          a: { variant: 'v', text: 'x', delta: 'x', deltas: 1, done: false, firstTokenAt: 0, lastTokenAt: 0 },
        },
        new Error('bad'),
      );
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('unsubscribes the source when the result is unsubscribed', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('--a--b--c--|', { a: delta('v', 'a'), b: delta('v', 'b'), c: delta('v', 'c') });
      const unsub = '-----!';
      expectObservable(source.pipe(snapshots()), unsub).toBe('--a---', {
        a: { variant: 'v', text: 'a', delta: 'a', deltas: 1, done: false, firstTokenAt: 0, lastTokenAt: 0 },
      });
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('does not break unsubscription chains when the result is unsubscribed explicitly', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('--a--b--c--|', { a: delta('v', 'a'), b: delta('v', 'b'), c: delta('v', 'c') });
      const result = source.pipe(
        mergeMap((x) => of(x)),
        snapshots(),
        mergeMap((x) => of(x.text)),
      );
      expectObservable(result, '------!').toBe('--a--b-', { a: 'a', b: 'ab' });
      expectSubscriptions(source.subscriptions).toBe('^-----!');
    });
  });

  it('works with a synchronous source and stops it as soon as it is unsubscribed', () => {
    const events = [start('v'), delta('v', 'a'), delta('v', 'b'), delta('v', 'c'), end('v')];
    const produced: VariantEvent[] = [];
    let texts: string[] = [];
    syncSource(events, produced)
      .pipe(snapshots(), take(3), toArray())
      .subscribe((all) => {
        texts = all.map((s) => s.text);
      });
    expect(texts).toEqual(['', 'a', 'ab']);
    expect(produced).toHaveLength(3);
  });

  it('keeps state per subscription', () => {
    const pipeline = from([delta('v', 'a'), delta('v', 'b')]).pipe(snapshots());
    const run = (): string[] => {
      const texts: string[] = [];
      pipeline.subscribe((s) => texts.push(s.text));
      return texts;
    };
    expect(run()).toEqual(['a', 'ab']);
    expect(run()).toEqual(['a', 'ab']);
  });

  it('has the public type', () => {
    expectTypeOf(snapshots).returns.toEqualTypeOf<OperatorFunction<VariantEvent, Snapshot>>();
  });
});
