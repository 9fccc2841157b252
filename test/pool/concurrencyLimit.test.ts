import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createConcurrencyLimit } from '../../src/pool/concurrencyLimit.js';
import { testScheduler } from './eventKit.js';

describe('createConcurrencyLimit', () => {
  it('runs at most max sources at once, the next one when a slot frees (marbles)', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const limit = createConcurrencyLimit(1);
      const a = cold('-a-a|');
      const b = cold('-b|');
      expectObservable(limit.run(a)).toBe('-a-a|');
      expectObservable(limit.run(b)).toBe('-----b|');
      expectSubscriptions(b.subscriptions).toBe('----^-!');
    });
  });

  it('frees the slot on error and on unsubscribe, and a waiter that leaves never starts', () => {
    const limit = createConcurrencyLimit(2);
    const subjects = [
      new Subject<number>(),
      new Subject<number>(),
      new Subject<number>(),
      new Subject<number>(),
    ];
    const started: number[] = [];
    const subs = subjects.map((s, i) =>
      limit.run(s).subscribe({ next: () => started.push(i), error: () => {} }),
    );
    expect(limit.active).toBe(2);
    expect(limit.waiting).toBe(2);
    expect(subjects.map((s) => s.observed)).toEqual([true, true, false, false]);
    subs[2]!.unsubscribe(); // leaves the queue
    expect(limit.waiting).toBe(1);
    subjects[0]!.error(new Error('x'));
    expect(subjects[3]!.observed).toBe(true);
    expect(subjects[2]!.observed).toBe(false);
    subs[1]!.unsubscribe();
    expect(limit.active).toBe(1);
    subjects[3]!.next(3);
    subjects[3]!.complete();
    expect(started).toEqual([3]);
    expect(limit.active).toBe(0);
    expect(limit.waiting).toBe(0);
  });

  it('counts without limiting when max is undefined, and rejects bad values', () => {
    const limit = createConcurrencyLimit();
    const subs = [new Subject<void>(), new Subject<void>(), new Subject<void>()].map((s) =>
      limit.run(s).subscribe(),
    );
    expect(limit.active).toBe(3);
    for (const s of subs) s.unsubscribe();
    expect(limit.active).toBe(0);
    expect(() => createConcurrencyLimit(0)).toThrow(/`max`/);
    expect(() => createConcurrencyLimit(1.5)).toThrow(/`max`/);
  });

  it('frees the slot of a source that completes synchronously', () => {
    const limit = createConcurrencyLimit(1);
    const seen: string[] = [];
    testScheduler().run(({ cold }) => {
      limit.run(cold('(a|)', { a: 'a' })).subscribe((v) => seen.push(v));
      limit.run(cold('(b|)', { b: 'b' })).subscribe((v) => seen.push(v));
    });
    expect(seen).toEqual(['a', 'b']);
    expect(limit.active).toBe(0);
  });
});
