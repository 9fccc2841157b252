import fc from 'fast-check';
import { from } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { ScoredSnapshot, VariantEvent } from '../../src/events.js';
import { codeFenceClosed } from '../../src/operators/codeFenceClosed.js';
import { type ScoreEmit, scoreIncrementally } from '../../src/operators/scoreIncrementally.js';
import { snapshots } from '../../src/operators/snapshots.js';
import type { Scorer } from '../../src/scorers/scorer.js';
import { delta, end, recordingScorer, start } from './consensusHelpers.js';

/** Text with code fences now and then, cut into non-empty deltas at arbitrary places. */
const chunkedText = fc
  .array(fc.constantFrom('```\n', '```py\n', 'a', 'é', ' ', '\n', 'x = 1', '🎵', '~~~\n'), { maxLength: 40 })
  .map((parts) => parts.join(''))
  .chain((text) =>
    fc
      .uniqueArray(fc.integer({ min: 1, max: Math.max(1, text.length - 1) }), { maxLength: 15 })
      .map((cuts) => {
        const bounds = [0, ...cuts.filter((c) => c < text.length).sort((a, b) => a - b), text.length];
        const deltas = bounds
          .slice(1)
          .map((b, i) => text.slice(bounds[i], b))
          .filter((d) => d !== '');
        return { text, deltas };
      }),
  );

const emitModes: fc.Arbitrary<ScoreEmit> = fc.oneof(
  fc.constantFrom<ScoreEmit>('delta', 'done', { boundary: codeFenceClosed }),
  fc.integer({ min: 1, max: 10 }).map((everyChars) => ({ everyChars })),
);

const eventsOf = (variant: string, deltas: readonly string[]): VariantEvent[] => [
  start(variant),
  ...deltas.map((d) => delta(variant, d)),
  end(variant),
];

const run = (events: VariantEvent[], scorers: Scorer[], emit: ScoreEmit) => {
  const out: ScoredSnapshot[] = [];
  let error: unknown;
  let completed = false;
  from(events)
    .pipe(snapshots(), scoreIncrementally(scorers, { emit }))
    .subscribe({ next: (s) => out.push(s), error: (e) => (error = e), complete: () => (completed = true) });
  return { out, error, completed };
};

describe('scoreIncrementally (properties)', () => {
  it('feeds exactly the deltas, whatever the chunking and the emit mode', () => {
    fc.assert(
      fc.property(chunkedText, chunkedText, emitModes, (a, b, emit) => {
        const scorer = recordingScorer();
        // Two variants, interleaved delta by delta.
        const ea = eventsOf('a', a.deltas);
        const eb = eventsOf('b', b.deltas);
        const events = Array.from({ length: Math.max(ea.length, eb.length) }, (_, i) => [ea[i], eb[i]])
          .flat()
          .filter((e): e is VariantEvent => e !== undefined);
        const { out, completed } = run(events, [scorer], emit);
        expect(completed).toBe(true);
        expect(scorer.inits).toBe(2);
        expect(scorer.fed.join('')).toBe(
          events.flatMap((e) => (e.type === 'delta' ? [e.text] : [])).join(''),
        );
        expect(scorer.fed.reduce((n, d) => n + d.length, 0)).toBe(a.text.length + b.text.length);
        for (const [id, text] of [
          ['a', a.text],
          ['b', b.text],
        ] as const) {
          const last = out.filter((s) => s.variant === id).at(-1)!;
          expect(last).toMatchObject({ done: true, text, scores: { len: Math.min(1, text.length / 100) } });
        }
        if (emit === 'delta') expect(out).toHaveLength(events.length);
        if (emit === 'done') expect(out).toHaveLength(2);
      }),
      { numRuns: 150 },
    );
  });

  it('a scorer that throws anywhere never errors the stream nor changes the others', () => {
    const phases = fc.constantFrom('init', 'feed', 'score');
    fc.assert(
      fc.property(chunkedText, emitModes, phases, fc.nat(5), (t, emit, phase, at) => {
        let calls = 0;
        const thrower: Scorer<null> = {
          name: 'thrower',
          version: '1',
          init: () => {
            if (phase === 'init') throw new Error('init');
            return null;
          },
          feed: (s) => {
            if (phase === 'feed' && calls++ === at) throw new Error('feed');
            return s;
          },
          score: () => {
            if (phase === 'score' && calls++ === at) throw new Error('score');
            return 0.5;
          },
        };
        const events = eventsOf('v', t.deltas);
        const alone = run(events, [recordingScorer()], emit);
        const withThrower = run(events, [recordingScorer(), thrower], emit);
        expect(withThrower.error).toBeUndefined();
        expect(withThrower.completed).toBe(true);
        expect(withThrower.out.map((s) => [s.text, s.scores.len])).toEqual(
          alone.out.map((s) => [s.text, s.scores.len]),
        );
        const last = withThrower.out.at(-1)!;
        if ('thrower' in last.scoreErrors) {
          expect(last.scores.thrower).toBeUndefined();
          expect(last.score).toBe(last.scores.len);
        } else {
          expect(last.score).toBeCloseTo((last.scores.len! + 0.5) / 2);
        }
        if (phase === 'init') expect(last.scoreErrors.thrower?.message).toBe('init');
      }),
      { numRuns: 150 },
    );
  });
});
