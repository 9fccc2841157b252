import { Observable, type Subscription } from 'rxjs';
import type { VariantEvent } from '../events.js';

/**
 * Runs `run(candidates[0])`; if it fails before its first token (no `delta` or `end` yet), runs the
 * next candidate, and so on: a variant's fallback chain. A failure after the first token passes
 * as is: text already went downstream, and restarting on another provider would duplicate it.
 *
 * ```
 * run(a):   -s--#                      fails before a token
 * run(b):       ^-s--d--d--e|          subscribed at a's failure (onFallback(a, b, error) first)
 * result:   --------S-d--d--e|         S = b's start: a's start was held, then dropped
 *
 * run(a):   -s--d--#                   fails after a token
 * result:   ----S-d#                   no fallback
 * ```
 *
 * Each candidate's `start` and `usage` events are held until its first `delta` or `end`, and
 * dropped if it fails before, so downstream sees exactly one `start`: the serving candidate's. When
 * every candidate failed, the last one's error passes.
 *
 * Cancellation: unsubscribing unsubscribes the running candidate; no later one is started.
 *
 * @param candidates - in order; not empty.
 * @param onFallback - called before each switch, with the error that caused it.
 * @example
 * ```ts
 * fallback(['openai', 'claude', 'ollama'], (provider) => streamOn(provider), (from, to) => log(from, to));
 * ```
 */
export function fallback<C>(
  candidates: readonly C[],
  run: (candidate: C, index: number) => Observable<VariantEvent>,
  onFallback?: (from: C, to: C, error: unknown) => void,
): Observable<VariantEvent> {
  if (!Array.isArray(candidates) || candidates.length === 0) {
    throw new TypeError('fallback: `candidates` must be a non-empty array');
  }
  if (typeof run !== 'function') throw new TypeError('fallback: `run` must be a function');
  return new Observable<VariantEvent>((subscriber) => {
    let current: Subscription | undefined;
    let latest = -1;
    let closed = false;

    const start = (index: number): void => {
      latest = index;
      let committed = false;
      let held: VariantEvent[] = [];
      let source: Observable<VariantEvent>;
      try {
        source = run(candidates[index]!, index);
      } catch (error) {
        failed(index, error);
        return;
      }
      const sub = source.subscribe({
        next: (event) => {
          if (committed) {
            subscriber.next(event);
            return;
          }
          if (event.type !== 'delta' && event.type !== 'end') {
            held.push(event);
            return;
          }
          committed = true;
          const out = held;
          held = [];
          for (const e of out) subscriber.next(e);
          subscriber.next(event);
        },
        error: (error: unknown) => {
          if (committed) subscriber.error(error);
          else failed(index, error);
        },
        complete: () => {
          const out = held;
          held = [];
          for (const e of out) subscriber.next(e);
          subscriber.complete();
        },
      });
      // A candidate that failed synchronously has started the next one already: keep the latest.
      if (latest === index) current = sub;
      if (closed) sub.unsubscribe();
    };

    const failed = (index: number, error: unknown): void => {
      if (closed) return;
      const next = index + 1;
      if (next >= candidates.length) {
        subscriber.error(error);
        return;
      }
      try {
        onFallback?.(candidates[index]!, candidates[next]!, error);
      } catch (thrown) {
        subscriber.error(thrown);
        return;
      }
      if (!closed) start(next);
    };

    start(0);
    return () => {
      closed = true;
      current?.unsubscribe();
    };
  });
}
