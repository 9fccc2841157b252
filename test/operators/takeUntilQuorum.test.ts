import { catchError, from, map, mergeMap, type Observable, type OperatorFunction, of, toArray } from 'rxjs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ScoredSnapshot } from '../../src/events.js';
import { QuorumError } from '../../src/operators/quorumError.js';
import type { QuorumDecision, QuorumEvent, QuorumProgress } from '../../src/operators/quorumEvents.js';
import { type QuorumRule, takeUntilQuorum } from '../../src/operators/takeUntilQuorum.js';
import { final, type Probe, probed, scored, syncSource, testScheduler } from './consensusHelpers.js';

/** A compact form of an event for marbles: `s<v>` started, `f<v>` finished, `x<v>` failed,
 * `n<v>` new text; `Q+key[winners]` / `Q-key[winners]` a (not) reached decision. */
const brief = (e: QuorumEvent): string =>
  e.type === 'progress'
    ? `${{ started: 's', finished: 'f', failed: 'x', snapshot: 'n' }[e.cause]}${e.variant}`
    : `Q${e.reached ? '+' : '-'}${e.key ?? ''}[${e.winners.map((w) => w.variant).join('')}]`;

const briefly =
  (rule: QuorumRule): OperatorFunction<ScoredSnapshot, string> =>
  (source) =>
    source.pipe(
      takeUntilQuorum(rule),
      map(brief),
      catchError((e: unknown) => of(e instanceof QuorumError ? `E:${e.reason}` : `E:${String(e)}`)),
    );

/** Runs a synchronous list of snapshots through the operator; returns every event. */
const runAll = (rule: QuorumRule, values: ScoredSnapshot[]): QuorumEvent[] => {
  const out: QuorumEvent[] = [];
  from(values)
    .pipe(takeUntilQuorum(rule))
    .subscribe({ next: (e) => out.push(e), error: (e: unknown) => expect.unreachable(String(e)) });
  return out;
};
const decisionOf = (rule: QuorumRule, values: ScoredSnapshot[]): QuorumDecision => {
  const last = runAll(rule, values).at(-1);
  if (last?.type !== 'quorum') throw new Error('no decision');
  return last;
};

const values = {
  a: scored('a', 'x'),
  b: scored('b', 'x'),
  c: scored('c', 'y'),
  A: final('a', 'x', 0.6),
  B: final('b', ' X ', 0.9),
  C: final('c', 'y'),
};

describe('takeUntilQuorum', () => {
  it('decides when the quorum-th agreeing variant finishes, cancelling the rest', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-b-A-c-B-C-|', values);
      expectObservable(source.pipe(briefly({ quorum: 2 }))).toBe('-1-2-3-4-(Q|)', {
        1: 'sa',
        2: 'sb',
        3: 'fa',
        4: 'sc',
        Q: 'Q+x[ba]',
      });
      expectSubscriptions(source.subscriptions).toBe('^--------!');
    });
  });

  it('reports the decision in full', () => {
    const d = decisionOf({ quorum: 2, expected: 3 }, [values.a, values.b, values.A, values.c, values.B]);
    expect(d).toMatchObject({
      type: 'quorum',
      reached: true,
      reason: 'reached',
      key: 'x',
      leader: 'b',
      agreeing: 2,
      quorum: 2,
      expected: 3,
      finished: 2,
      failed: 0,
      streaming: 1,
      confidence: 1,
      unfinished: ['c'],
      groups: [{ key: 'x', members: ['a', 'b'], meanScore: 0.75 }],
    });
    expect(d.winners).toEqual([values.B, values.A]);
    expect(d.all).toEqual([values.A, values.B, values.c]);
  });

  it('without a quorum, emits the best group flagged when the source completes', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-A-C-|', values);
      expectObservable(source.pipe(briefly({ quorum: 2, progress: 'none' }))).toBe('-----(Q|)', {
        Q: 'Q-y[c]',
      });
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it("with onNoQuorum 'error', errors with a QuorumError carrying the best decision", () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('-A-|', values);
      expectObservable(source.pipe(briefly({ quorum: 2, onNoQuorum: 'error' }))).toBe('-f-(E|)', {
        f: 'fa',
        E: 'E:completed',
      });
    });
    let error: unknown;
    from([values.A])
      .pipe(takeUntilQuorum({ quorum: 2, onNoQuorum: 'error' }))
      .subscribe({ error: (e) => (error = e) });
    expect(error).toBeInstanceOf(QuorumError);
    const q = error as QuorumError;
    expect(q.type).toBe('no_quorum');
    expect(q.isRetryable).toBe(false);
    expect(q.decision.winners).toEqual([values.A]);
    expect(q.message).toMatch(/No quorum of 2: the largest agreeing group has 1 of 1/);
    expect(JSON.stringify(q)).not.toContain('"x"');
    expect(q.toJSON()).toMatchObject({ reason: 'completed', quorum: 2, agreeing: 1, finished: 1 });
  });

  it('with expected, gives up as soon as the quorum is impossible', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-b-c-A-C-B-|', values);
      expectObservable(source.pipe(briefly({ quorum: 3, expected: 3 }))).toBe('-1-2-3-4-(Q|)', {
        1: 'sa',
        2: 'sb',
        3: 'sc',
        4: 'fa',
        Q: 'Q-y[c]',
      });
      expectSubscriptions(source.subscriptions).toBe('^--------!');
    });
    const d = decisionOf({ quorum: 2, expected: 3 }, [values.A, values.C, final('b', '', 1, 'error')]);
    expect(d).toMatchObject({ reached: false, reason: 'impossible', failed: 1, finished: 2 });
  });

  it('counts failures and lets only stop (and optionally length) finishes vote', () => {
    const failed = [final('a', 'x', 1, 'error'), final('b', 'x', 1, 'cancelled')];
    expect(decisionOf({ quorum: 2 }, failed)).toMatchObject({
      reached: false,
      failed: 2,
      finished: 0,
      key: undefined,
    });
    const truncated = [final('a', 'x', 1, 'length'), final('b', 'x')];
    expect(decisionOf({ quorum: 2 }, truncated)).toMatchObject({
      reached: false,
      finished: 2,
      key: 'x',
      agreeing: 1,
    });
    expect(decisionOf({ quorum: 2, truncatedVotes: true }, truncated)).toMatchObject({
      reached: true,
      key: 'x',
    });
  });

  it('leaves out finished variants under minScore, and keys that are undefined', () => {
    const low = [final('a', 'x', 0.3), final('b', 'x', 0.8), final('c', 'x', 0.9)];
    const d = decisionOf({ quorum: 2, minScore: 0.5 }, low);
    expect(d.winners.map((w) => w.variant)).toEqual(['c', 'b']);
    expect(d.confidence).toBeCloseTo(2 / 3);
    const noKey = decisionOf({ quorum: 1, agree: () => undefined }, [
      final('a', 'x', 0.4),
      final('b', 'y', 0.7),
    ]);
    expect(noKey).toMatchObject({ reached: false, key: undefined, winners: [], leader: 'b' });
  });

  it('waits until the winning group holds the confidence share of finished variants', () => {
    const run = (confidence: number) =>
      runAll({ quorum: 2, confidence }, [final('a', 'x'), final('b', 'y'), final('c', 'x'), final('d', 'x')]);
    expect(run(0.6).map(brief)).toEqual(['fa', 'fb', 'Q+x[ac]']);
    expect(run(0.7).map(brief)).toEqual(['fa', 'fb', 'fc', 'Q+x[acd]']);
    expect(run(0.8).map(brief)).toEqual(['fa', 'fb', 'fc', 'fd', 'Q-x[acd]']);
  });

  it('groups by similarity to the most similar group representative', () => {
    const similarity = (a: string, b: string) => 1 - Math.abs(a.length - b.length) / 10;
    const rule: QuorumRule = { quorum: 3, agree: { similarity, threshold: 0.8 }, progress: 'none' };
    // 'aaaa' starts a group, 'aaaaaaa' (0.7) starts another, 'aaaaa' is closer to the first.
    const d = decisionOf(rule, [
      final('p', 'aaaa'),
      final('q', 'aaaaaaa'),
      final('r', 'aaaaa'),
      final('s', 'aaaaaa'),
    ]);
    expect(d).toMatchObject({ reached: false });
    expect(d.groups.map((g) => [g.key, g.members])).toEqual([
      ['p', ['p', 'r']],
      ['q', ['q', 's']],
    ]);
    const e = decisionOf(rule, [final('p', 'aaaa'), final('r', 'aaaaa'), final('s', 'aaa')]);
    expect(e).toMatchObject({ reached: true, key: 'p', agreeing: 3 });
  });

  it('breaks ties by group size, then mean score, then earliest first finish', () => {
    const rule: QuorumRule = { quorum: 3 };
    const byScore = decisionOf(rule, [
      final('a', 'x', 0.5),
      final('b', 'y', 0.6),
      final('c', 'x', 0.5),
      final('d', 'y', 0.2),
    ]);
    expect(byScore.key).toBe('x');
    const byFinish = decisionOf(rule, [
      final('a', 'y', 0.5),
      final('b', 'x', 0.5),
      final('c', 'x', 0.5),
      final('d', 'y', 0.5),
    ]);
    expect(byFinish.key).toBe('y');
    expect(byFinish.groups.map((g) => g.key)).toEqual(['y', 'x']);
  });

  it('emits progress with counts, groups, leader and the latest snapshots', () => {
    const events = runAll({ quorum: 3 }, [
      values.a,
      values.b,
      values.A,
      scored('b', 'xx'),
      final('c', 'x', 0, 'error'),
    ]);
    const last = events.at(-1) as QuorumProgress;
    expect(events.map(brief)).toEqual(['sa', 'sb', 'fa', 'xc', 'Q-x[a]']);
    const failedEvent = events[3] as QuorumProgress;
    expect(failedEvent).toMatchObject({
      type: 'progress',
      cause: 'failed',
      variant: 'c',
      leader: 'a',
      agreeing: 1,
      finished: 1,
      failed: 1,
      streaming: 1,
      quorum: 3,
      expected: undefined,
    });
    expect(failedEvent.snapshots.map((s) => s.text)).toEqual(['x', 'xx', 'x']);
    expect(last).not.toBe(failedEvent);
  });

  it("with progress 'snapshots' reports every snapshot, and 'none' only the decision", () => {
    const list = [values.a, scored('a', 'xy'), values.A];
    expect(runAll({ quorum: 1, progress: 'snapshots' }, list).map(brief)).toEqual(['sa', 'na', 'Q+x[a]']);
    expect(runAll({ quorum: 1, progress: 'none' }, list).map(brief)).toEqual(['Q+x[a]']);
  });

  it('throttles text progress on the scheduler, leading and trailing, and cancels the timer', () => {
    const ts = testScheduler();
    ts.run(({ hot, expectObservable, expectSubscriptions }) => {
      const snaps = {
        a: values.a,
        b: scored('a', 'x1'),
        c: scored('a', 'x2'),
        d: scored('a', 'x3'),
        A: values.A,
      };
      const source = hot('-a-b-c-----d-A|', snaps);
      const rule: QuorumRule = { quorum: 1, progress: { throttleMs: 5 }, scheduler: ts };
      // a: started (opens a window); b, c: within it → one trailing event at 6; d at 11: leading.
      expectObservable(source.pipe(briefly(rule))).toBe('-s----n----n-(Q|)', {
        s: 'sa',
        n: 'na',
        Q: 'Q+x[a]',
      });
      expectSubscriptions(source.subscriptions).toBe('^------------!');
      // A pending trailing event is cancelled by the decision.
      const late = hot('-a-b-A-|', { a: values.a, b: snaps.b, A: values.A });
      expectObservable(late.pipe(briefly(rule))).toBe('-s---(Q|)', { s: 'sa', Q: 'Q+x[a]' });
    });
  });

  it('ignores snapshots of a variant after its final one', () => {
    expect(runAll({ quorum: 2 }, [values.A, scored('a', 'more'), final('a', 'x')]).map(brief)).toEqual([
      'fa',
      'Q-x[a]',
    ]);
  });

  it('decides on an empty source', () => {
    expect(decisionOf({ quorum: 1 }, [])).toMatchObject({
      reached: false,
      reason: 'completed',
      winners: [],
      all: [],
    });
  });

  it('errors, after unsubscribing the source, when agree throws', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-A-|', values);
      const agree = () => {
        throw new Error('bad key');
      };
      expectObservable(source.pipe(briefly({ quorum: 1, agree }))).toBe('-s-(E|)', {
        s: 'sa',
        E: 'E:Error: bad key',
      });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('passes a source error through', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-#', values, new Error('boom'));
      expectObservable(source.pipe(takeUntilQuorum({ quorum: 1 }), map(brief))).toBe(
        '-s-#',
        { s: 'sa' },
        new Error('boom'),
      );
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('unsubscribes the source when the result is unsubscribed', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-b-A-|', values);
      expectObservable(source.pipe(briefly({ quorum: 2 })), '---!').toBe('-1--', { 1: 'sa' });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('does not break unsubscription chains when the result is unsubscribed explicitly', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-b-A-B-|', values);
      const result = source.pipe(
        mergeMap((x) => of(x)),
        takeUntilQuorum({ quorum: 2 }),
        mergeMap((x) => of(brief(x))),
      );
      expectObservable(result, '----!').toBe('-1-2-', { 1: 'sa', 2: 'sb' });
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('stops a synchronous source at the decision', () => {
    const produced: ScoredSnapshot[] = [];
    let out: string[] = [];
    syncSource([values.A, values.B, values.C, final('d', 'x')], produced)
      .pipe(takeUntilQuorum({ quorum: 2 }), map(brief), toArray())
      .subscribe((all) => {
        out = all;
      });
    expect(out).toEqual(['fa', 'Q+x[ba]']);
    expect(produced).toHaveLength(2);
  });

  it('emits the decision first, then unsubscribes the source in the same call', () => {
    const probe: Probe = { subscribed: 0, closed: 0 };
    const closedAtDecision: number[] = [];
    probed(from([values.A, values.B, values.C]), probe)
      .pipe(takeUntilQuorum({ quorum: 2 }))
      .subscribe((e) => {
        if (e.type === 'quorum') closedAtDecision.push(probe.closed);
      });
    expect(closedAtDecision).toEqual([0]);
    expect(probe).toEqual({ subscribed: 1, closed: 1 });
  });

  it('validates the rule when created', () => {
    const bad: [Partial<QuorumRule>, RegExp][] = [
      [{ quorum: 0 }, /`quorum`/],
      [{ quorum: 1.5 }, /`quorum`/],
      [{ quorum: 2, minScore: 2 }, /`minScore`/],
      [{ quorum: 2, confidence: -0.1 }, /`confidence`/],
      [{ quorum: 2, confidence: Number.NaN }, /`confidence`/],
      [{ quorum: 3, expected: 2 }, /`expected`/],
      [{ quorum: 2, onNoQuorum: 'panic' as never }, /`onNoQuorum`/],
      [{ quorum: 2, agree: { similarity: () => 1 } as never }, /`agree`/],
      [{ quorum: 2, progress: { throttleMs: -1 } }, /`progress`/],
      [{ quorum: 2, truncatedVotes: 'yes' as never }, /`truncatedVotes`/],
      [{ quorum: 2, scheduler: {} as never }, /`scheduler`/],
    ];
    for (const [rule, message] of bad) expect(() => takeUntilQuorum(rule as QuorumRule)).toThrow(message);
    expect(() => takeUntilQuorum(undefined as never)).toThrow(TypeError);
  });

  it('has the public types', () => {
    expectTypeOf(takeUntilQuorum).returns.toEqualTypeOf<OperatorFunction<ScoredSnapshot, QuorumEvent>>();
    const events: Observable<QuorumEvent> = of<ScoredSnapshot>().pipe(takeUntilQuorum({ quorum: 2 }));
    events.subscribe((e) => {
      if (e.type === 'quorum') expectTypeOf(e).toEqualTypeOf<QuorumDecision>();
      else expectTypeOf(e).toEqualTypeOf<QuorumProgress>();
    });
    expectTypeOf<QuorumDecision['winners']>().toEqualTypeOf<readonly ScoredSnapshot[]>();
  });
});
