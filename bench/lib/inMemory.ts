/**
 * In-memory variant streams for the CPU-bound benchmarks: V variants of N token deltas each,
 * interleaved one token per variant in turn (what a merge of V live streams delivers), emitted
 * synchronously. Events are created as they are emitted, as an adapter creates them, so a run of
 * millions of tokens holds no event array.
 */
import { Observable } from 'rxjs';
import type { VariantEvent } from '../../src/events.js';
import { codeAnswerTokens } from './codeAnswer.js';

/**
 * The merged events of `variants` variants (`v0`, `v1`, …) of `tokens` deltas each, each variant
 * streaming its own code answer; every variant ends with `stop`.
 *
 * @example
 * mergedVariants(3, 1000).pipe(snapshots()).subscribe();
 */
export function mergedVariants(variants: number, tokens: number): Observable<VariantEvent> {
  const texts = Array.from({ length: variants }, (_, v) => codeAnswerTokens(tokens, v % 4));
  const ids = Array.from({ length: variants }, (_, v) => `v${v}`);
  return new Observable<VariantEvent>((subscriber) => {
    let at = 0;
    for (const variant of ids) subscriber.next({ type: 'start', variant, at, provider: 'mem', model: 'm' });
    for (let i = 0; i < tokens && !subscriber.closed; i++) {
      at++;
      for (let v = 0; v < variants; v++) {
        subscriber.next({ type: 'delta', variant: ids[v]!, text: texts[v]![i]!, at });
      }
    }
    for (const variant of ids) {
      subscriber.next({ type: 'usage', variant, input: 30, output: tokens, estimated: false });
      subscriber.next({ type: 'end', variant, finish: 'stop', at });
    }
    subscriber.complete();
  });
}
