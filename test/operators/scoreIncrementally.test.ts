import { from, mergeMap, type Observable, type OperatorFunction, of, take, toArray } from 'rxjs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ScoredSnapshot, Snapshot, VariantEvent } from '../../src/events.js';
import { codeFenceClosed } from '../../src/operators/codeFenceClosed.js';
import {
  type ScoreIncrementallyOptions,
  scoreIncrementally,
} from '../../src/operators/scoreIncrementally.js';
import { snapshots } from '../../src/operators/snapshots.js';
import type { ScoreContext, Scorer, WeightedScorer } from '../../src/scorers/scorer.js';
import { delta, end, recordingScorer, start, syncSource, testScheduler } from './consensusHelpers.js';

const snap = (variant: string, text: string, d: string, done = false): Snapshot => ({
  variant,
  text,
  delta: d,
  deltas: 0,
  done,
  ...(done && { finish: 'stop' as const }),
});

const run = (
  events: VariantEvent[],
  scorers: readonly (Scorer | WeightedScorer)[],
  options?: ScoreIncrementallyOptions,
): ScoredSnapshot[] => {
  const out: ScoredSnapshot[] = [];
  from(events)
    .pipe(snapshots(), scoreIncrementally(scorers, options))
    .subscribe({ next: (s) => out.push(s), error: (e: unknown) => expect.unreachable(String(e)) });
  return out;
};

/** A scorer that returns fixed values and may throw in one phase. */
const fixed = (
  name: string,
  value: number | (() => number | { value: number; findings?: never[] }),
  throwIn?: 'init' | 'feed' | 'score',
): Scorer<null> => ({
  name,
  version: '1',
  init: () => {
    if (throwIn === 'init') throw new Error(`${name} init`);
    return null;
  },
  feed: (state) => {
    if (throwIn === 'feed') throw new Error(`${name} feed`);
    return state;
  },
  score: () => {
    if (throwIn === 'score') throw new Error(`${name} score`);
    return typeof value === 'function' ? value() : value;
  },
});

describe('scoreIncrementally', () => {
  it('scores every snapshot by default', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const values = {
        a: snap('v', 'ab', 'ab'),
        b: snap('v', 'abcd', 'cd'),
        c: snap('v', 'abcd', '', true),
      };
      const source = cold('-a-b-c-|', values);
      const scoredOf = (s: Snapshot, len: number) => ({
        ...s,
        scores: { len: len / 100 },
        score: len / 100,
        findings: {},
        scoreErrors: {},
      });
      expectObservable(source.pipe(scoreIncrementally([recordingScorer()]))).toBe('-a-b-c-|', {
        a: scoredOf(values.a, 2),
        b: scoredOf(values.b, 4),
        c: scoredOf(values.c, 4),
      });
      expectSubscriptions(source.subscriptions).toBe('^------!');
    });
  });

  it('inits once per variant, feeds exactly the deltas and passes the context', () => {
    const contexts: ScoreContext[] = [];
    const scorer = recordingScorer();
    const spy: Scorer<{ chars: number }> = {
      ...scorer,
      init: (context) => {
        contexts.push(context);
        return scorer.init(context);
      },
    };
    const out = run(
      [start('a'), delta('a', 'x'), start('b'), delta('b', 'yy'), delta('a', 'z'), end('a'), end('b')],
      [spy],
      { context: (first) => ({ prompt: 'p', task: 'code', language: first.variant }) },
    );
    expect(out).toHaveLength(7);
    expect(scorer.fed).toEqual(['x', 'yy', 'z']);
    expect(contexts).toEqual([
      { prompt: 'p', task: 'code', language: 'a', variant: 'a' },
      { prompt: 'p', task: 'code', language: 'b', variant: 'b' },
    ]);
    expect(out.find((s) => s.variant === 'a' && s.done)?.scores).toEqual({ len: 0.02 });
  });

  it("with emit 'done' emits only final snapshots, but still feeds every delta", () => {
    const scorer = recordingScorer();
    const out = run([start('v'), delta('v', 'ab'), delta('v', 'c'), end('v')], [scorer], { emit: 'done' });
    expect(out.map((s) => [s.text, s.done, s.score])).toEqual([['abc', true, 0.03]]);
    expect(scorer.fed).toEqual(['ab', 'c']);
  });

  it('with emit everyChars emits the first snapshot, every n characters and the final one', () => {
    const out = run(
      [start('v'), delta('v', 'ab'), delta('v', 'c'), delta('v', 'defg'), delta('v', 'h'), end('v')],
      [recordingScorer()],
      { emit: { everyChars: 3 } },
    );
    expect(out.map((s) => s.text)).toEqual(['', 'abc', 'abcdefg', 'abcdefgh']);
  });

  it('with a code fence boundary emits when a block closes', () => {
    const parts = ['Here:\n``', '`ts\nconst a', ' = 1;\n', '``', '`\nand', ' more\n', 'text'];
    const out = run([...parts.map((p) => delta('v', p)), end('v')], [recordingScorer()], {
      emit: { boundary: codeFenceClosed },
    });
    expect(out.map((s) => s.text)).toEqual([
      'Here:\n``',
      'Here:\n```ts\nconst a = 1;\n```\nand',
      'Here:\n```ts\nconst a = 1;\n```\nand more\ntext',
    ]);
  });

  it('combines scores as a weighted mean, clamps them and keeps report findings', () => {
    const finding = { code: 'x', message: 'm', severity: 'warning' as const };
    const out = run(
      [delta('v', 'a'), end('v')],
      [
        { scorer: fixed('a', 0.2), weight: 1 },
        { scorer: fixed('b', () => ({ value: 1.7, findings: [finding] as never[] })), weight: 3 },
        { scorer: fixed('c', -2), weight: 0 },
      ],
    );
    expect(out[1]!.scores).toEqual({ a: 0.2, b: 1, c: 0 });
    expect(out[1]!.score).toBeCloseTo(0.8);
    expect(out[1]!.findings).toEqual({ b: [finding] });
  });

  it('isolates scorers that throw or return non-finite values, per variant, and never errors', () => {
    const out = run(
      [delta('v', 'a'), delta('v', 'b'), end('v')],
      [
        fixed('ok', 0.5),
        fixed('init', 1, 'init'),
        fixed('feed', 1, 'feed'),
        fixed('score', 1, 'score'),
        fixed('nan', Number.NaN),
        {
          name: 'str',
          version: '1',
          init: () => null,
          feed: (s: null) => s,
          score: () => {
            throw 'not an error';
          },
        },
      ],
    );
    expect(out).toHaveLength(3);
    for (const s of out) {
      expect(s.scores).toEqual({ ok: 0.5 });
      expect(s.score).toBe(0.5);
      expect(Object.keys(s.scoreErrors).sort()).toEqual(['feed', 'init', 'nan', 'score', 'str']);
    }
    expect(out[2]!.scoreErrors.nan!.message).toMatch(/NaN/);
    expect(out[2]!.scoreErrors.str).toBeInstanceOf(Error);
    expect(out[2]!.scoreErrors.init!.message).toBe('init init');
  });

  it('scores 1 with nothing to weigh and 0 when every weighted scorer failed', () => {
    expect(run([end('v')], [])[0]!.score).toBe(1);
    expect(run([end('v')], [{ scorer: fixed('z', 0.3), weight: 0 }])[0]!.score).toBe(1);
    expect(run([end('v')], [fixed('x', 1, 'score')])[0]!.score).toBe(0);
  });

  it("ignores a variant's snapshots after its final one", () => {
    const scorer = recordingScorer();
    const out: ScoredSnapshot[] = [];
    from([snap('v', 'a', 'a', true), snap('v', 'ab', 'b')])
      .pipe(scoreIncrementally([scorer]))
      .subscribe((s) => out.push(s));
    expect(out).toHaveLength(1);
    expect(scorer.inits).toBe(1);
    expect(scorer.fed).toEqual(['a']);
  });

  it('validates its options when created', () => {
    const s = recordingScorer('a');
    expect(() => scoreIncrementally([s, recordingScorer('a')])).toThrow(/unique.*`a`/);
    expect(() => scoreIncrementally([{ scorer: s, weight: -1 }])).toThrow(/`scorers\[0\]\.weight`/);
    expect(() => scoreIncrementally([{ scorer: s, weight: Number.NaN }])).toThrow(TypeError);
    expect(() => scoreIncrementally([{ name: 'x' } as never])).toThrow(/`scorers\[0\]`/);
    expect(() => scoreIncrementally('x' as never)).toThrow(/`scorers`/);
    expect(() => scoreIncrementally([s], { emit: { everyChars: 0 } })).toThrow(/`emit`/);
    expect(() => scoreIncrementally([s], { emit: 'sometimes' as never })).toThrow(/`emit`/);
    expect(() => scoreIncrementally([s], { context: { task: 'code' } as never })).toThrow(/`context`/);
  });

  it('passes a source error through', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<Snapshot>('-#', {}, new Error('x'));
      expectObservable(source.pipe(scoreIncrementally([]))).toBe('-#', {}, new Error('x'));
      expectSubscriptions(source.subscriptions).toBe('^!');
    });
  });

  it('unsubscribes the source when the result is unsubscribed', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('--a--b--|', { a: snap('v', 'a', 'a'), b: snap('v', 'ab', 'b') });
      expectObservable(
        source.pipe(
          scoreIncrementally([]),
          mergeMap((s) => of(s.text)),
        ),
        '----!',
      ).toBe('--a--', {
        a: 'a',
      });
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('does not break unsubscription chains when the result is unsubscribed explicitly', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('--a--b--c--|', {
        a: snap('v', 'a', 'a'),
        b: snap('v', 'ab', 'b'),
        c: snap('v', 'abc', 'c'),
      });
      const result = source.pipe(
        mergeMap((x) => of(x)),
        scoreIncrementally([recordingScorer()]),
        mergeMap((x) => of(x.text)),
      );
      expectObservable(result, '------!').toBe('--a--b-', { a: 'a', b: 'ab' });
      expectSubscriptions(source.subscriptions).toBe('^-----!');
    });
  });

  it('stops a synchronous source when unsubscribed', () => {
    const produced: Snapshot[] = [];
    let texts: string[] = [];
    const values = [snap('v', 'a', 'a'), snap('v', 'ab', 'b'), snap('v', 'abc', 'c')];
    syncSource(values, produced)
      .pipe(scoreIncrementally([recordingScorer()]), take(2), toArray())
      .subscribe((all) => {
        texts = all.map((s) => s.text);
      });
    expect(texts).toEqual(['a', 'ab']);
    expect(produced).toHaveLength(2);
  });

  it('has the public type', () => {
    expectTypeOf(scoreIncrementally).returns.toEqualTypeOf<OperatorFunction<Snapshot, ScoredSnapshot>>();
    expectTypeOf(scoreIncrementally).parameter(0).toEqualTypeOf<readonly (Scorer | WeightedScorer)[]>();
    const typed: Observable<ScoredSnapshot> = of<Snapshot>().pipe(scoreIncrementally([recordingScorer()]));
    expectTypeOf(typed).toEqualTypeOf<Observable<ScoredSnapshot>>();
  });
});
