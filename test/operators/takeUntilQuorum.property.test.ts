import fc from 'fast-check';
import { merge, Observable, take, tap } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { FinishReason, ScoredSnapshot, VariantEvent } from '../../src/events.js';
import { endOnError } from '../../src/operators/endOnError.js';
import type { QuorumEvent } from '../../src/operators/quorumEvents.js';
import { scoreIncrementally } from '../../src/operators/scoreIncrementally.js';
import { snapshots } from '../../src/operators/snapshots.js';
import { type QuorumRule, takeUntilQuorum } from '../../src/operators/takeUntilQuorum.js';
import { delta, end, type Probe, recordingScorer, scored, start } from './consensusHelpers.js';

interface VariantPlan {
  readonly streaming: number;
  readonly key: 'x' | 'y' | 'z';
  readonly finish: FinishReason;
  readonly score: number;
  /** Errors (as an Observable error) instead of sending its final snapshot. */
  readonly crash: boolean;
}

const planArb = fc.record({
  streaming: fc.nat(3),
  key: fc.constantFrom<'x' | 'y' | 'z'>('x', 'x', 'y', 'z'),
  finish: fc.constantFrom<FinishReason>('stop', 'stop', 'stop', 'length', 'error'),
  score: fc.constantFrom(0.2, 0.5, 0.9, 1),
  crash: fc.nat(19).map((n) => n === 0),
});

const ruleArb = (n: number): fc.Arbitrary<QuorumRule> =>
  fc.record({
    quorum: fc.integer({ min: 1, max: n }),
    minScore: fc.constantFrom(0, 0.5),
    confidence: fc.constantFrom(0, 0.5, 0.7),
    truncatedVotes: fc.boolean(),
    expected: fc.constantFrom(undefined, n),
    progress: fc.constantFrom<'changes' | 'snapshots' | 'none'>('changes', 'snapshots', 'none'),
  });

/** A cold variant whose every emission waits for the fast-check scheduler to release it. */
function scheduled<T>(s: fc.Scheduler, label: string, items: readonly (T | Error)[], probe: Probe) {
  return new Observable<T>((subscriber) => {
    probe.subscribed++;
    let open = true;
    let i = 0;
    const pump = (): void => {
      if (i === items.length) {
        subscriber.complete();
        return;
      }
      const item = items[i++]!;
      void s.schedule(Promise.resolve(), `${label}#${i}`).then(() => {
        if (!open) return;
        if (item instanceof Error) subscriber.error(item);
        else {
          subscriber.next(item);
          pump();
        }
      });
    };
    pump();
    return () => {
      open = false;
      probe.closed++;
    };
  });
}

/** What the rule decides for finals delivered in this order: a model of the documented semantics. */
function oracle(finals: readonly ScoredSnapshot[], rule: QuorumRule) {
  const { quorum, minScore = 0, confidence = 0, truncatedVotes = false, expected } = rule;
  const groups = new Map<string, { size: number; sum: number; first: number }>();
  let finished = 0;
  let failed = 0;
  const best = () =>
    [...groups.entries()].sort(
      ([, a], [, b]) => b.size - a.size || b.sum / b.size - a.sum / a.size || a.first - b.first,
    )[0]?.[0];
  for (const [i, f] of finals.entries()) {
    if (f.finish === 'error' || f.finish === 'cancelled') failed++;
    else {
      finished++;
      if ((f.finish === 'stop' || truncatedVotes) && f.score >= minScore) {
        const g = groups.get(f.text) ?? { size: 0, sum: 0, first: i };
        g.size++;
        g.sum += f.score;
        groups.set(f.text, g);
        if (g.size >= quorum && g.size >= confidence * finished)
          return { reached: true, reason: 'reached', key: f.text };
      }
    }
    if (expected !== undefined) {
      const remaining = expected - finished - failed;
      const top = Math.max(0, ...[...groups.values()].map((g) => g.size)) + remaining;
      if (top < quorum || top < confidence * (finished + remaining)) {
        return { reached: false, reason: 'impossible', key: best() };
      }
    }
  }
  return { reached: false, reason: 'completed', key: best() };
}

const scenario = fc
  .array(planArb, { minLength: 1, maxLength: 5 })
  .chain((plans) => fc.tuple(fc.constant(plans), ruleArb(plans.length), fc.scheduler()));

function variantsOf(plans: readonly VariantPlan[], s: fc.Scheduler, probes: Probe[]) {
  return plans.map((p, i) => {
    const id = `v${i}`;
    const items: (ScoredSnapshot | Error)[] = Array.from({ length: p.streaming }, (_, j) =>
      scored(id, p.key.slice(0, j), { score: 0.5 }),
    );
    items.push(
      p.crash
        ? new Error(`${id} crashed`)
        : scored(id, p.key, { done: true, finish: p.finish, score: p.score }),
    );
    return scheduled(s, id, items, probes[i]!);
  });
}

describe('takeUntilQuorum (properties)', () => {
  it('decides as the model says from the order of finishes alone, once, and closes every variant', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ([plans, rule, s]) => {
        const probes = plans.map(() => ({ subscribed: 0, closed: 0 }));
        const delivered: ScoredSnapshot[] = [];
        const events: QuorumEvent[] = [];
        let error: unknown;
        let completed = false;
        let afterEnd = 0;
        merge(...variantsOf(plans, s, probes))
          .pipe(
            tap((x) => delivered.push(x)),
            takeUntilQuorum(rule),
          )
          .subscribe({
            next: (e) => {
              if (completed || error) afterEnd++;
              events.push(e);
            },
            error: (e: unknown) => (error = e),
            complete: () => (completed = true),
          });
        await s.waitAll();

        expect(afterEnd).toBe(0);
        for (const p of probes) expect(p).toEqual({ subscribed: 1, closed: 1 });
        const decisions = events.filter((e) => e.type === 'quorum');
        if (error !== undefined) {
          // Only a variant that errored without endOnError can end the vote with an error.
          expect(plans.some((p) => p.crash)).toBe(true);
          expect(decisions).toHaveLength(0);
          expect(String(error)).toMatch(/crashed/);
          return;
        }
        expect(completed).toBe(true);
        expect(decisions).toHaveLength(1);
        expect(events.at(-1)).toBe(decisions[0]);
        const decision = decisions[0]!;
        const expected = oracle(
          delivered.filter((d) => d.done),
          rule,
        );
        expect({ reached: decision.reached, reason: decision.reason, key: decision.key }).toEqual(expected);
        // An early decision is made on the snapshot that completed it: nothing was read after it.
        if (decision.reason !== 'completed') expect(delivered.at(-1)!.done).toBe(true);
        expect(decision.finished + decision.failed + decision.streaming).toBe(decision.all.length);
      }),
      { numRuns: 150 },
    );
  });

  it('closes every variant when the consumer unsubscribes early', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, fc.integer({ min: 1, max: 4 }), async ([plans, rule, s], n) => {
        const probes = plans.map(() => ({ subscribed: 0, closed: 0 }));
        merge(...variantsOf(plans, s, probes))
          .pipe(takeUntilQuorum(rule), take(n))
          .subscribe({ error: () => undefined });
        await s.waitAll();
        for (const p of probes) expect(p).toEqual({ subscribed: 1, closed: 1 });
      }),
      { numRuns: 80 },
    );
  });

  it('through the whole pipeline, failing variants never end the vote', async () => {
    const eventsOf = (id: string, p: VariantPlan): (VariantEvent | Error)[] => [
      start(id),
      // Whitespace only: the key (normalized text) depends on the final delta alone.
      ...Array.from({ length: p.streaming }, () => delta(id, ' ')),
      ...(p.crash || p.finish === 'error' ? [new Error('reset')] : [delta(id, p.key), end(id, p.finish)]),
    ];
    await fc.assert(
      fc.asyncProperty(scenario, async ([plans, rule, s]) => {
        const probes = plans.map(() => ({ subscribed: 0, closed: 0 }));
        const variants = plans.map((p, i) =>
          scheduled<VariantEvent>(s, `v${i}`, eventsOf(`v${i}`, p), probes[i]!).pipe(endOnError(`v${i}`)),
        );
        const events: QuorumEvent[] = [];
        let error: unknown;
        merge(...variants)
          .pipe(
            snapshots(),
            scoreIncrementally([recordingScorer()]),
            takeUntilQuorum({ ...rule, minScore: 0 }),
          )
          .subscribe({ next: (e) => events.push(e), error: (e) => (error = e) });
        await s.waitAll();
        expect(error).toBeUndefined();
        expect(events.filter((e) => e.type === 'quorum')).toHaveLength(1);
        for (const p of probes) expect(p).toEqual({ subscribed: 1, closed: 1 });
      }),
      { numRuns: 80 },
    );
  });
});
