import fc from 'fast-check';
import { concat, from, take, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Snapshot, VariantEvent } from '../../src/events.js';
import { snapshots } from '../../src/operators/snapshots.js';
import { delta, end, type Probe, probed, start } from './consensusHelpers.js';

/** Texts cut into non-empty deltas at arbitrary places, for up to four variants, interleaved. */
const chunkedVariants = fc
  .array(fc.array(fc.string({ minLength: 1, maxLength: 6 }), { maxLength: 12 }), {
    minLength: 1,
    maxLength: 4,
  })
  .chain((variants) => {
    const ids = variants.map((_, i) => `v${i}`);
    const queues = variants.map((chunks, i) => [
      start(ids[i]!),
      ...chunks.map((c) => delta(ids[i]!, c)),
      end(ids[i]!),
    ]);
    const total = queues.reduce((n, q) => n + q.length, 0);
    // Which variant speaks next, at each step: any interleaving that keeps each variant's order.
    return fc.array(fc.nat(), { minLength: total, maxLength: total }).map((picks) => {
      const pending = queues.map((q) => [...q]);
      const events: VariantEvent[] = [];
      for (const pick of picks) {
        const open = pending.filter((q) => q.length > 0);
        events.push(open[pick % open.length]!.shift()!);
      }
      return { variants, ids, events };
    });
  });

describe('snapshots (properties)', () => {
  it("a variant's text is the concatenation of its deltas, for any chunking and interleaving", () => {
    fc.assert(
      fc.property(chunkedVariants, ({ variants, ids, events }) => {
        const out: Snapshot[] = [];
        let completed = false;
        let afterComplete = 0;
        from(events)
          .pipe(snapshots())
          .subscribe({
            next: (s) => {
              if (completed) afterComplete++;
              out.push(s);
            },
            complete: () => {
              completed = true;
            },
          });
        expect(completed).toBe(true);
        expect(afterComplete).toBe(0);
        expect(out).toHaveLength(events.length);
        const previous = new Map<string, string>();
        for (const s of out) {
          expect(s.text).toBe((previous.get(s.variant) ?? '') + s.delta);
          previous.set(s.variant, s.text);
        }
        ids.forEach((id, i) => {
          const last = out.filter((s) => s.variant === id).at(-1)!;
          expect(last.done).toBe(true);
          expect(last.text).toBe(variants[i]!.join(''));
          expect(last.deltas).toBe(variants[i]!.length);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('closes its source subscription after completion, error or unsubscription', () => {
    fc.assert(
      fc.property(
        chunkedVariants,
        fc.nat(),
        fc.constantFrom('complete', 'error', 'unsubscribe'),
        (v, n, how) => {
          const probe: Probe = { subscribed: 0, closed: 0 };
          const events = from(v.events);
          const source = probed(
            how === 'error'
              ? concat(
                  events,
                  throwError(() => new Error('x')),
                )
              : events,
            probe,
          );
          const sub = source
            .pipe(
              snapshots(),
              take(how === 'unsubscribe' ? (n % v.events.length) + 1 : Number.POSITIVE_INFINITY),
            )
            .subscribe({ error: () => undefined });
          sub.unsubscribe();
          expect(probe.subscribed).toBe(1);
          expect(probe.closed).toBe(1);
        },
      ),
      { numRuns: 100 },
    );
  });
});
